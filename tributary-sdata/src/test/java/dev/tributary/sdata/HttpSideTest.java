package dev.tributary.sdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP side sends its token to the provider's own origin only: the links a provider answers
 * (an operation's Location, a page's next) are followed when relative or on that origin, and
 * refused — before anything is sent — when they name another server.
 */
class HttpSideTest {

    private static final String TOKEN = "secret-token-of-the-link";
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(server -> server.stop(0));
    }

    /** What a server saw: each request's method, path and query, and its Authorization header. */
    private record Seen(List<String> requests, Map<String, String> authorization) {
    }

    /** A server answering every request with {@code answer} (status, Location or null, body). */
    private Seen serve(int[] port, Function<HttpExchange, Answer> answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        Seen seen = new Seen(Collections.synchronizedList(new ArrayList<>()), new ConcurrentHashMap<>());
        server.createContext("/", exchange -> {
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            seen.requests.add(request);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                seen.authorization.put(request, auth);
            }
            exchange.getRequestBody().readAllBytes();
            Answer a = answer.apply(exchange);
            if (a.location != null) {
                exchange.getResponseHeaders().add("Location", a.location);
            }
            exchange.sendResponseHeaders(a.status, a.body.length == 0 ? -1 : a.body.length);
            if (a.body.length > 0) {
                exchange.getResponseBody().write(a.body);
            }
            exchange.close();
        });
        server.start();
        servers.add(server);
        port[0] = server.getAddress().getPort();
        return seen;
    }

    private record Answer(int status, String location, byte[] body) {
    }

    private static byte[] page(int number, String next) {
        com.fasterxml.jackson.databind.node.ObjectNode data = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("title", "Item " + number);
        SyncFeed.Entry entry = new SyncFeed.Entry("http://elsewhere/e('r" + number + "')", "r" + number, T,
                new SyncState("http://elsewhere/e", number + 1, T), false, Payload.of(data), null);
        return new SyncFeed("f", "t", true, new Digest("http://elsewhere/e", List.of(new DigestEntry("http://elsewhere/e", 9, T, 1))),
                List.of(entry), next).write("urn:c", "item", "http://self");
    }

    private static final byte[] NOTHING = new byte[0];

    @Test
    void relativeLinksAreResolvedAgainstTheProviderAndCarryTheToken() throws Exception {
        int[] p = new int[1];
        Seen provider = serve(p, exchange -> {
            String uri = exchange.getRequestURI().toString();
            if (exchange.getRequestMethod().equals("POST")) {
                return new Answer(202, "$syncSource('s1')", NOTHING); // relative to the resource kind's URL
            }
            if (exchange.getRequestMethod().equals("DELETE")) {
                return new Answer(200, null, NOTHING);
            }
            if (uri.contains("startIndex=2")) {
                return new Answer(200, null, page(2, null));
            }
            if (uri.contains("startIndex=1")) {
                return new Answer(200, null, page(1, "?startIndex=2&count=1")); // relative to the page's URL
            }
            return new Answer(200, null, page(0, null)); // the finished operation
        });
        String url = "http://127.0.0.1:" + p[0] + "/sdata/app/c/-/items";
        HttpSide side = new HttpSide(url, TOKEN, Duration.ofSeconds(30));
        try (SyncPass.Source source = side.select(new Digest("http://t/e", List.of()), "http://t/e/$syncDigest")) {
            SyncPass.Page first = source.first(1);
            SyncPass.Page second = source.next(first);
            assertThat(first.feed().entries()).extracting(SyncFeed.Entry::uuid).containsExactly("r1");
            assertThat(second.feed().entries()).extracting(SyncFeed.Entry::uuid).containsExactly("r2");
        }
        String context = "/sdata/app/c/-/items/$syncSource('s1')";
        assertThat(provider.requests).anyMatch(r -> r.startsWith("POST /sdata/app/c/-/items/$syncSource?trackingID="))
                .contains("GET " + context, "GET " + context + "?startIndex=1&count=1",
                        "GET " + context + "?startIndex=2&count=1", "DELETE " + context);
        assertThat(provider.authorization.values()).hasSize(provider.requests.size()).containsOnly("Bearer " + TOKEN);
    }

    @Test
    void aLocationOnAnotherServerIsRefusedAndGetsNoRequest() throws Exception {
        int[] q = new int[1];
        Seen other = serve(q, exchange -> new Answer(200, null, page(0, null)));
        for (String elsewhere : List.of("http://127.0.0.1:" + q[0] + "/sdata/app/c/-/items/$syncSource('s1')",
                "http://localhost:" + q[0] + "/x", "//127.0.0.1:" + q[0] + "/x")) {
            int[] p = new int[1];
            Seen provider = serve(p, exchange -> exchange.getRequestMethod().equals("POST")
                    ? new Answer(202, elsewhere, NOTHING) : new Answer(200, null, NOTHING));
            HttpSide side = new HttpSide("http://127.0.0.1:" + p[0] + "/sdata/app/c/-/items", TOKEN, Duration.ofSeconds(30));

            assertThatThrownBy(() -> side.select(new Digest("http://t/e", List.of()), "http://t/e/$syncDigest"))
                    .as(elsewhere).isInstanceOf(SyncPass.PassException.class)
                    .hasMessageContaining("another server").hasMessageContaining("127.0.0.1:" + p[0]);
            assertThatThrownBy(() -> side.apply(new SyncPass.Page(SyncFeed.read(SDataXml.parse(page(1, null), 1 << 20)),
                    page(1, null)))).as(elsewhere).isInstanceOf(SyncPass.PassException.class)
                    .hasMessageContaining("another server");
            assertThat(provider.requests).as(elsewhere).allMatch(r -> r.startsWith("POST "));
        }
        assertThat(other.requests).isEmpty();
    }

    @Test
    void aNextLinkOnAnotherOriginIsRefused() throws Exception {
        int[] q = new int[1];
        Seen other = serve(q, exchange -> new Answer(200, null, page(2, null)));
        int[] p = new int[1];
        String[] next = new String[1];
        Seen provider = serve(p, exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                return new Answer(200, null, page(0, null));
            }
            return new Answer(200, null, exchange.getRequestURI().toString().contains("startIndex=1") ? page(1, next[0])
                    : page(0, null));
        });
        String url = "http://127.0.0.1:" + p[0] + "/sdata/app/c/-/items";
        for (String elsewhere : List.of("http://127.0.0.1:" + q[0] + "/next", "https://127.0.0.1:" + p[0] + "/next",
                "http://user@127.0.0.1:" + p[0] + "/next", "ftp://127.0.0.1:" + p[0] + "/next")) {
            next[0] = elsewhere;
            HttpSide side = new HttpSide(url, TOKEN, Duration.ofSeconds(30));
            try (SyncPass.Source source = side.select(new Digest("http://t/e", List.of()), "http://t/e/$syncDigest")) {
                SyncPass.Page first = source.first(1);
                assertThatThrownBy(() -> source.next(first)).as(elsewhere).isInstanceOf(SyncPass.PassException.class)
                        .hasMessageContaining("answered a next link on another server");
            }
        }
        assertThat(other.requests).isEmpty();
        assertThat(provider.requests).noneMatch(r -> r.contains("/next"));
        // The same origin written another way is the provider's own: the default port, a host in capitals.
        next[0] = "HTTP://127.0.0.1:" + p[0] + "/sdata/app/c/-/items/$syncSource('x')?startIndex=2";
        HttpSide side = new HttpSide(url, TOKEN, Duration.ofSeconds(30));
        try (SyncPass.Source source = side.select(new Digest("http://t/e", List.of()), "http://t/e/$syncDigest")) {
            assertThat(source.next(source.first(1)).feed().entries()).extracting(SyncFeed.Entry::uuid).containsExactly("r0");
        }
    }

    @Test
    void aSideNeedsAnHttpUrlOfAHost() {
        for (String bad : List.of("ftp://h/sdata/a/c/-/r", "/sdata/a/c/-/r", "http:///sdata", "http://h/{x}")) {
            assertThatThrownBy(() -> new HttpSide(bad, TOKEN)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.length() > 8 ? bad.substring(0, 8) : bad);
        }
        assertThat(new HttpSide("https://h.example/sdata/a/c/-/r", null).url()).isEqualTo("https://h.example/sdata/a/c/-/r");
    }
}
