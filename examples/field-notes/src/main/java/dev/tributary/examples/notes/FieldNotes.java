package dev.tributary.examples.notes;

import dev.tributary.client.OfflineException;
import dev.tributary.client.OfflineObjects;
import dev.tributary.client.SyncCallback;
import dev.tributary.client.SyncOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Field notes: a small offline app on the Tributary client SDK. Notes are written on the device
 * (a SQLite file), with or without a network, and synced with the hub's {@code FieldNotes}
 * service when asked. Run two copies with different {@code --file}s to watch edits travel.
 */
@Command(name = "field-notes", mixinStandardHelpOptions = true, version = "field-notes 0.1",
        description = "Take notes offline; sync them with a Tributary hub when you can.",
        subcommands = {FieldNotes.Init.class, FieldNotes.Add.class, FieldNotes.ListNotes.class, FieldNotes.Edit.class,
                FieldNotes.Done.class, FieldNotes.Delete.class, FieldNotes.Pending.class, FieldNotes.Undo.class,
                FieldNotes.Sync.class, FieldNotes.Watch.class},
        footer = {"", "Start with: field-notes init   (once per hub, with an admin token)",
                "Then:       field-notes add \"Pump 3 leaks\" && field-notes sync"})
public final class FieldNotes {

    /** The object service this app uses, as the hub should define it. */
    static final String SERVICE = "FieldNotes";
    static final String DEFINITION = """
            {"objects": {"Note": {"collection": "field-notes", "primaryKey": ["id"], "keys": "server",
                                  "conflictPolicy": "serverWins"}},
             "uploadParameters": [{"name": "device"}]}
            """;

    @Option(names = "--hub", paramLabel = "<url>", defaultValue = "${env:TRIBUTARY_URL:-http://127.0.0.1:8080}",
            description = "The hub's URL (default: ${DEFAULT-VALUE}; env TRIBUTARY_URL).", scope = CommandLine.ScopeType.INHERIT)
    URI hub;

    @Option(names = "--token", paramLabel = "<token>", defaultValue = "${env:TRIBUTARY_TOKEN}",
            description = "An access token with read and write on field-notes (env TRIBUTARY_TOKEN).",
            scope = CommandLine.ScopeType.INHERIT)
    String token;

