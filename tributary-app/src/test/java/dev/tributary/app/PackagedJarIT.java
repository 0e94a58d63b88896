package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as a user runs it: a separate JVM, its migrations, its first-start token. */
class PackagedJarIT {

    private static final Path JAR = Path.of("target", "tributary.jar");

    @Test
    void serveStartsPrintsAnAdminTokenAndAnswers(@TempDir Path dir) throws Exception {
        assertThat(JAR).as("the shaded jar is built in the package phase").exists();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process hub = new ProcessBuilder(java(), "-jar", JAR.toString(), "serve", "--port", Integer.toString(port),
                "--data-dir", dir.resolve("data").toString())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        try {
            String token = null;
            BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
            Pattern secret = Pattern.compile("(trb_[A-Za-z0-9_-]+)");
            for (String line; token == null && (line = out.readLine()) != null; ) {
                Matcher matcher = secret.matcher(line);
                if (matcher.find()) {
                    token = matcher.group(1);
                }
            }
            assertThat(token).as(Files.readString(dir.resolve("stderr.txt"))).isNotNull();

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/collections/notes"))
                    .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).contains("\"status\":\"up\"");

            Process list = new ProcessBuilder(java(), "-jar", JAR.toString(), "token", "list",
                    "--data-dir", dir.resolve("data").toString()).redirectErrorStream(true).start();
            String listed = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(listed).contains("initial admin token").contains("admin").doesNotContain(token);
        } finally {
            hub.destroy();
            assertThat(hub.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(dir.resolve("stderr.txt"))).doesNotContain("Exception");
    }

    @Test
    void badOptionsGetAClearMessage(@TempDir Path dir) throws Exception {
        Process bad = new ProcessBuilder(List.of(java(), "-jar", JAR.toString(), "token", "create",
                "--scope", "reed:x", "--data-dir", dir.toString())).redirectErrorStream(true).start();
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(1);
        assertThat(text).contains("invalid scope 'reed:x'").doesNotContain("Exception");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
