package dev.tributary.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tributary.connector.testkit.ExternalDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Five minutes with Tributary" tour, steps 2 to 6, run the way a reader pastes it:
 * the commands are read from README.md itself, so the test follows the README when it changes.
 *
 * <p>Implementation notes: the commands run with bash in an empty folder that links to the
 * checkout's launchers ({@code ./tributary}, {@code examples/}), so the hub's data folder and the
 * devices' files land there. What differs from a reader's machine is filled in openly, and only
 * that: the placeholders a reader replaces by hand ({@code trb_…}, {@code <nextSyncToken>},
 * {@code <id>}), the hub's port (a free one instead of 8080, also through {@code TRIBUTARY_PORT}
 * and {@code TRIBUTARY_URL}, which the commands honour), and the PostgreSQL database (a scratch
 * schema instead of the reader's). A placeholder the test cannot fill fails it, as does an
 * expectation below that no README command matches any more — so a README edit that the test
 * does not follow breaks the build instead of rotting.
 */
class ReadmeTourIT {

    /** Commands of one README step, in order. */
    record Command(int step, String text) {
    }

    /** What a command must print: a command matching {@code command} prints something matching {@code output}. */
    private record Expectation(Pattern command, Pattern output) {
        static Expectation of(String command, String output) {
            return new Expectation(Pattern.compile(command), Pattern.compile(output));
        }
    }

    /** What the README says each command shows (in its text or the comment beside it). */
    private static final List<Expectation> EXPECTED = List.of(
            Expectation.of("^curl -X PUT .*/v1/collections/notes$", "\"kind\":\"tributary#collection\""),
            Expectation.of("/records/n1$", "\"etag\":\"1\""),
            Expectation.of("maxResults=100", "\"id\":\"n1\".*\"nextSyncToken\""),
            Expectation.of("syncToken=", "\"items\":\\[\\].*\"nextSyncToken\""),
            Expectation.of("^psql .*CREATE TABLE customers", "CREATE TABLE"),
            Expectation.of("^psql .*INSERT INTO customers", "INSERT 0 1"),
            Expectation.of("install-triggers .*--tables customers", "Change tracking is installed on customers"),
            Expectation.of("/v1/endpoints/crm", "\"connector\":\"jdbc\""),
            Expectation.of("/v1/links/crm-customers", "\"collection\":\"customers\""),
            Expectation.of("sync run crm-customers", "succeeded"),
            Expectation.of("/v1/collections/customers/records$", "\"name\":\"Ada Lovelace\""),
            Expectation.of("token create .*--name phone-app", "trb_"),
            Expectation.of("token list", "phone-app"),
            Expectation.of("token revoke", "Revoked token"),
            Expectation.of("field-notes init", "FieldNotes service"),
            Expectation.of("--file phone.db add \"Pump 3 leaks\"", "Added local-"),
            Expectation.of("--file phone.db sync", "Synced: 1 uploaded"),
            Expectation.of("--file tablet.db sync", "Synced: 0 uploaded, 1 downloaded"),
            Expectation.of("--file tablet.db list", "Pump 3 leaks"));

    private static final Pattern UNFILLED = Pattern.compile("…|<[A-Za-z][A-Za-z ]*>");
    private static final String README_DATABASE = "jdbc:postgresql://localhost:5432/postgres?user=postgres";
    private static final String README_PSQL = "psql -h localhost -U postgres";

    static Path root() {
        return Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath().normalize();
    }

    /** The shell commands of the tour's steps {@code from} to {@code to}, continuation lines joined, comments kept. */
    static List<Command> tourCommands(String readme, int from, int to) {
        int start = readme.indexOf("## Five minutes with Tributary");
        assertThat(start).as("the README has a 'Five minutes with Tributary' section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher steps = Pattern.compile("(?m)^\\*\\*(\\d+)\\. ").matcher(section);
        List<Integer> numbers = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        while (steps.find()) {
            numbers.add(Integer.parseInt(steps.group(1)));
            offsets.add(steps.start());
        }
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < numbers.size(); i++) {
            int step = numbers.get(i);
            if (step < from || step > to) {
                continue;
            }
            String body = section.substring(offsets.get(i), i + 1 < offsets.size() ? offsets.get(i + 1) : section.length());
            Matcher blocks = Pattern.compile("(?s)```sh\\n(.*?)```").matcher(body);
            while (blocks.find()) {
                String joined = blocks.group(1).replaceAll("\\\\\\n\\s*", "");
                for (String line : joined.split("\\n")) {
                    String command = line.strip();
                    if (!command.isEmpty() && !command.startsWith("#")) {
                        commands.add(new Command(step, command));
                    }
                }
            }
        }
        return commands;
    }

    @Test
    void everyStepOfTheTourHasCommands() throws IOException {
        List<Command> commands = tourCommands(Files.readString(root().resolve("README.md")), 2, 6);
        for (int step = 2; step <= 6; step++) {
            int number = step;
            assertThat(commands).as("commands of step " + step).anyMatch(c -> c.step() == number);
        }
        for (Expectation expected : EXPECTED) {
            assertThat(commands).as("a README command matching " + expected.command() + " (the test expects one;"
                    + " update ReadmeTourIT with the README)").anyMatch(c -> expected.command().matcher(strip(c.text())).find());
        }
    }

    @Test
    void theTourWorksAsWritten(@TempDir Path dir) throws Exception {
        List<Command> commands = tourCommands(Files.readString(root().resolve("README.md")), 2, 6);
        markLaunchersCurrent();
        Files.createSymbolicLink(dir.resolve("tributary"), root().resolve("tributary"));
        Files.createSymbolicLink(dir.resolve("examples"), root().resolve("examples"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TRIBUTARY_PORT", String.valueOf(port));
        env.put("TRIBUTARY_URL", "http://127.0.0.1:" + port);
        Map<String, String> fills = new LinkedHashMap<>();
        fills.put("localhost:8080", "localhost:" + port);

        Process hub = null;
        Path hubLog = dir.resolve("serve.log");
        try (ExternalDatabases.Scratch database = ExternalDatabases.postgresSchema()) {
            fills.put(README_DATABASE, database.jdbcUrl());
            URI uri = URI.create(database.jdbcUrl().substring("jdbc:".length()));
            String schema = query(uri, "currentSchema");
            fills.put(README_PSQL, "psql -h " + uri.getHost() + " -p " + uri.getPort() + " -U " + query(uri, "user")
                    + " -d " + uri.getPath().substring(1));
            env.put("PGOPTIONS", "-c search_path=" + schema);

            for (Command command : commands) {
                String text = fill(command.text(), fills);
                Matcher unfilled = UNFILLED.matcher(strip(text));
                if (unfilled.find()) {
                    fail("README step " + command.step() + " has a placeholder the tour cannot fill (" + unfilled.group()
                            + "): " + command.text() + " — teach ReadmeTourIT to fill it, or write the command out");
                }
                if (text.startsWith("./tributary serve")) {
                    hub = startHub(text, dir, env, hubLog);
                    String out = Files.readString(hubLog);
                    Matcher token = Pattern.compile("(?m)^\\s+(trb_\\S+)\\s*$").matcher(out);
                    assertThat(token.find()).as("serve prints the admin token once:\n" + out).isTrue();
                    fills.put("trb_…", token.group(1));
                    continue;
                }
                Matcher export = Pattern.compile("^export (\\w+)=(\\S+)").matcher(text);
                if (export.find()) {
                    env.put(export.group(1), export.group(2));
                    continue;
                }
                String out = run(text, dir, env);
                for (Expectation expected : EXPECTED) {
                    if (expected.command().matcher(strip(command.text())).find()) {
                        assertThat(expected.output().matcher(out).find())
                                .as("README step " + command.step() + ": `" + command.text() + "` should print "
                                        + expected.output() + ", printed:\n" + out).isTrue();
                    }
                }
                remember(out, fills);
            }
        } catch (AssertionError | RuntimeException e) {
            if (Files.exists(hubLog)) {
                System.err.println("The hub's output:\n" + Files.readString(hubLog));
            }
            throw e;
        } finally {
            if (hub != null) {
                stop(hub);
            }
        }
    }

    /**
     * This build made the launchers' jars, so they are current; Maven keeps an unchanged jar's old
     * time, which the launchers would take for stale sources and build again in the middle of a test.
     */
    private static void markLaunchersCurrent() throws IOException {
        for (String jar : List.of("tributary-app/target/tributary.jar", "examples/field-notes/target/field-notes.jar")) {
            Path file = root().resolve(jar);
            assertThat(file).as("the build made " + jar).exists();
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        }
    }

    /** Fills the placeholders later commands need from what a command printed. */
    private static void remember(String out, Map<String, String> fills) {
        Matcher syncToken = Pattern.compile("\"nextSyncToken\":\"([^\"]+)\"").matcher(out);
        if (syncToken.find()) {
            fills.put("<nextSyncToken>", syncToken.group(1));
        }
        Matcher created = Pattern.compile("Created token (\\w+)").matcher(out);
        if (created.find()) {
            fills.put("<id>", created.group(1));
        }
    }

    private static String fill(String command, Map<String, String> fills) {
        String text = command;
        for (Map.Entry<String, String> fill : fills.entrySet()) {
            text = text.replace(fill.getKey(), fill.getValue());
        }
        return text;
    }

    /** The command without its trailing comment. */
    private static String strip(String command) {
        return command.replaceFirst("\\s+#\\s.*$", "").strip();
    }

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new IllegalStateException("no " + name + " in " + uri);
    }

    private static ProcessBuilder bash(String command, Path dir, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.putAll(env);
        return builder;
    }

    private static String run(String command, Path dir, Map<String, String> env) throws Exception {
        Path log = Files.createTempFile(dir, "command", ".log");
        Process process = bash(command, dir, env).redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            stop(process);
            fail("`" + command + "` did not finish in 5 minutes:\n" + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("`" + command + "` exits 0; it printed:\n" + out).isZero();
        assertThat(out).as("`" + command + "` printed an error").doesNotContain("\"error\":");
        return out;
    }

    private static Process startHub(String command, Path dir, Map<String, String> env, Path log) throws Exception {
        Process hub = bash(command, dir, env).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.readString(log).contains("Press Ctrl-C to stop")) {
            if (!hub.isAlive()) {
                fail("`" + command + "` stopped:\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                fail("`" + command + "` did not start in 5 minutes:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return hub;
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        Map<ProcessHandle, Boolean> ended = new HashMap<>();
        for (ProcessHandle handle : all) {
            ended.put(handle, handle.onExit().completeOnTimeout(null, 20, TimeUnit.SECONDS).join() != null);
        }
        ended.forEach((handle, done) -> {
            if (!done) {
                handle.destroyForcibly();
            }
        });
    }
}
