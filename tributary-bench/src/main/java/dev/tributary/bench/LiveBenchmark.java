package dev.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tributary.engine.watch.WatchService;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.RecordWrite;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Commit-to-client latency of the live feeds on loopback: N long-poll waiters (each with its own
 * token, as N devices) or N server-sent-event subscribers wait on one collection; a record is
 * committed and each client's receipt of it is timed from the commit's return. Also the heap and
 * threads the idle waiters cost, and commit-to-webhook latency of a watch channel.
 */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Long-poll, server-sent events and watch channels: commit-to-client latency, heap and threads per waiter.")
final class LiveBenchmark implements Callable<Integer> {

    @Option(names = "--store", defaultValue = "sqlite", description = "sqlite or a PostgreSQL JDBC URL (default: ${DEFAULT-VALUE}).")
    String storeSpec;

    @Option(names = "--waiters", split = ",", defaultValue = "1,100,1000", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    List<Integer> counts;

    @Option(names = "--rounds", defaultValue = "20", description = "Commits measured per client count (default: ${DEFAULT-VALUE}).")
    int rounds;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService clientThreads = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "bench-http");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
    private HubServer hub;
    private BenchStore bench;
    private String token;
    private int written;

    @Override
    public Integer call() throws Exception {
        ChangeFeedBenchmark.printMachine();
        try (BenchStore opened = BenchStore.open(storeSpec)) {
            bench = opened;
            try (HubServer server = new HubServer(bench.store, ServerConfig.defaults().withPort(0)
                    .withCompactionInterval(Duration.ZERO)
                    .withWatch(WatchService.Settings.defaults().withAllow(List.of("http://127.0.0.1:*/hooks/*")))).start()) {
                hub = server;
                token = bench.store.accessTokens().create("bench", List.of("admin")).secret();
                bench.store.collections().put("live", null);
                ChangeFeedBenchmark.line("store: %s, %d commits measured per client count", bench.store.kind().label(), rounds);
                for (int count : counts) {
                    longPoll(count);
                }
                for (int count : counts) {
                    serverSentEvents(count);
                }
                webhook();
            }
        } finally {
            clientThreads.shutdownNow();
        }
        return 0;
    }

    /** Commits a change; answers when the commit started (a waiter may be answered before the commit call returns). */
    private long commit() {
        written++;
        long start = System.nanoTime();
        bench.store.changeLog().apply("live", List.of(RecordWrite.put("r" + (written % 50), "{\"n\":" + written + "}")), "bench");
        return start;
    }

