package dev.tributary.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.server.TestHub;
import dev.tributary.store.StoreBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The example app as a user runs it: two devices, one hub. */
class FieldNotesIT {

    @TempDir
    Path dir;
    private final TestHub hub = new TestHub(StoreBackend.sqlite());

    @AfterEach
    void close() {
        hub.close();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String device, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FieldNotes.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--hub", hub.server.baseUrl(), "--token", hub.adminToken, "--file", dir.resolve(device + ".db").toString()));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void notesWrittenOnOneDeviceReachTheOtherAndConflictsAreExplained() {
        Run notInitialized = run("phone", "list");
        assertThat(notInitialized.exit()).isEqualTo(1);
        assertThat(notInitialized.err()).contains("run 'field-notes init' first");

        assertThat(run("phone", "init").exit()).isZero();
        Run added = run("phone", "add", "Pump 3 leaks", "--site", "north");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(run("phone", "list").out()).contains("* local-").contains("Pump 3 leaks  @north");
        assertThat(run("phone", "pending").out()).contains("create local-").contains("1 change(s) waiting.");

        Run synced = run("phone", "sync");
        assertThat(synced.exit()).as(synced.out() + synced.err()).isZero();
        assertThat(synced.out()).contains("upload   batch 1: 1 record(s)").contains("Synced: 1 uploaded, 1 downloaded.");
        assertThat(hub.store.changeLog().get("field-notes", key(run("phone", "list").out()))).isPresent()
                .hasValueSatisfying(r -> assertThat(r.origin()).endsWith("?device=phone.db"));

        Run tablet = run("tablet", "sync");
        assertThat(tablet.out()).contains("Synced: 0 uploaded, 1 downloaded.");
        String key = key(run("tablet", "list").out());
        assertThat(run("tablet", "list", "--filter", "site eq 'north'").out()).contains("Pump 3 leaks").contains("1 note(s).");

        // Both devices change the note offline; the phone syncs first and the hub keeps its version.
        assertThat(run("phone", "edit", key, "Pump 3 fixed").exit()).isZero();
        assertThat(run("tablet", "done", key).exit()).isZero();
        run("phone", "sync");
        Run conflict = run("tablet", "sync");
        assertThat(conflict.out()).contains("Conflict on " + key + ": the hub's version was kept: \"Pump 3 fixed\"");
        assertThat(run("tablet", "list").out()).contains("Pump 3 fixed").doesNotContain("*");

        assertThat(run("tablet", "delete", key).exit()).isZero();
        assertThat(run("tablet", "undo").out()).contains("Undid 1 change(s).");
        assertThat(run("tablet", "list").out()).contains("1 note(s).");

        Run unknown = run("tablet", "edit", "nope", "x");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no note nope");
    }

    @Test
    void aSyncWithoutTheHubKeepsTheChangesAndSaysWhatToDo() {
        assertThat(run("phone", "init").exit()).isZero();
        run("phone", "sync");
        run("phone", "add", "written offline");
        hub.server.close();
        Run offline = run("phone", "sync");
        assertThat(offline.exit()).isEqualTo(2);
        assertThat(offline.out()).contains("Sync failed").contains("Your changes are kept on this device");
        assertThat(run("phone", "pending").out()).contains("1 change(s) waiting.");
    }

    private static String key(String listing) {
        Matcher matcher = Pattern.compile("^[ *] (\\S+)", Pattern.MULTILINE).matcher(listing);
        assertThat(matcher.find()).as(listing).isTrue();
        return matcher.group(1);
    }

    @Test
    void aWatchingDevicePicksUpAnothersNoteWithoutSyncing() throws Exception {
        assertThat(run("phone", "init").exit()).isZero();
        assertThat(run("tablet", "sync").exit()).isZero();
        java.util.concurrent.CompletableFuture<Run> watching =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> run("tablet", "watch", "--for", "PT6S"));
        Thread.sleep(1500);
        assertThat(run("phone", "add", "Valve 7 stuck").exit()).isZero();
        assertThat(run("phone", "sync").exit()).isZero();
        Run watched = watching.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(watched.exit()).as(watched.err()).isZero();
        assertThat(watched.out()).contains("Watching the hub").contains("synced: 0 uploaded, 1 downloaded; 1 note(s) on this device");
        assertThat(run("tablet", "list").out()).as("there without a sync command").contains("Valve 7 stuck");
    }
}
