package dev.tributary.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary sync …}: run links on a running hub and watch them. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Run links on a running hub and watch their progress; test endpoints.",
        subcommands = {SyncCommand.Run.class, SyncCommand.Resync.class, SyncCommand.Test.class, SyncCommand.Status.class,
            SyncCommand.Pause.class, SyncCommand.Resume.class})
final class SyncCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the hub is and the admin token to call it with: the options of every sync subcommand. */
    static final class HubOptions {
        @Option(names = "--url", defaultValue = "${env:TRIBUTARY_URL:-http://127.0.0.1:8080}",
                description = "The hub's base URL (default: ${DEFAULT-VALUE}; env TRIBUTARY_URL).")
        String url;

        @Option(names = "--token", defaultValue = "${env:TRIBUTARY_TOKEN}",
                description = "An admin token (env TRIBUTARY_TOKEN).")
        String token;

        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        String base() {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }

        /** Says so and answers true when no token was given. */
        boolean missingToken(PrintWriter err) {
            if (token == null || token.isBlank()) {
                err.println("error: give an admin token with --token or TRIBUTARY_TOKEN");
                return true;
            }
            return false;
        }

        /** GETs; null (after saying so) when no hub answers. */
        HttpResponse<String> get(String path, PrintWriter err) throws java.io.IOException, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET(), err);
        }

        /** POSTs with no body; null (after saying so) when no hub answers. */
        HttpResponse<String> post(String path, PrintWriter err) throws java.io.IOException, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofMinutes(2))
                    .POST(HttpRequest.BodyPublishers.noBody()), err);
        }

        private HttpResponse<String> send(HttpRequest.Builder request, PrintWriter err)
                throws java.io.IOException, InterruptedException {
            try {
                return http.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                err.println("error: no hub answers at " + base() + "; start one with 'tributary serve' or pass --url");
                return null;
            }
        }

        /**
         * The JSON of a 200 answer; null, after saying why, when no hub answers or it answers
         * anything else.
         */
        JsonNode ok(HttpResponse<String> answer, PrintWriter err) throws java.io.IOException {
            if (answer == null) {
                return null;
            }
            if (answer.statusCode() != 200) {
                err.println("error: " + Run.errorMessage(answer.body(), answer.statusCode()));
                return null;
            }
            return JSON.readTree(answer.body());
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Start a run of a link, show its progress, and print its stats at the end.",
                "Exits 0 when the run succeeds, 1 otherwise."})
    static class Run implements Callable<Integer> {

        @Parameters(paramLabel = "<link>", description = "The link to run.")
        String link;

        @Mixin
        HubOptions hub;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (hub.missingToken(err)) {
                return 1;
            }
            HttpClient http = hub.http;
            String base = hub.base();
            HttpResponse<String> started = hub.post("/v1/links/" + URLEncoder.encode(link, StandardCharsets.UTF_8) + action(), err);
            if (started == null) {
                return 1;
            }
            if (started.statusCode() != 202) {
                err.println("error: " + errorMessage(started.body(), started.statusCode()));
                return 1;
            }
            String id = JSON.readTree(started.body()).get("id").asText();
            JsonNode last = follow(http, base, id);
            // The stream may end before the run does (a dropped connection, a proxy's timeout): ask until it has.
            while (last == null || !Set.of("succeeded", "failed", "cancelled").contains(last.path("state").asText())) {
                if (last != null) {
                    Thread.sleep(200);
                }
                last = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/runs/" + id))
                        .header("Authorization", "Bearer " + hub.token).build(), HttpResponse.BodyHandlers.ofString()).body());
                if (!last.has("state")) {
                    break; // not a run (an error answer): printed as it is
                }
            }
            printStats(out, last);
            return "succeeded".equals(last.path("state").asText()) ? 0 : 1;
        }

        /** What is started: a run. */
        String action() {
            return "/runs";
        }

        /** Follows the run's events with a progress bar; returns the last event. */
        private JsonNode follow(HttpClient http, String base, String id) throws Exception {
            HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/runs/" + id + "/events"))
                    .header("Authorization", "Bearer " + hub.token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            JsonNode last = null;
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("run " + link).setInitialMax(1000)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate().build();
                    BufferedReader reader = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    last = JSON.readTree(line.substring(5).strip());
                    bar.stepTo(Math.round(last.path("progress").asDouble() * 1000));
                    bar.setExtraMessage(last.path("phase").asText("") + " in:" + changes(last.path("stats").path("inbound"))
                            + " out:" + changes(last.path("stats").path("outbound")));
                }
                if (last != null && "succeeded".equals(last.path("state").asText())) {
                    bar.stepTo(1000);
                }
            }
            return last;
        }

        private static long changes(JsonNode direction) {
            return direction.path("created").asLong() + direction.path("updated").asLong() + direction.path("deleted").asLong();
        }

        private static void printStats(PrintWriter out, JsonNode run) {
            out.println();
            out.println("run " + run.path("id").asText() + ": " + run.path("state").asText()
                    + (run.hasNonNull("error") && !run.get("error").asText().isEmpty() ? " — " + run.get("error").asText() : ""));
            out.printf("  %-9s %8s %8s %8s %8s %8s %9s %7s %9s%n", "", "read", "created", "updated", "deleted", "skipped",
                    "conflicts", "errors", "ms");
            for (String direction : new String[] {"inbound", "outbound"}) {
                JsonNode s = run.path("stats").path(direction);
                out.printf("  %-9s %8d %8d %8d %8d %8d %9d %7d %9d%n", direction, s.path("read").asLong(),
                        s.path("created").asLong(), s.path("updated").asLong(), s.path("deleted").asLong(),
                        s.path("skipped").asLong(), s.path("conflicts").asLong(), s.path("errors").asLong(),
                        s.path("elapsedMs").asLong());
            }
            out.flush();
        }

        static String errorMessage(String body, int status) {
            try {
                JsonNode error = JSON.readTree(body).path("error");
                return status + " " + error.path("reason").asText() + ": " + error.path("message").asText();
            } catch (Exception e) {
                return "HTTP " + status;
            }
        }
    }

    @Command(name = "resync", mixinStandardHelpOptions = true,
            description = {"Resync a link: compare everything the endpoint holds with the hub and write what is "
                    + "missing or different on either side (a target that lost rows gets them back; changes the "
                    + "endpoint's change tracking missed come in). Recorded as a run with mode resync; shows its "
                    + "progress and prints its stats at the end.",
                "Exits 0 when the resync succeeds, 1 otherwise."})
    static final class Resync extends Run {

        @Override
        String action() {
            return "/resync";
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Ask a running hub to connect to an endpoint and check it (credentials, tables).",
                "Exits 0 when the endpoint can be used, 1 otherwise."})
    static final class Test implements Callable<Integer> {

        @Parameters(paramLabel = "<endpoint>", description = "The endpoint to test.")
        String endpoint;

        @Mixin
        HubOptions hub;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (hub.missingToken(err)) {
                return 1;
            }
            JsonNode result = hub.ok(hub.post("/v1/endpoints/" + URLEncoder.encode(endpoint, StandardCharsets.UTF_8) + "/test",
                    err), err);
            if (result == null) {
                return 1;
            }
            if (result.path("ok").asBoolean()) {
                out.println("endpoint " + endpoint + ": the hub can reach it and use it");
                return 0;
            }
            err.println("endpoint " + endpoint + ": cannot be used: " + result.path("error").asText());
            return 1;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show every link: direction, schedule, its last run, and how far behind it is each way",
                "(changes waiting to be written out, and for how long; inbound, time since the last successful run).",
                "With --every, the table refreshes until Ctrl-C."})
    static class Status implements Callable<Integer> {

        @Mixin
        HubOptions hub;

        @Option(names = "--every", paramLabel = "<ISO-8601>", description = "Refresh the table this often, e.g. PT2S.")
        Duration every;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (hub.missingToken(err)) {
                return 1;
            }
            if (every != null && (every.isNegative() || every.isZero())) {
                err.println("error: --every must be positive, such as PT2S");
                return 1;
            }
            while (true) {
                String table = table(err);
                if (table == null) {
                    return 1;
                }
                if (every != null) {
                    out.print("\033[H\033[2J"); // clear the terminal, then draw again
                }
                out.print(table);
                out.flush();
                if (every == null) {
                    return 0;
                }
                Thread.sleep(every.toMillis());
            }
        }

        /** The table as text; null (after saying why) when the hub cannot be asked. */
        String table(PrintWriter err) throws Exception {
            JsonNode links = hub.ok(hub.get("/v1/links", err), err);
            if (links == null) {
                return null;
            }
            StringBuilder table = new StringBuilder(String.format(java.util.Locale.ROOT, "%-24s %-4s %-10s %-11s %-10s %-20s %12s %10s %10s%n",
                    "LINK", "DIR", "MODE", "STATE", "LAST RUN", "FINISHED", "OUT WAITING", "OUT AGE", "IN AGE"));
            StringBuilder errors = new StringBuilder();
            for (JsonNode link : links.path("items")) {
                String name = link.path("name").asText();
                JsonNode state = link.path("state");
                if (state.hasNonNull("lastError")) {
                    errors.append("  ").append(name).append(": ").append(state.path("status").asText()).append(", last error: ")
                            .append(state.path("lastError").asText()).append('\n');
                }
                JsonNode runs = hub.ok(hub.get("/v1/runs?limit=1&link=" + URLEncoder.encode(name, StandardCharsets.UTF_8), err), err);
                JsonNode last = runs == null ? null : runs.path("items").path(0);
                JsonNode lag = link.path("lag");
                table.append(String.format(java.util.Locale.ROOT, "%-24s %-4s %-10s %-11s %-10s %-20s %12s %10s %10s%n", name,
                        link.path("direction").asText(),
                        "continuous".equals(link.path("mode").asText()) ? "continuous" : link.path("schedule").asText("-"),
                        state.path("status").asText(state.path("paused").asBoolean() ? "paused" : "idle"),
                        last == null || last.isMissingNode() ? "-" : last.path("state").asText(),
                        last == null || last.path("finished").isMissingNode() || last.path("finished").isNull() ? "-"
                                : last.path("finished").asText().replaceFirst("\\.\\d+Z$", "Z"),
                        lag.path("outbound").isMissingNode() ? "-" : lag.path("outbound").path("changes").asText(),
                        lag.path("outbound").isMissingNode() ? "-" : age(lag.path("outbound").path("seconds").asDouble()),
                        lag.path("inbound").isMissingNode() ? "-" : age(lag.path("inbound").path("seconds").asDouble())));
            }
            return table.append(errors).toString();
        }

        private static String age(double seconds) {
            long whole = Math.round(seconds);
            return whole < 120 ? whole + "s" : whole < 7200 ? whole / 60 + "m" : whole < 172800 ? whole / 3600 + "h" : whole / 86400 + "d";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Pause a link: no run of it starts (scheduled, external or manual) until it is resumed.",
                "A run already going finishes."})
    static class Pause implements Callable<Integer> {

        @Parameters(paramLabel = "<link>", description = "The link to pause.")
        String link;

        @Mixin
        HubOptions hub;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** pause or resume */
        String action() {
            return "pause";
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (hub.missingToken(err)) {
                return 1;
            }
            JsonNode answer = hub.ok(hub.post("/v1/links/" + URLEncoder.encode(link, StandardCharsets.UTF_8) + "/" + action(), err), err);
            if (answer == null) {
                return 1;
            }
            boolean paused = answer.path("state").path("paused").asBoolean();
            boolean continuous = "continuous".equals(answer.path("mode").asText());
            out.println("link " + link + (paused ? " is paused; 'tributary sync resume " + link + "' runs it again"
                    : continuous ? " is continuous again: it goes live now" : " runs again (its schedule, triggers and manual runs)"));
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume a paused link; a schedule that came due meanwhile runs at the next check.")
    static class Resume extends Pause {
        @Override
        String action() {
            return "resume";
        }
    }
}
