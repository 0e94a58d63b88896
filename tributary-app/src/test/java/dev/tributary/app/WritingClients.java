package dev.tributary.app;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that, until stopped, each write a new record of the collection {@code notes} and read it
 * back, one after the other; they count the records written and read back and note every request
 * that failed. How a request is sent (retried or not) is the caller's.
 */
final class WritingClients {

    /** Sends one request: method, absolute URL, body (null for none). */
    interface Call {
        HttpResponse<String> send(String method, String url, String body) throws Exception;
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code count} clients against the hub at {@code base}. */
    WritingClients(int count, String base, Call call) {
        for (int c = 0; c < count; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                for (int n = 0; running.get(); n++) {
                    String id = "c" + client + "-" + n;
                    try {
                        HttpResponse<String> put = call.send("PUT", base + "/v1/collections/notes/records/" + id,
                                "{\"data\":{\"n\":" + n + "}}");
                        HttpResponse<String> get = call.send("GET", base + "/v1/collections/notes/records/" + id, null);
                        if (put.statusCode() / 100 != 2 || get.statusCode() != 200) {
                            failures.add(id + ": PUT " + put.statusCode() + " " + put.body() + ", GET " + get.statusCode()
                                    + " " + get.body());
                        } else {
                            written.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(id + ": " + e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
    }

    /** Stops the clients and waits for their last requests. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    /** Records written and read back so far. */
    int written() {
        return written.get();
    }

    /** The requests that failed, each with its record id and what came back. */
    Queue<String> failures() {
        return failures;
    }
}
