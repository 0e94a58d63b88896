package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.store.Store;
import dev.tributary.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The token and store commands, run in-process on a real store. */
class CommandLineIT {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TributaryCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void tokensAreCreatedListedAndRevoked() {
        String dataDir = dir.toString();
        Run created = run("token", "create", "--scope", "read:notes", "--scope", "write:notes", "--name", "phone",
                "--data-dir", dataDir);
        assertThat(created.exit()).as(created.err()).isZero();
        String secret = created.out().strip();
        assertThat(secret).startsWith("trb_");
        assertThat(created.err()).contains("read:notes write:notes").contains("shown only now");

        try (Store store = Store.open(StoreConfig.sqlite(dir), Clock.systemUTC())) {
            assertThat(store.accessTokens().authenticate(secret)).isPresent();
        }
        Run listed = run("token", "list", "--data-dir", dataDir);
        assertThat(listed.out()).contains("phone").contains("read:notes write:notes").doesNotContain(secret);
        String id = listed.out().lines().filter(l -> l.contains("phone")).findFirst().orElseThrow().split("\\s+")[0];

        assertThat(run("token", "revoke", id, "--data-dir", dataDir).exit()).isZero();
        assertThat(run("token", "revoke", id, "--data-dir", dataDir).exit()).isEqualTo(1);
        assertThat(run("token", "list", "--data-dir", dataDir).out()).contains("No tokens");

        Run bad = run("token", "create", "--scope", "reed:x", "--scope", "write:bad name", "--data-dir", dataDir);
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("'reed:x'").contains("'write:bad name'");
        Run missing = run("token", "create", "--data-dir", dataDir);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--scope");
    }

    @Test
    void storeInfoShowsTheStoreAndRotateEpochNeedsConfirmation() {
        String epoch;
        try (Store store = Store.open(StoreConfig.sqlite(dir), Clock.systemUTC())) {
            store.collections().put("notes", null);
            epoch = store.epoch();
        }
        Run info = run("store", "info", "--data-dir", dir.toString());
        assertThat(info.out()).contains(epoch).contains("notes").contains("retention 30 days");

        Run unconfirmed = run("store", "rotate-epoch", "--data-dir", dir.toString());
        assertThat(unconfirmed.exit()).isEqualTo(1);
        assertThat(unconfirmed.err()).contains("--yes");
        Run rotated = run("store", "rotate-epoch", "--yes", "--data-dir", dir.toString());
        assertThat(rotated.exit()).isZero();
        try (Store store = Store.open(StoreConfig.sqlite(dir), Clock.systemUTC())) {
            assertThat(store.epoch()).isNotEqualTo(epoch);
            assertThat(rotated.out()).contains(store.epoch());
        }
    }

    @Test
    void connectorTypesAreListedWithTheirSettings() {
        Run listed = run("connectors", "list");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).contains("memory —").contains("jdbc —").contains("installTriggers")
                .contains("password").contains("secret");
    }

    @Test
    void installTriggersPreparesATableAndExplainsFailures() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("app.db");
        try (var connection = java.sql.DriverManager.getConnection(url); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
            statement.execute("INSERT INTO customers (name) VALUES ('Ada'), ('Grace')");
        }
        Run installed = run("connectors", "install-triggers", "--url", url, "--tables", "customers");
        assertThat(installed.exit()).as(installed.err()).isZero();
        assertThat(installed.out()).contains("customers: added column tributary_change").contains("gave 2 existing rows");

        Run missing = run("connectors", "install-triggers", "--url", url, "--tables", "nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("table 'nope' does not exist");
        Run badUrl = run("connectors", "install-triggers", "--url", "jdbc:oracle:x", "--tables", "t");
        assertThat(badUrl.exit()).isEqualTo(1);
        assertThat(badUrl.err()).contains("'url' must start with");
    }

    @Test
    void serveOnABusyPortSaysWhichPortAndHowToChooseAnother() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            String port = String.valueOf(busy.getLocalPort());
            Run second = run("serve", "--port", port, "--data-dir", dir.resolve("busy").toString());
            assertThat(second.exit()).isEqualTo(1);
            assertThat(second.err()).contains("port " + port + " on 127.0.0.1 is already in use").contains("--port");
        }
    }

    @Test
    void serveRefusesAnUploadCacheTimeShorterThanAMinute() {
        Run shortTtl = run("serve", "--upload-cache-ttl", "PT10S", "--port", "0", "--data-dir", dir.resolve("ttl").toString());
        assertThat(shortTtl.exit()).isNotZero();
        assertThat(shortTtl.err()).contains("upload answers must be kept at least a minute");
        Run garbage = run("serve", "--upload-cache-ttl", "a day", "--port", "0", "--data-dir", dir.resolve("ttl").toString());
        assertThat(garbage.exit()).isNotZero();
        assertThat(garbage.err()).contains("--upload-cache-ttl");
    }

    @Test
    void serveRefusesAPublicUrlThatIsNoHubAddressBeforeOpeningAnything() {
        for (String bad : new String[] {"hub.example.com", "ftp://hub.example.com", "https://hub.example.com/?x=1",
            "https://user@hub.example.com", "https://hub example.com"}) {
            Run refused = run("serve", "--public-url", bad, "--port", "0", "--data-dir", dir.resolve("public").toString());
            assertThat(refused.exit()).as(bad).isNotZero();
            assertThat(refused.err()).as(bad).contains("--public-url").contains(bad);
        }
        assertThat(dir.resolve("public")).as("nothing was created").doesNotExist();
    }

    @Test
    void connectorsListShowsConnIdBundlesAndExplainsTheUnusableOnes() throws Exception {
        java.nio.file.Path plugins = dir.resolve("plugins");
        java.nio.file.Files.createDirectories(plugins);
        try (var bundles = java.nio.file.Files.list(java.nio.file.Path.of("target/bundles"))) {
            for (java.nio.file.Path bundle : bundles.toList()) {
                java.nio.file.Files.copy(bundle, plugins.resolve(bundle.getFileName()));
            }
        }
        java.nio.file.Files.write(plugins.resolve("notes.jar"), new byte[] {1, 2, 3});
        Run listed = run("connectors", "list", "--plugins-dir", plugins.toString());
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("connid:DatabaseTable — ").contains("connid:ScriptedSQL")
                .containsPattern("jdbcUrlTemplate +Specify the JDBC Driver Connection URL")
                .containsPattern("password +.*secret");
        assertThat(listed.out()).contains("Plug-ins that could not be loaded:").contains("notes.jar: not a readable jar");
    }
}
