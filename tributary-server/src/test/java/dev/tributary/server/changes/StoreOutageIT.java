package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.testkit.ExternalDatabases;
import dev.tributary.server.TestHub;
import dev.tributary.server.TestHub.Answer;
import dev.tributary.store.StoreBackend;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL ends the hub's connections while clients write: every answer is a success or 503
 * with Retry-After — never a 500 — and every acknowledged write is there afterwards.
 */
class StoreOutageIT {

    private final TestHub hub = new TestHub(StoreBackend.postgres());

    @AfterEach
    void close() {
        hub.close();
    }

    @Test
    void terminatedBackendsGive503AndLoseNoAcknowledgedWrite() throws Exception {
        assertThat(hub.put("/v1/collections/load", "{}").status()).isEqualTo(201);
        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> badAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(7);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    String id = "w" + writer + "-" + i;
                    Answer answer = hub.put("/v1/collections/load/records/" + id, "{\"data\":{\"n\":" + i + "}}");
                    statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                    if (answer.status() == 200 || answer.status() == 201) {
                        acknowledged.put(id, i);
                    } else if (answer.status() != 503 || answer.header("Retry-After") == null
                            || !answer.text().contains("\"unavailable\"")) {
                        badAnswers.add(answer.status() + " " + answer.text());
                    }
                }
                return null;
            }));
        }
        int terminated = 0;
        try (Connection admin = DriverManager.getConnection(ExternalDatabases.postgresUrl());
                Statement statement = admin.createStatement()) {
            long until = System.currentTimeMillis() + 4_000;
            while (System.currentTimeMillis() < until) {
                Thread.sleep(120);
                try (ResultSet rows = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = 'tributary' AND datname = current_database() AND pid <> pg_backend_pid()")) {
                    while (rows.next()) {
                        terminated += rows.getBoolean(1) ? 1 : 0;
                    }
                }
            }
        } finally {
            running.set(false);
            for (Future<?> writer : writers) {
                writer.get();
            }
            pool.shutdown();
        }
        assertThat(terminated).as("backends ended under load").isGreaterThan(5);
        assertThat(badAnswers).as("answers other than success or 503 + Retry-After; statuses %s", statuses).isEmpty();
        assertThat(acknowledged).isNotEmpty();
        for (Map.Entry<String, Integer> write : acknowledged.entrySet()) {
            Answer read = hub.get("/v1/collections/load/records/" + write.getKey());
            assertThat(read.status()).as("acknowledged write %s", write.getKey()).isEqualTo(200);
            assertThat(read.json().at("/data/n").asInt()).isEqualTo(write.getValue());
        }
    }
}
