package dev.tributary.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A round-robin reverse proxy in front of hub nodes, as a load balancer with retries: a request
 * goes to the next node, and on to the others when that one refuses the connection, does not
 * answer in time or answers 503. It can also lose answers: for requests {@code lossy} selects, it
 * forwards the request and then, at the given rate, drops the connection instead of answering —
 * the client cannot tell whether the request was applied.
 */
final class RoundRobinProxy implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(48);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong lost = new AtomicLong();

    /**
     * @param ports the nodes' ports on 127.0.0.1
     * @param attemptTimeout how long one node may take to answer before the next is tried
     * @param lossy the requests (method and path) whose answers may be lost
     * @param lossRate the share of those answers lost
     */
    RoundRobinProxy(int[] ports, Duration attemptTimeout, Predicate<String> lossy, double lossRate, long seed)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        Random random = new Random(seed);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String target = exchange.getRequestURI().toString();
                String method = exchange.getRequestMethod();
                int first = Math.floorMod(next.getAndIncrement(), ports.length);
                HttpResponse<byte[]> answer = null;
                for (int i = 0; i < ports.length && (answer == null || answer.statusCode() == 503); i++) {
                    int port = ports[(first + i) % ports.length];
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                            .timeout(attemptTimeout)
                            .method(method, body.length == 0 && !method.equals("PUT") && !method.equals("POST")
                                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                    for (String header : List.of("Authorization", "Content-Type", "Accept", "X-Request-Id", "If-Match",
                            "If-None-Match")) {
                        String value = exchange.getRequestHeaders().getFirst(header);
                        if (value != null) {
                            request.header(header, value);
                        }
                    }
                    try {
                        answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    } catch (IOException e) {
                        answer = null; // down, stopped or closing: the next node
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (answer == null) {
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                boolean lose;
                synchronized (random) {
                    lose = lossy.test(method + " " + exchange.getRequestURI().getPath()) && random.nextDouble() < lossRate;
                }
                if (lose) {
                    lost.incrementAndGet();
                    return; // closed without an answer
                }
                for (String header : List.of("Content-Type", "Location", "Retry-After", "ETag", "X-Request-Replayed")) {
                    answer.headers().firstValue(header).ifPresent(value -> exchange.getResponseHeaders().add(header, value));
                }
                byte[] out = answer.body();
                exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
                try (OutputStream response = exchange.getResponseBody()) {
                    response.write(out);
                }
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /** A proxy that loses nothing. */
    RoundRobinProxy(int[] ports, Duration attemptTimeout) throws IOException {
        this(ports, attemptTimeout, request -> false, 0, 0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many answers it lost on purpose. */
    long lost() {
        return lost.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
