package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connectors.memory.MemoryBackend;
import dev.tributary.server.HubServer;
import dev.tributary.server.ServerConfig;
import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tributary sync run} against a real hub, and {@code serve --config} files. */
class SyncRunIT {

    private record Run(int exit, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TributaryCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void aRunIsFollowedToItsEndWithItsStats(@TempDir Path dir) throws Exception {
        String backend = "cli-" + UUID.randomUUID();
        MemoryBackend crm = MemoryBackend.named(backend);
        for (int i = 0; i < 7; i++) {
            crm.create(new dev.tributary.connector.ObjectClass("items"), null, Map.of("n", i));
        }
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, """
                endpoints:
                  crm:
                    connector: memory
                    config:
                      backend: ${CRM_BACKEND}
                links:
                  crm-items:
                    endpoint: crm
                    objectClass: items
                    collection: items
                    direction: in
                """);
        try (Store store = Store.open(StoreConfig.sqlite(dir), Clock.systemUTC());
                HubServer hub = new HubServer(store, ServerConfig.defaults().withPort(0)).start()) {
            HubConfigFile.apply(config, hub.engine(), name -> name.equals("CRM_BACKEND") ? backend : null);
            String token = store.accessTokens().create("cli", List.of("admin")).secret();

            Run ok = cli("sync", "run", "crm-items", "--url", hub.baseUrl(), "--token", token);
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.out()).contains(": succeeded").containsPattern("inbound\\s+7\\s+7\\s+0\\s+0");

            Run resync = cli("sync", "resync", "crm-items", "--url", hub.baseUrl(), "--token", token);
            assertThat(resync.exit()).as(resync.err()).isZero();
            assertThat(resync.out()).contains(": succeeded").containsPattern("inbound\\s+7\\s+0\\s+0\\s+0");
            assertThat(hub.engine().runs("crm-items", null, 1).get(0).mode()).isEqualTo("resync");

            Run status = cli("sync", "status", "--url", hub.baseUrl(), "--token", token);
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("LINK").contains("OUT WAITING").contains("IN AGE")
                    .containsPattern("crm-items\\s+in\\s+-\\s+idle\\s+succeeded\\s+\\S+Z\\s+-\\s+-\\s+\\d+s");
            Run nodes = cli("nodes", "--url", hub.baseUrl(), "--token", token);
            assertThat(nodes.exit()).as(nodes.err()).isZero();
            assertThat(nodes.out()).contains("NODE").contains("LAST HEARTBEAT")
                    .containsPattern("[0-9a-f-]{36} \\*\\s+.+\\s+live\\s+\\S+Z");
            Run paused = cli("sync", "pause", "crm-items", "--url", hub.baseUrl(), "--token", token);
            assertThat(paused.exit()).as(paused.err()).isZero();
            assertThat(paused.out()).contains("link crm-items is paused");
            assertThat(cli("sync", "status", "--url", hub.baseUrl(), "--token", token).out()).containsPattern("crm-items\\s+in\\s+-\\s+paused");
            Run refused = cli("sync", "run", "crm-items", "--url", hub.baseUrl(), "--token", token);
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("is paused; resume it first");
            assertThat(cli("sync", "resume", "crm-items", "--url", hub.baseUrl(), "--token", token).out()).contains("runs again");
            assertThat(cli("sync", "pause", "nope", "--url", hub.baseUrl(), "--token", token).err()).contains("no link 'nope'");
            assertThat(cli("sync", "status", "--url", hub.baseUrl(), "--token", token, "--every", "PT0S").exit()).isEqualTo(1);
            assertThat(cli("sync", "status", "--url", "http://127.0.0.1:9", "--token", token).err()).contains("no hub answers");

            Run missing = cli("sync", "run", "nope", "--url", hub.baseUrl(), "--token", token);
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("404 notFound").contains("no link 'nope'");
            Run noToken = cli("sync", "run", "crm-items", "--url", hub.baseUrl(), "--token", "");
            assertThat(noToken.exit()).isEqualTo(1);

            Run tested = cli("sync", "test", "crm", "--url", hub.baseUrl(), "--token", token);
            assertThat(tested.exit()).as(tested.err()).isZero();
            assertThat(tested.out()).contains("endpoint crm: the hub can reach it");
            hub.engine().putEndpoint("broken", dev.tributary.server.Json.MAPPER.readTree(
                    "{\"connector\":\"jdbc\",\"config\":{\"url\":\"jdbc:sqlite:" + dir.resolve("none/x.db")
                            + "\",\"tables\":\"t\"}}"));
            Run broken = cli("sync", "test", "broken", "--url", hub.baseUrl(), "--token", token);
            assertThat(broken.exit()).isEqualTo(1);
            assertThat(broken.err()).contains("endpoint broken: cannot be used:");
        } finally {
            MemoryBackend.drop(backend);
        }
        Run noHub = cli("sync", "run", "crm-items", "--url", "http://127.0.0.1:1", "--token", "trb_x");
        assertThat(noHub.exit()).isEqualTo(1);
        assertThat(noHub.err()).contains("no hub answers");
    }

    @Test
    void aConfigurationWithProblemsReportsThemAllAndAppliesNothing(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, """
                endpoints:
                  crm:
                    connector: memory
                    config: {backend: "${MISSING_VARIABLE}", colour: blue}
                  erp:
                    connector: nonsense
                links:
                  crm-items:
                    endpoint: crm
                    objectClass: items
                    direction: sideways
                extras: {}
                """);
        try (Store store = Store.open(StoreConfig.sqlite(dir), Clock.systemUTC());
                HubServer hub = new HubServer(store, ServerConfig.defaults().withPort(0))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> HubConfigFile.apply(config, hub.engine(), name -> null))
                    .isInstanceOfSatisfying(dev.tributary.engine.InvalidDefinitionException.class, e -> assertThat(e.problems())
                            .anySatisfy(p -> assertThat(p).contains("unknown section 'extras'"))
                            .anySatisfy(p -> assertThat(p).contains("MISSING_VARIABLE is not set"))
                            .anySatisfy(p -> assertThat(p).startsWith("endpoints.crm: config: unknown setting 'colour'"))
                            .anySatisfy(p -> assertThat(p).startsWith("endpoints.erp:").contains("not a known connector type"))
                            .anySatisfy(p -> assertThat(p).startsWith("links.crm-items: 'collection' is required"))
                            .anySatisfy(p -> assertThat(p).startsWith("links.crm-items: 'direction'")));
            assertThat(hub.engine().endpoints()).as("nothing applied").isEmpty();
        }
    }
}
