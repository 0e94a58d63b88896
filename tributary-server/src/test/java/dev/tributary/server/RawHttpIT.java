package dev.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.store.StoreBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests no well-behaved client sends, over a raw socket: every answer is the documented JSON
 * error (no server HTML, no Java class names), and HEAD never answers for a resource unchecked.
 */
class RawHttpIT {

    private final TestHub hub = new TestHub(StoreBackend.sqlite());

    @AfterEach
    void close() {
        hub.close();
    }

    /** Sends raw request bytes; answers the whole response as text (head and body). */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", hub.server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private String get(String target) throws IOException {
        return raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + hub.adminToken
                + "\r\nConnection: close\r\n\r\n");
    }

    private static void assertJsonError(String response, int status) {
        assertThat(response).startsWith("HTTP/1.1 " + status);
        assertThat(response.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/json");
        assertThat(response).contains("{\"error\":{\"code\":" + status).doesNotContain("<html").doesNotContain("org.eclipse")
                .doesNotContain("Exception");
    }

    @Test
    void malformedTargetsGetTheJsonError() throws IOException {
        assertJsonError(get("/v1/collections/a%00b/records"), 400);
        assertJsonError(get("/v1/collections/" + "a".repeat(20_000)), 414);
        assertJsonError(raw("GET /v1/collections HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n"), 431);
    }

    @Test
    void headIsRefusedRatherThanAnsweredUnchecked() throws IOException {
        String reader = hub.token("read:other");
        for (String token : new String[] {hub.adminToken, reader}) {
            String head = raw("HEAD /v1/collections/missing/records/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(head).startsWith("HTTP/1.1 405");
            assertThat(head).contains("Allow: GET");
        }
        assertThat(raw("HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
    }
}
