package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hub started as people start it — {@code java -jar target/tributary.jar serve …} in a process
 * of its own — for the tests that kill, stop or restart it. Its output is read until it is ready
 * (and the admin token a store's first hub prints taken), then drained in the background.
 *
 * @param token the admin token it printed (only a store's first hub prints one), or null
 */
record HubProcess(Process process, int port, String token) {

    private static final Path JAR = Path.of("target", "tributary.jar");
    private static final Pattern TOKEN = Pattern.compile("(trb_[A-Za-z0-9_-]+)");

    /** A free port to start a hub on. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts {@code serve --port <port>} with {@code arguments} and the environment {@code env};
     * its errors are appended to {@code stderr}.
     */
    static HubProcess start(int port, Path stderr, Map<String, String> env, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JAR.toString(), "serve", "--port", Integer.toString(port)));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String token = null;
        for (String line; (line = out.readLine()) != null; ) {
            Matcher found = TOKEN.matcher(line);
            if (token == null && found.find()) {
                token = found.group(1);
            }
            if (line.startsWith("Press Ctrl-C")) { // the last line of the start, after any admin token
                break;
            }
        }
        assertThat(process.isAlive()).as(Files.readString(stderr)).isTrue();
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the hub was stopped or killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new HubProcess(process, port, token);
    }

    /** The warnings and errors (with their stack traces' first lines) the hubs started in {@code dir} wrote, for a failure's message. */
    static String errors(Path dir) throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-stderr.txt")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains(" WARN ") || lines.get(i).contains(" ERROR ")) {
                        out.append(file.getFileName()).append(": ").append(lines.get(i)).append('\n');
                        for (int j = i + 1; j < Math.min(lines.size(), i + 8) && !lines.get(j).matches("^\\d\\d:.*"); j++) {
                            out.append("    ").append(lines.get(j)).append('\n');
                        }
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * A PostgreSQL table {@code items} and a MariaDB table {@code copies} (both {@code id BIGINT
     * PRIMARY KEY, name TEXT}, change tracking installed) and a hub file in {@code dir} linking them
     * through the collection {@code items} with two continuous links, {@code source-items} (in) and
     * {@code target-copies} (out); its path.
     */
    static Path continuousCopy(Path dir, String sourceUrl, String targetUrl) throws Exception {
        try (java.sql.Connection pg = java.sql.DriverManager.getConnection(sourceUrl);
                java.sql.Statement sql = pg.createStatement()) {
            sql.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT)");
        }
        dev.tributary.connectors.jdbc.JdbcConnector.installChangeTracking(Map.of("url", sourceUrl, "tables", "items"));
        try (java.sql.Connection maria = java.sql.DriverManager.getConnection(targetUrl);
                java.sql.Statement sql = maria.createStatement()) {
            sql.execute("CREATE TABLE copies (id BIGINT PRIMARY KEY, name TEXT)");
        }
        dev.tributary.connectors.jdbc.JdbcConnector.installChangeTracking(Map.of("url", targetUrl, "tables", "copies"));
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, """
                endpoints:
                  source: {connector: jdbc, config: {url: "%s", tables: items}}
                  target: {connector: jdbc, config: {url: "%s", tables: copies}}
                links:
                  source-items: {endpoint: source, objectClass: items, collection: items, direction: in,
                                 recordIds: endpointKey, mode: continuous}
                  target-copies: {endpoint: target, objectClass: copies, collection: items, direction: out,
                                  keyField: id, mode: continuous}
                """.formatted(sourceUrl, targetUrl));
        return config;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }
}
