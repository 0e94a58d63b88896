package dev.tributary.engine.watch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tributary.engine.InvalidDefinitionException;
import dev.tributary.engine.NotFoundException;
import dev.tributary.engine.SyncEngine;
import dev.tributary.store.CollectionNotFoundException;
import dev.tributary.store.Store;
import dev.tributary.store.WatchChannels;
import dev.tributary.store.WatchChannels.Channel;
import dev.tributary.store.WatchChannels.Delivery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch channels, as Google Calendar's push notifications: a client opens a channel on a
 * collection with an address; the hub POSTs an empty notification there — {@code sync} first,
 * then {@code exists} when the collection changed, {@code not_exists} when it was deleted — and the
 * receiver runs an incremental sync with its token.
 *
 * <p>Notifications wait in the store ({@link WatchChannels}): a commit (on this node or, on
 * PostgreSQL, another) marks the collection's channels, and the engine's request workers deliver
 * what is due — at once, then retried with exponential backoff and jitter on 5xx, timeouts and
 * refused connections, keeping the message number, until the channel is disabled after
 * {@link Settings#maxFailures} failures in a row. A periodic sweep (an engine job) compares every
 * watched collection again, expires channels and delivers retries that came due, so a lost wake-up
 * or a restart delays a notification, never loses it.
 */
public final class WatchService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchService.class);

    /**
     * How channels behave.
     *
     * @param allow where notifications may go ({@link WebhookAddresses})
     * @param defaultTtl a channel's life when the client asks for none
     * @param maxTtl the longest life a client may ask for (longer asks get this)
     * @param firstBackoff the wait before the first retry; each next one doubles, with jitter
     * @param maxBackoff the longest wait between retries
     * @param maxFailures failed deliveries in a row that disable a channel
     * @param timeout how long a receiver has to answer
     * @param maxPerCollection active channels one collection may have
     * @param maxTotal active channels in all
     * @param sweep how often every watched collection is compared again and retries come due
     */
    public record Settings(List<String> allow, Duration defaultTtl, Duration maxTtl, Duration firstBackoff,
            Duration maxBackoff, int maxFailures, Duration timeout, int maxPerCollection, int maxTotal, Duration sweep) {

        /** Nothing allowed; 7-day channels (30 at most); retries from 10 s to 1 h; disabled after 12 failures. */
        public static Settings defaults() {
            return new Settings(List.of(), Duration.ofDays(7), Duration.ofDays(30), Duration.ofSeconds(10),
                    Duration.ofHours(1), 12, Duration.ofSeconds(10), 1_000, 10_000, Duration.ofSeconds(5));
        }

        public Settings withAllow(List<String> patterns) {
            return new Settings(List.copyOf(patterns), defaultTtl, maxTtl, firstBackoff, maxBackoff, maxFailures, timeout,
                    maxPerCollection, maxTotal, sweep);
        }

        public Settings withRetries(Duration first, Duration max, int failures) {
            return new Settings(allow, defaultTtl, maxTtl, first, max, failures, timeout, maxPerCollection, maxTotal, sweep);
        }

        public Settings withTimeout(Duration newTimeout) {
            return new Settings(allow, defaultTtl, maxTtl, firstBackoff, maxBackoff, maxFailures, newTimeout,
                    maxPerCollection, maxTotal, sweep);
        }

        public Settings withMaxTtl(Duration max) {
            return new Settings(allow, defaultTtl.compareTo(max) > 0 ? max : defaultTtl, max, firstBackoff, maxBackoff,
                    maxFailures, timeout, maxPerCollection, maxTotal, sweep);
        }

        public Settings withSweep(Duration every) {
            return new Settings(allow, defaultTtl, maxTtl, firstBackoff, maxBackoff, maxFailures, timeout, maxPerCollection,
                    maxTotal, every);
        }
    }

    /** Header names, as Google's {@code X-Goog-*}. */
    public static final String CHANNEL_ID = "X-Tributary-Channel-ID";
    public static final String MESSAGE_NUMBER = "X-Tributary-Message-Number";
    public static final String RESOURCE_ID = "X-Tributary-Resource-ID";
    public static final String RESOURCE_STATE = "X-Tributary-Resource-State";
    public static final String RESOURCE_URI = "X-Tributary-Resource-URI";
    public static final String CHANNEL_TOKEN = "X-Tributary-Channel-Token";
    public static final String CHANNEL_EXPIRATION = "X-Tributary-Channel-Expiration";
    /** Standard Webhooks signature headers, on channels opened with {@code params.signed}. */
    public static final String WEBHOOK_ID = "webhook-id";
    public static final String WEBHOOK_TIMESTAMP = "webhook-timestamp";
    public static final String WEBHOOK_SIGNATURE = "webhook-signature";

    private static final Pattern CHANNEL_ID_TEXT = Pattern.compile("[A-Za-z0-9_\\-+/=]{1,64}");
    private static final Set<String> FIELDS = Set.of("id", "type", "address", "token", "params", "expiration", "kind");
    private static final int MAX_TOKEN = 256;
    private static final int MAX_ADDRESS = 2048;
    /** How long stopped-by-the-hub channels (expired, disabled, ended) stay visible after their expiration. */
    private static final Duration KEEP_ENDED = Duration.ofDays(7);
    /** Notifications claimed per delivery round. */
    private static final int ROUND = 100;

    private final Store store;
    private final Settings settings;
    private final WebhookAddresses addresses;
    private final Clock clock;
    private final java.util.concurrent.Executor workers;
    private final HttpClient http;
    private final String owner = "node-" + UUID.randomUUID();
    private final Consumer<String> wake;
    private final AutoCloseable sweeping;
    /** Collections with active channels, as last seen: commits to others are not looked at. */
    private volatile Set<String> watched = Set.of();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean marking = new AtomicBoolean();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private volatile boolean deliverAgain;
    private volatile boolean closed;

    public WatchService(Store store, SyncEngine engine, Clock clock, Settings settings) {
        this.store = store;
        this.settings = settings;
        this.addresses = new WebhookAddresses(settings.allow());
        this.clock = clock;
        this.workers = engine.requestWorkers();
        this.http = HttpClient.newBuilder().executor(workers).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.timeout()).build();
        refreshWatched();
        this.wake = this::changed;
        store.addWakeListener(wake);
        this.sweeping = engine.scheduleJob("watch-channels", settings.sweep(), this::sweep);
        workers.execute(this::sweep);
    }

    /**
     * Opens a channel from a Google-style request body: {@code id}, {@code type} ({@code web_hook}),
     * {@code address}, optional {@code token} and {@code params.ttl} (seconds, as a string).
     *
     * @param createdBy the token that opens it (it may list and stop it), or null
     * @param resourceUri the collection's feed URL, told to receivers
     */
    public Channel open(String collection, JsonNode body, String createdBy, String resourceUri) {
        List<String> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new InvalidDefinitionException("watch request", List.of("the body must be a JSON object"));
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                problems.add("unknown field '" + field + "'; use id, type, address, token, params");
            }
        });
        String id = text(body, "id", problems);
        if (id == null) {
            problems.add("id is required: a unique channel id of your choosing (1-64 of A-Z a-z 0-9 - _ + / =)");
        } else if (!CHANNEL_ID_TEXT.matcher(id).matches()) {
            problems.add("id must be 1-64 of A-Z a-z 0-9 - _ + / =");
        }
        String type = text(body, "type", problems);
        if (type == null || !(type.equals("web_hook") || type.equals("webhook"))) {
            problems.add("type must be \"web_hook\"");
        }
        String address = text(body, "address", problems);
        if (address == null) {
            problems.add("address is required: the URL notifications are POSTed to");
        } else if (address.length() > MAX_ADDRESS) {
            problems.add("address is longer than " + MAX_ADDRESS + " characters");
        } else {
            String refusal = addresses.refusal(address);
            if (refusal != null) {
                problems.add(refusal);
            }
        }
        String token = text(body, "token", problems);
        if (token != null && token.length() > MAX_TOKEN) {
            problems.add("token is longer than " + MAX_TOKEN + " characters");
        }
        Duration ttl = ttl(body, problems);
        boolean signed = signed(body, problems);
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionException("watch request", problems);
        }
        if (store.watchChannels().countActive(collection) >= settings.maxPerCollection()) {
            throw new InvalidDefinitionException("watch request", List.of("collection '" + collection + "' already has "
                    + settings.maxPerCollection() + " active channels; stop some (POST /v1/channels/stop)"));
        }
        if (store.watchChannels().countActive(null) >= settings.maxTotal()) {
            throw new InvalidDefinitionException("watch request", List.of("the hub already has " + settings.maxTotal()
                    + " active channels; stop some (POST /v1/channels/stop)"));
        }
        Channel channel;
        try {
            channel = store.watchChannels().create(new WatchChannels.NewChannel(id, resourceId(collection), resourceUri,
                    collection, address, token, clock.instant().plus(ttl), createdBy, signed ? newSecret() : null))
                    .orElseThrow(() -> new dev.tributary.engine.EngineException("a channel with id '" + id
                            + "' already exists; choose another id (a channel cannot be renewed: open a new one)"));
        } catch (CollectionNotFoundException e) {
            throw new NotFoundException("collection '" + collection + "' does not exist");
        }
        refreshWatched();
        deliver();
        return channel;
    }

    /** Stops a channel; false when none has this id and resource id (or {@code allowed} refuses it). */
    public boolean stop(String id, String resourceId, java.util.function.Predicate<Channel> allowed) {
        Channel channel = store.watchChannels().get(id).orElse(null);
        if (channel == null || !channel.resourceId().equals(resourceId) || !allowed.test(channel)) {
            return false;
        }
        boolean stopped = store.watchChannels().stop(id, resourceId);
        refreshWatched();
        return stopped;
    }

    /** Channels: all (null) or those a token opened. */
    public List<Channel> list(String createdBy) {
        return store.watchChannels().list(createdBy, 1_000);
    }

    /** RFC 1123 dates as HTTP writes them: a two-digit day, always GMT. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

    /** The RFC 1123 form of an instant, as Google sends {@code X-Goog-Channel-Expiration}. */
    public static String rfc1123(Instant instant) {
        return HTTP_DATE.format(instant.atOffset(ZoneOffset.UTC));
    }

    // ---- noticing changes

    private void changed(String collection) {
        if (closed) {
            return;
        }
        if ("*".equals(collection)) {
            dirty.addAll(watched);
        } else if (watched.contains(collection)) {
            dirty.add(collection);
        } else {
            return;
        }
        if (marking.compareAndSet(false, true)) {
            workers.execute(this::markDirty);
        }
    }

    private void markDirty() {
        try {
            boolean any = false;
            while (!dirty.isEmpty() && !closed) {
                for (String collection : List.copyOf(dirty)) {
                    dirty.remove(collection);
                    any |= store.watchChannels().markChanged(collection) > 0;
                }
            }
            if (any) {
                deliver();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not mark watch channels (the next sweep will): {}", e.toString());
        } finally {
            marking.set(false);
            if (!dirty.isEmpty() && !closed && marking.compareAndSet(false, true)) {
                workers.execute(this::markDirty);
            }
        }
    }

    private void refreshWatched() {
        watched = Set.copyOf(store.watchChannels().watchedCollections());
    }

    /** Expires channels, compares every watched collection again, delivers what is due. */
    void sweep() {
        if (closed) {
            return;
        }
        try {
            if (!store.watchChannels().any()) {
                watched = Set.of();
                return; // most hubs have no channels: their sweep writes nothing
            }
            int expired = store.watchChannels().expire(KEEP_ENDED);
            if (expired > 0) {
                LOG.info("{} watch channel(s) expired", expired);
            }
            refreshWatched();
            for (String collection : watched) {
                store.watchChannels().markChanged(collection);
            }
        } catch (RuntimeException e) {
            LOG.warn("watch channel sweep failed; it runs again in {}: {}", settings.sweep(), e.toString());
        }
        deliver();
    }

    // ---- delivering

    /** Delivers what is due, on the request workers; one round at a time, again while there is more. */
    void deliver() {
        deliverAgain = true;
        if (!closed && delivering.compareAndSet(false, true)) {
            workers.execute(this::deliverRound);
        }
    }

    private void deliverRound() {
        List<Delivery> claimed = List.of();
        try {
            deliverAgain = false;
            claimed = store.watchChannels().claimDue(owner, settings.timeout().plusSeconds(30), ROUND);
        } catch (RuntimeException e) {
            LOG.warn("could not claim watch notifications (the next sweep will): {}", e.toString());
        } finally {
            delivering.set(false);
        }
        for (Delivery delivery : claimed) {
            send(delivery);
        }
        if ((deliverAgain || claimed.size() == ROUND) && !closed) {
            deliver();
        }
    }

    private void send(Delivery delivery) {
        Channel channel = delivery.channel();
        String refusal = addresses.refusal(channel.address());
        if (refusal != null) {
            // The allow-list changed, or the name now resolves elsewhere: never sent there.
            store.watchChannels().failed(delivery, refusal, null);
            LOG.warn("watch channel {} disabled: {}", channel.id(), refusal);
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(channel.address()))
                .timeout(settings.timeout())
                .POST(HttpRequest.BodyPublishers.noBody())
                .header(CHANNEL_ID, channel.id())
                .header(MESSAGE_NUMBER, Long.toString(delivery.messageNumber()))
                .header(RESOURCE_ID, channel.resourceId())
                .header(RESOURCE_STATE, delivery.state().header())
                .header(RESOURCE_URI, channel.resourceUri())
                .header(CHANNEL_EXPIRATION, rfc1123(channel.expiration()));
        if (channel.token() != null) {
            request.header(CHANNEL_TOKEN, channel.token());
        }
        if (channel.signingSecret() != null) {
            // The same id on a retry, so a receiver can tell a repeat; the timestamp is the send's.
            String id = channel.id() + "." + delivery.messageNumber();
            long timestamp = clock.instant().getEpochSecond();
            request.header(WEBHOOK_ID, id).header(WEBHOOK_TIMESTAMP, Long.toString(timestamp))
                    .header(WEBHOOK_SIGNATURE, signature(channel.signingSecret(), id, timestamp, ""));
        }
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenCompleteAsync((response, error) -> {
            try {
                int status = response == null ? 0 : response.statusCode();
                if (error == null && (status / 100 == 2 || status == 102)) {
                    if (store.watchChannels().delivered(delivery)) {
                        // Changes committed while it was being delivered are told next.
                        store.watchChannels().markChanged(channel.collection());
                        deliver();
                    }
                    return;
                }
                String why = error != null ? describe(error) : "the receiver answered HTTP " + status;
                int failures = channel.attempts() + 1;
                if (failures >= settings.maxFailures()) {
                    store.watchChannels().failed(delivery, why, null);
                    LOG.warn("watch channel {} disabled after {} failed deliveries: {}", channel.id(), failures, why);
                } else {
                    store.watchChannels().failed(delivery, why, backoff(failures));
                }
            } catch (RuntimeException e) {
                LOG.warn("could not record a watch delivery of channel {} (it is delivered again): {}", channel.id(), e.toString());
            }
        }, workers);
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return "the receiver did not answer in time";
        }
        return "the receiver could not be reached: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }

    /** The wait before retry number {@code failures}: doubling from the first, capped, with up to half of it as jitter. */
    Duration backoff(int failures) {
        long first = settings.firstBackoff().toMillis();
        long max = settings.maxBackoff().toMillis();
        long wait = first << Math.min(failures - 1, 30);
        wait = wait <= 0 || wait > max ? max : wait;
        return Duration.ofMillis(wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
    }

    /** An opaque, stable id of a collection for its channels' {@code resourceId}. */
    private String resourceId(String collection) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((store.epoch() + "\n" + collection + "\n"
                    + store.collections().get(collection).map(info -> info.incarnation()).orElse(0L))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode body, String field, List<String> problems) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(field + " must be a string");
            return null;
        }
        return value.asText();
    }

    private static boolean signed(JsonNode body, List<String> problems) {
        JsonNode signed = body.path("params").path("signed");
        if (signed.isMissingNode() || signed.isNull()) {
            return false;
        }
        String text = signed.isTextual() || signed.isBoolean() ? signed.asText() : "";
        if (!text.equals("true") && !text.equals("false")) {
            problems.add("params.signed must be \"true\" or \"false\"");
            return false;
        }
        return text.equals("true");
    }

    /** A Standard Webhooks secret: {@code whsec_} and 24 random bytes in base64. */
    private static String newSecret() {
        byte[] key = new byte[24];
        new java.security.SecureRandom().nextBytes(key);
        return "whsec_" + java.util.Base64.getEncoder().encodeToString(key);
    }

    /**
     * The Standard Webhooks signature of a notification: {@code v1,} and the base64 HMAC-SHA256,
     * keyed with the secret's bytes, of {@code <id>.<timestamp>.<body>} (the body is empty).
     */
    public static String signature(String secret, String id, long timestamp, String body) {
        try {
            javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
            hmac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(secret.substring("whsec_".length())),
                    "HmacSHA256"));
            byte[] signed = hmac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + java.util.Base64.getEncoder().encodeToString(signed);
        } catch (NoSuchAlgorithmException | java.security.InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private Duration ttl(JsonNode body, List<String> problems) {
        JsonNode params = body.get("params");
        if (params == null || params.isNull()) {
            return settings.defaultTtl();
        }
        if (!params.isObject()) {
            problems.add("params must be an object such as {\"ttl\": \"3600\", \"signed\": \"true\"}");
            return settings.defaultTtl();
        }
        params.fieldNames().forEachRemaining(field -> {
            if (!field.equals("ttl") && !field.equals("signed")) {
                problems.add("unknown params field '" + field + "'; use ttl, signed");
            }
        });
        JsonNode ttl = params.get("ttl");
        if (ttl == null || ttl.isNull()) {
            return settings.defaultTtl();
        }
        String text = ttl.isTextual() || ttl.isIntegralNumber() ? ttl.asText() : "";
        if (!text.matches("[0-9]{1,12}") || Long.parseLong(text) < 1) {
            problems.add("params.ttl must be a whole number of seconds, at least 1, such as \"3600\"");
            return settings.defaultTtl();
        }
        Duration asked = Duration.ofSeconds(Long.parseLong(text));
        return asked.compareTo(settings.maxTtl()) > 0 ? settings.maxTtl() : asked;
    }

    @Override
    public void close() {
        closed = true;
        store.removeWakeListener(wake);
        try {
            sweeping.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