    private String feedToken(String filter) throws Exception {
        String query = "/v1/collections/live/records?maxResults=2500" + (filter.isEmpty() ? "" : "&filter=" + encode(filter));
        JsonNode page = JSON.readTree(http.send(get(query), HttpResponse.BodyHandlers.ofString()).body());
        while (page.has("nextPageToken")) {
            page = JSON.readTree(http.send(get(query + "&pageToken=" + encode(page.get("nextPageToken").asText())),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
        return page.get("nextSyncToken").asText();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(2)).build();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Each of {@code count} waiters has its own filter, so its own token (at most 8 may wait with one). */
    private static String filterOf(int waiter) {
        return "n ne " + (-1 - waiter);
    }

    /**
     * A device holding a long-poll over its own keep-alive connection, on its own thread: plain
     * HTTP/1.1 over a socket, so the measurement is of the hub, not of a client library's
     * connection handling.
     */
    private final class Device implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.InputStream in;
        private final java.io.OutputStream out;
        private String syncToken;
        private final String filter;

        Device(String syncToken, String filter) throws java.io.IOException {
            URI base = URI.create(hub.baseUrl());
            this.socket = new java.net.Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.syncToken = syncToken;
            this.filter = filter;
        }

        /** Sends the long-poll; answers when the response's first byte arrived, reading it whole after. */
        long waitForChange() throws Exception {
            return ask("&wait=PT60S", null);
        }

        /**
         * The baseline: once {@code go} opens, the same incremental sync without waiting (a change is
         * there already), timed to the first byte of the answer.
         */
        long fetchWhen(java.util.concurrent.CountDownLatch go) throws Exception {
            return ask("", go);
        }

        private long ask(String wait, java.util.concurrent.CountDownLatch go) throws Exception {
            if (go != null) {
                go.await();
            }
            out.write(("GET /v1/collections/live/records?syncToken=" + encode(syncToken) + "&filter=" + encode(filter) + wait
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int first = in.read();
            long at = System.nanoTime();
            if (first < 0) {
                throw new IllegalStateException("the hub closed the connection");
            }
            StringBuilder head = new StringBuilder().append((char) first);
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            if (!head.toString().startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("the hub answered " + head);
            }
            byte[] body;
            String lower = head.toString().toLowerCase(Locale.ROOT);
            if (lower.contains("transfer-encoding: chunked")) {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                while (true) {
                    String size = line();
                    int length = Integer.parseInt(size.trim(), 16);
                    if (length == 0) {
                        line();
                        break;
                    }
                    all.write(in.readNBytes(length));
                    line();
                }
                body = all.toByteArray();
            } else {
                int from = lower.indexOf("content-length:") + "content-length:".length();
                body = in.readNBytes(Integer.parseInt(lower.substring(from, lower.indexOf("\r\n", from)).trim()));
            }
            JsonNode page = JSON.readTree(body);
            if (page.get("items").size() == 0) {
                throw new IllegalStateException("the long-poll timed out");
            }
            syncToken = page.get("nextSyncToken").asText();
            return at;
        }

        private String line() throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new java.io.EOFException();
                }
                line.append((char) c);
            }
            return line.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    private void longPoll(int count) throws Exception {
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            devices.add(new Device(feedToken(filterOf(i)), filterOf(i)));
        }
        ExecutorService deviceThreads = Executors.newFixedThreadPool(count, runnable -> {
            Thread thread = new Thread(runnable, "bench-device");
            thread.setDaemon(true);
            return thread;
        });
        try {
            // Idle: the clients wait; what they cost the hub is measured before any burst of requests.
            long heapBefore = usedHeap();
            int threadsBefore = hubThreads();
            List<java.util.concurrent.Future<Long>> idle = new ArrayList<>();
            for (Device device : devices) {
                idle.add(deviceThreads.submit(device::waitForChange));
            }
            Thread.sleep(count >= 1000 ? 1500 : 300);
            long idleHeap = usedHeap() - heapBefore;
            int idleThreads = hubThreads() - threadsBefore;
            commit();
            for (java.util.concurrent.Future<Long> answer : idle) {
                answer.get(2, TimeUnit.MINUTES);
            }
            List<Double> latencies = new ArrayList<>();
            List<Double> baseline = new ArrayList<>();
            Stats ratios = new Stats();
            for (int round = -WARM_UP; round < rounds; round++) {
                // Baseline: the same clients ask at once, without waiting, for a change already there.
                commit();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Long>> asked = new ArrayList<>();
                for (Device device : devices) {
                    asked.add(deviceThreads.submit(() -> device.fetchWhen(go)));
                }
                Thread.sleep(count >= 1000 ? 500 : 100); // every client ready to send
                long start = System.nanoTime();
                go.countDown();
                List<Double> base = new ArrayList<>();
                for (java.util.concurrent.Future<Long> answer : asked) {
                    base.add((answer.get(2, TimeUnit.MINUTES) - start) / 1e6);
                }
                // Long-poll: the same clients wait first; a commit answers them.
                List<java.util.concurrent.Future<Long>> answers = new ArrayList<>();
                for (Device device : devices) {
                    answers.add(deviceThreads.submit(device::waitForChange));
                }
                Thread.sleep(count >= 1000 ? 1500 : 300); // every waiter registered
                long committed = commit();
                List<Double> polled = new ArrayList<>();
                for (java.util.concurrent.Future<Long> answer : answers) {
                    polled.add((answer.get(2, TimeUnit.MINUTES) - committed) / 1e6);
                }
                if (round >= 0) {
                    latencies.addAll(polled);
                    baseline.addAll(base);
                    ratios.add(median(polled) / median(base));
                }
            }
            report("long-poll", count, latencies, idleHeap, idleThreads);
            ChangeFeedBenchmark.line("  baseline, the same %,d clients asking at once for a change already there: first byte %s;"
                    + " long-poll/baseline p50 per round: %s", count, percentiles(baseline), ratios.formatRatio());
        } finally {
            deviceThreads.shutdownNow();
            for (Device device : devices) {
                device.close();
            }
        }
    }

    /** A device holding a change stream open over a plain socket; its thread notes each changes event's arrival. */
    private final class Stream implements AutoCloseable {
        private final java.net.Socket socket;
        final LinkedBlockingQueue<Long> changes = new LinkedBlockingQueue<>();
        volatile boolean caughtUp;

        Stream(String syncToken) throws java.io.IOException {
            URI base = URI.create(hub.baseUrl());
            this.socket = new java.net.Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(("GET /v1/collections/live/changes?syncToken=" + encode(syncToken)
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        /** Reads the stream until it is closed (chunk sizes and data lines alike: only event lines matter). */
        void read() {
            try {
                java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("event:")) {
                        if (line.contains("changes")) {
                            changes.add(System.nanoTime());
                        } else if (line.contains("caught-up")) {
                            caughtUp = true;
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // closed by the benchmark
            }
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    private void serverSentEvents(int count) throws Exception {
        String start = feedToken("");
        long heapBefore = usedHeap();
        int threadsBefore = hubThreads();
        List<Stream> streams = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(count, runnable -> {
            Thread thread = new Thread(runnable, "bench-stream");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int i = 0; i < count; i++) {
                Stream stream = new Stream(start);
                streams.add(stream);
                readers.execute(stream::read);
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (streams.stream().anyMatch(s -> !s.caughtUp) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            long idleHeap = usedHeap() - heapBefore;
            int idleThreads = hubThreads() - threadsBefore;
            List<Double> latencies = new ArrayList<>();
            for (int round = -WARM_UP; round < rounds; round++) {
                long committed = commit();
                for (Stream stream : streams) {
                    Long at = stream.changes.poll(1, TimeUnit.MINUTES);
                    if (at == null) {
                        throw new IllegalStateException("a stream got no changes event");
                    }
                    if (round >= 0) {
                        latencies.add((at - committed) / 1e6);
                    }
                }
                Thread.sleep(20);
            }
            report("server-sent events", count, latencies, idleHeap, idleThreads);
        } finally {
            for (Stream stream : streams) {
                stream.close();
            }
            readers.shutdownNow();
        }
    }

    private void webhook() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        LinkedBlockingQueue<Long> signal = new LinkedBlockingQueue<>();
        receiver.createContext("/hooks", exchange -> {
            long at = System.nanoTime();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            arrivals.add(at);
            signal.add(at);
        });
        receiver.start();
        try {
            HttpResponse<String> opened = http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/v1/collections/live/watch"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"bench\",\"type\":\"web_hook\",\"address\":\"http://127.0.0.1:"
                            + receiver.getAddress().getPort() + "/hooks/live\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (opened.statusCode() != 200) {
                throw new IllegalStateException("opening the channel: " + opened.statusCode() + " " + opened.body());
            }
            signal.poll(30, TimeUnit.SECONDS); // the sync message
            List<Double> latencies = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Thread.sleep(100); // the previous delivery is recorded, so this commit gets its own message
                long committed = commit();
                Long at = signal.poll(30, TimeUnit.SECONDS);
                if (at == null) {
                    throw new IllegalStateException("no notification arrived");
                }
                latencies.add((at - committed) / 1e6);
            }
            ChangeFeedBenchmark.line("watch channel: commit-to-webhook %s", percentiles(latencies));
        } finally {
            receiver.stop(0);
        }
    }

    private void report(String what, int count, List<Double> latencies, long idleHeap, int idleThreads) {
        ChangeFeedBenchmark.line("%s, %,d clients: commit-to-client %s; idle: heap %+,.1f KiB per client (an upper bound: the"
                + " clients' side is in this JVM too), hub threads %+d", what, count, percentiles(latencies),
                idleHeap / 1024.0 / count, idleThreads);
    }

    /** Rounds run before measuring, so the JIT has compiled the paths measured. */
    private static final int WARM_UP = 3;

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return at(sorted, 0.5);
    }

    static String percentiles(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%,d)", at(sorted, 0.50), at(sorted, 0.99),
                sorted.get(sorted.size() - 1), sorted.size());
    }

    static double at(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }

    private static long usedHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Threads of this JVM that are not the benchmark's own clients. */
    private static int hubThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(thread -> !thread.getName().startsWith("bench-")
                && !thread.getName().startsWith("HttpClient")).count();
    }
}