    @Option(names = "--file", paramLabel = "<notes.db>", defaultValue = "field-notes.db",
            description = "This device's local store (default: ${DEFAULT-VALUE}).", scope = CommandLine.ScopeType.INHERIT)
    Path file;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FieldNotes());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("field-notes: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    private String token() {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no token: pass --token or set TRIBUTARY_TOKEN"
                    + " (create one with: ./tributary token create --scope read:field-notes --scope write:field-notes)");
        }
        return token;
    }

    /** Opens the device's store; sets it up from the hub on first use. */
    OfflineObjects open() {
        OfflineObjects app = OfflineObjects.open(file, hub, token(), List.of(SERVICE), Duration.ofSeconds(30));
        if (!app.isSetUp()) {
            try {
                app.setup();
            } catch (OfflineException e) {
                app.close();
                throw new IllegalStateException("cannot set up " + file + " from " + hub + ": " + e.getMessage()
                        + (e.getMessage().contains("404") ? " — run 'field-notes init' first" : ""), e);
            }
        }
        return app;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Base of the subcommands. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        FieldNotes app;

        PrintWriter out() {
            return app.out();
        }
    }

    @Command(name = "init", description = "Define the FieldNotes service on the hub (needs an admin token; once per hub).")
    static final class Init extends Sub {
        @Override
        public Integer call() throws Exception {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(app.hub.toString().replaceAll("/$", "") + "/v1/services/" + SERVICE))
                    .header("Authorization", "Bearer " + app.token()).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(DEFINITION)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new IllegalStateException("the hub answered " + answer.statusCode() + ": " + answer.body());
            }
            out().println("The hub now has the " + SERVICE + " service (notes live in its collection field-notes).");
            return 0;
        }
    }

    @Command(name = "add", description = "Write a note (works offline).")
    static final class Add extends Sub {
        @Parameters(paramLabel = "<text>", description = "The note.")
        String text;

        @Option(names = "--site", description = "Where it was taken.")
        String site;

        @Override
        public Integer call() {
            try (OfflineObjects notes = app.open()) {
                Map<String, Object> note = new LinkedHashMap<>();
                note.put("text", text);
                note.put("site", site);
                note.put("done", false);
                note.put("written", Instant.now().toString());
                Map<String, Object> created = notes.create("Note", note);
                out().println("Added " + created.get("id") + " (it gets its hub key at the next sync).");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Show the notes on this device; * marks changes not yet synced.")
    static final class ListNotes extends Sub {
        @Option(names = "--filter", paramLabel = "<expr>", description = "e.g. \"done eq false and site eq 'north'\"")
        String filter;

        @Override
        public Integer call() {
            try (OfflineObjects notes = app.open()) {
                java.util.Set<Object> pending = new java.util.HashSet<>();
                notes.getPendingRecordsForUpload().getOrDefault("Note", List.of()).forEach(p -> pending.add(p.get("key")));
                List<Map<String, Object>> found = notes.query("Note", filter);
                for (Map<String, Object> note : found) {
                    out().printf("%s %-40s [%s] %s%s%n", pending.contains(note.get("id")) ? "*" : " ", note.get("id"),
                            Boolean.TRUE.equals(note.get("done")) ? "x" : " ", note.get("text"),
                            note.get("site") == null ? "" : "  @" + note.get("site"));
                }
                out().println(found.size() + " note(s).");
            }
            return 0;
        }
    }

    @Command(name = "edit", description = "Change a note's text.")
    static final class Edit extends Sub {
        @Parameters(index = "0", paramLabel = "<key>")
        String key;

        @Parameters(index = "1", paramLabel = "<text>")
        String text;

        @Override
        public Integer call() {
            try (OfflineObjects notes = app.open()) {
                Map<String, Object> note = new LinkedHashMap<>(notes.get("Note", key)
                        .orElseThrow(() -> new IllegalArgumentException("no note " + key + "; see 'field-notes list'")));
                note.put("text", text);
                notes.update("Note", key, note);
                out().println("Edited " + key + ".");
            }
            return 0;
        }
    }

    @Command(name = "done", description = "Mark a note done.")
    static final class Done extends Sub {
        @Parameters(paramLabel = "<key>")
        String key;

        @Override
        public Integer call() {
            try (OfflineObjects notes = app.open()) {
                Map<String, Object> note = new LinkedHashMap<>(notes.get("Note", key)
                        .orElseThrow(() -> new IllegalArgumentException("no note " + key + "; see 'field-notes list'")));
                note.put("done", true);
                notes.update("Note", key, note);
                out().println("Done: " + note.get("text"));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a note.")
    static final class Delete extends Sub {
        @Parameters(paramLabel = "<key>")
        String key;

        @Override
        public Integer call() {
            try (OfflineObjects notes = app.open()) {
                notes.delete("Note", key);
                out().println("Deleted " + key + ".");
            }
            return 0;
        }
    }

    @Command(name = "pending", description = "Show the changes waiting for the next sync.")
    static final class Pending extends Sub {
        @Override
        public Integer call() {
            try (OfflineObjects notes = app.open()) {
                List<Map<String, Object>> pending = notes.getPendingRecordsForUpload().getOrDefault("Note", List.of());
                pending.forEach(p -> out().println(p.get("change") + " " + p.get("key")));
                out().println(pending.size() + " change(s) waiting.");
            }
            return 0;
        }
    }

    @Command(name = "undo", description = "Undo this device's unsynced changes (all, or the keys given).")
    static final class Undo extends Sub {
        @Parameters(paramLabel = "<key>", arity = "0..*")
        List<String> keys;

        @Override
        public Integer call() {
            try (OfflineObjects notes = app.open()) {
                out().println("Undid " + notes.rollback("Note", keys == null || keys.isEmpty() ? null : keys) + " change(s).");
            }
            return 0;
        }
    }

    @Command(name = "sync", description = "Upload this device's changes, then download everyone else's.")
    static final class Sync extends Sub {
        @Option(names = "--device", description = "A name for this device, sent with its uploads (default: the file name).")
        String device;

        @Option(names = "--stats", description = "Show timings per batch.")
        boolean stats;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            try (OfflineObjects notes = app.open()) {
                SyncOptions options = SyncOptions.builder().service(SERVICE, s -> s.getSyncStats(stats)
                        .uploadParameter("device", device != null ? device : app.file.getFileName().toString())).build();
                CompletableFuture<Map<String, Object>> outcome = new CompletableFuture<>();
                notes.startSync(options, new SyncCallback() {
                    @Override
                    public void onSuccess(Map<String, Object> result) {
                        outcome.complete(result);
                    }

                    @Override
                    public void onFailure(Map<String, Object> error) {
                        outcome.complete(error);
                    }
                }, event -> {
                    if ("inProgress".equals(event.get("state"))) {
                        out().printf("  %-8s batch %s: %s record(s)  (uploaded %s, downloaded %s so far)%n", event.get("phase"),
                                event.get("batch"), event.get("records"), event.get("totalUploaded"), event.get("totalDownloaded"));
                        out().flush();
                    }
                }).join();
                Map<String, Object> result = outcome.get();
                Map<String, Object> failures = (Map<String, Object>) result.getOrDefault("failureResponse", Map.of());
                if (!failures.isEmpty()) {
                    Map<String, Object> failure = (Map<String, Object>) failures.values().iterator().next();
                    out().println("Sync failed: " + failure.get("message"));
                    out().println("Your changes are kept on this device; run 'field-notes sync' again when the hub is reachable.");
                    return 2;
                }
                Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) result.get("successResponse")).get(SERVICE);
                out().println("Synced: " + service.get("uploaded") + " uploaded, " + service.get("downloaded") + " downloaded.");
                for (Map<String, Object> conflict : (List<Map<String, Object>>) service.get("conflicts")) {
                    Map<String, Object> server = (Map<String, Object>) conflict.get("serverRecord");
                    out().println("Conflict on " + conflict.get("id") + ": the hub's version was kept"
                            + (server == null ? " (it was deleted there)" : ": \"" + server.get("text") + "\""));
                }
                for (Map<String, Object> rejected : (List<Map<String, Object>>) service.get("rejected")) {
                    out().println("Refused by the hub: " + rejected.get("id") + ": " + rejected.get("message"));
                }
                if (stats) {
                    out().println("Stats: " + service.get("stats"));
                }
            }
            return 0;
        }
    }

    @Command(name = "watch", description = {"Stay in sync: download everyone else's changes as they reach the hub,",
        "without running sync (the hub tells this device; Ctrl-C to stop)."})
    static final class Watch extends Sub {
        @Option(names = "--for", paramLabel = "<ISO-8601>", description = "Stop after this long, e.g. PT10M (default: until Ctrl-C).")
        java.time.Duration duration;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            try (OfflineObjects notes = app.open()) {
                out().println("Watching the hub for changes to " + SERVICE + " (Ctrl-C to stop)...");
                out().flush();
                java.util.concurrent.CountDownLatch forever = new java.util.concurrent.CountDownLatch(1);
                try (AutoCloseable watch = notes.watch(SyncOptions.builder().build(), new dev.tributary.client.WatchListener() {
                    @Override
                    public void onSync(Map<String, Object> result) {
                        String time = java.time.LocalTime.now().withNano(0).toString();
                        Map<String, Object> failures = (Map<String, Object>) result.getOrDefault("failureResponse", Map.of());
                        if (!failures.isEmpty()) {
                            out().println(time + "  sync failed: "
                                    + ((Map<String, Object>) failures.values().iterator().next()).get("message"));
                        } else {
                            Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) result.get("successResponse"))
                                    .get(SERVICE);
                            out().println(time + "  synced: " + service.get("uploaded") + " uploaded, " + service.get("downloaded")
                                    + " downloaded; " + notes.query("Note", null).size() + " note(s) on this device");
                        }
                        out().flush();
                    }

                    @Override
                    public void onError(dev.tributary.client.OfflineException error) {
                        out().println(java.time.LocalTime.now().withNano(0) + "  the hub is not reachable (" + error.getMessage()
                                + "); retrying");
                        out().flush();
                    }
                })) {
                    if (duration == null) {
                        forever.await();
                    } else {
                        forever.await(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                }
            }
            return 0;
        }
    }
}
