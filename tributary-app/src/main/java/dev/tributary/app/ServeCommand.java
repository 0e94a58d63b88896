package dev.tributary.app;

import dev.tributary.engine.ConnectorRegistry;
import dev.tributary.engine.SyncEngine;
import dev.tributary.engine.watch.WatchService;
import dev.tributary.engine.watch.WebhookAddresses;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.AccessTokens;
import dev.tributary.store.Store;
import dev.tributary.store.StoreKind;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tributary serve}: run the hub until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the hub.",
            "",
            "On the first start it creates an admin token and prints it once.",
            "Stop it with Ctrl-C (or SIGTERM); it shuts down cleanly."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Mixin
    ServerOptions server;

    @Mixin
    PluginOptions plugins;

    @Option(names = "--config", paramLabel = "<hub.yaml>",
            description = {"Endpoints and links to declare at start (YAML; see docs/sync.md).",
                "Every problem in it is reported and nothing is applied unless it is all valid."})
    Path configFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        plugins.apply();
        ServerConfig config = server.config(); // checked before anything is opened or created
        Store opened = store.open();
        HubServer hub;
        SyncEngine engine = new SyncEngine(opened, ConnectorRegistry.load(), Clock.systemUTC(),
                SyncEngine.Settings.defaults().withRunRetention(server.runRetention));
        try {
            if (configFile != null) {
                out.println("Configured " + HubConfigFile.apply(configFile, engine, System::getenv));
            }
            engine.start();
            hub = new HubServer(opened, engine, config.withDrainNotice(server.drainNotice(opened.kind()))).start();
        } catch (RuntimeException e) {
            engine.close();
            opened.close();
            if (Errors.isBindFailure(e)) {
                throw new IllegalStateException("port " + server.port + " on " + server.host + " is already in use (another hub"
                        + " or program listens there); choose another with --port <port> or TRIBUTARY_PORT, or --port 0 for any free one", e);
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            engine.close();
            opened.close();
            stopped.countDown();
        }, "tributary-shutdown"));

        out.println("Tributary hub is running at " + hub.localUrl() + " (store: " + store.describe() + ")");
        if (config.publicUrl() != null) {
            out.println("Its public URL, given to other systems: " + config.publicUrl());
        } else if (server.host.equals("0.0.0.0") || server.host.equals("::")) {
            out.println("It listens on every interface but gives ESA adapters and watch channels " + hub.baseUrl()
                    + " as its address; give the address others reach it at with --public-url (or TRIBUTARY_PUBLIC_URL).");
        }
        if (opened.accessTokens().list().isEmpty()) {
            AccessTokens.IssuedToken admin = opened.accessTokens().create("initial admin token", List.of("admin"));
            out.println();
            out.println("First start: created an admin token. It is shown only this once; keep it safe:");
            out.println();
            out.println("    " + admin.secret());
            out.println();
            out.println("Try:  curl -H 'Authorization: Bearer " + admin.secret() + "' " + hub.localUrl() + "/v1/collections");
            out.println("More tokens:  tributary token create --scope read:<collection>");
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    /** Options of the HTTP server, shared by serve and demo. */
    static final class ServerOptions {
        @Option(names = "--port", paramLabel = "<port>", defaultValue = "${env:TRIBUTARY_PORT:-8080}",
                description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--host", paramLabel = "<address>", defaultValue = "127.0.0.1",
                description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
        String host;

        @Option(names = "--public-url", paramLabel = "<url>", defaultValue = "${env:TRIBUTARY_PUBLIC_URL}",
                description = {"The URL other systems reach this hub at, such as https://hub.example.com (behind a proxy,",
                    "the proxy's); given to ESA adapters, watch channels and SData clients in the addresses the hub",
                    "hands out. Default: SData links name the address each request came to, the rest http://<host>:<port>."})
        String publicUrl;

        @Option(names = "--max-body-size", paramLabel = "<bytes>", defaultValue = "16777216",
                description = "Largest request body accepted, in bytes (default: ${DEFAULT-VALUE} = 16 MiB).")
        long maxBodyBytes;

        @Option(names = "--compaction-interval", paramLabel = "<ISO-8601>", defaultValue = "PT1H",
                description = "How often tombstones past retention are compacted, e.g. PT10M (default: ${DEFAULT-VALUE}).")
        Duration compactionInterval;

        @Option(names = "--upload-cache-ttl", paramLabel = "<ISO-8601>", defaultValue = "PT24H",
                description = "How long the answers to offline uploads are kept, so a resent request is answered"
                        + " instead of applied again; at least PT1M (default: ${DEFAULT-VALUE}).")
        Duration uploadCacheTtl;

        @Option(names = "--sdata-context-ttl", paramLabel = "<ISO-8601>", defaultValue = "PT10M",
                description = "How long an SData $syncSource or $syncTarget context nobody reads or deletes is kept"
                        + " (default: ${DEFAULT-VALUE}).")
        Duration sdataContextTtl;

        @Option(names = "--run-retention", paramLabel = "<ISO-8601>", defaultValue = "P30D",
                description = {"How long finished runs stay in the history (default: ${DEFAULT-VALUE}). Scheduled runs",
                    "that changed nothing keep only the newest per link."})
        Duration runRetention;

        @Option(names = "--webhook-allow", paramLabel = "<pattern>",
                description = {"Where watch channels may send notifications (repeatable), e.g. 'https://*.example.com/hooks/*'.",
                    "* in a host is any run of host characters; a port may be *. Loopback, private and link-local",
                    "addresses need a pattern naming the host exactly (http://127.0.0.1:*/*). None: no webhooks."})
        List<String> webhookAllow = new ArrayList<>();

        @Option(names = "--webhook-max-ttl", paramLabel = "<ISO-8601>", defaultValue = "P30D",
                description = "The longest life a watch channel may ask for; longer asks get this (default: ${DEFAULT-VALUE}).")
        Duration webhookMaxTtl;

        @Option(names = "--drain-notice", paramLabel = "<ISO-8601>",
                description = {"When stopping, how long the node keeps serving after /health turned 503, so that load",
                    "balancers stop sending it requests before it turns them away (default: PT2S on PostgreSQL,",
                    "PT0S on SQLite, where there is one node; at most PT60S)."})
        Duration drainNotice;

        /** The drain notice given, or the default for a store of this kind. */
        Duration drainNotice(StoreKind kind) {
            if (drainNotice != null) {
                return drainNotice;
            }
            return kind == StoreKind.POSTGRESQL ? Duration.ofSeconds(2) : Duration.ZERO;
        }

        ServerConfig config() {
            if (drainNotice != null && (drainNotice.isNegative() || drainNotice.compareTo(ServerConfig.MAX_DRAIN_NOTICE) > 0)) {
                throw new IllegalArgumentException("--drain-notice must be from PT0S to PT60S, such as PT2S");
            }
            if (webhookMaxTtl.isNegative() || webhookMaxTtl.isZero()) {
                throw new IllegalArgumentException("--webhook-max-ttl must be positive, such as P7D");
            }
            WatchService.Settings watch;
            try {
                watch = WatchService.Settings.defaults().withAllow(webhookAllow).withMaxTtl(webhookMaxTtl);
                new WebhookAddresses(webhookAllow);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--webhook-allow: " + e.getMessage(), e);
            }
            ServerConfig config = ServerConfig.defaults().withHost(host).withPort(port)
                    .withMaxBodyBytes(maxBodyBytes).withCompactionInterval(compactionInterval)
                    .withUploadCacheTtl(uploadCacheTtl).withSDataContextTtl(sdataContextTtl).withWatch(watch);
            try {
                return config.withPublicUrl(publicUrl == null || publicUrl.isBlank() ? null : publicUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--public-url: " + e.getMessage(), e);
            }
        }
    }
}
