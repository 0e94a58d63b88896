package dev.tributary.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An HTTP proxy between the client and the hub that can lose answers: the request reaches the hub
 * and is processed, and then the connection is closed without the answer.
 */
final class FaultProxy implements AutoCloseable {

    /** A request as the proxy saw it. */
    record Request(String method, String path, String requestId) {
        boolean upload() {
            return method.equals("POST") && path.endsWith("/upload");
        }
    }

    private final URI target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Predicate<Request> dropAnswer = request -> false;
    private volatile Consumer<Request> beforeForward = request -> { };
    final AtomicInteger forwarded = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();

    FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Which requests lose their answer. */
    void dropAnswers(Predicate<Request> which) {
        this.dropAnswer = which;
    }

    /** Runs before a request is forwarded (while the client waits for it). */
    void beforeForward(Consumer<Request> hook) {
        this.beforeForward = hook;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("X-Request-Id"));
            beforeForward.accept(request);
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + path)).timeout(Duration.ofSeconds(30))
                    .method(request.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : List.of("Authorization", "Content-Type", "X-Request-Id", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    forward.header(header, value);
                }
            }
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            forwarded.incrementAndGet();
            if (dropAnswer.test(request)) {
                // The hub processed the request; its answer is lost on the way back.
                dropped.incrementAndGet();
                return;
            }
            response.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
            response.headers().firstValue("X-Request-Replayed")
                    .ifPresent(value -> exchange.getResponseHeaders().set("X-Request-Replayed", value));
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
