package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials are sealed in the store (AES-GCM under a key outside it): a copy of the database
 * holds none in the clear; another key cannot open them and says so; rotation re-seals them; the
 * store's files are its owner's alone.
 */
class SecretsAtRestTest {

    @TempDir
    Path dir;

    private StoreConfig config() {
        return StoreConfig.sqlite(dir.resolve("data"));
    }

    private void storeCredentials(Store store) {
        store.endpoints().put("db", "jdbc", "{\"url\":\"jdbc:x\",\"password\":\"pw-endpoint-123\"}", Set.of("manual"));
        store.sdata().put(new SDataResources.Resource("notes", "notes", "tributary", "records", "http://hub/notes", 1));
        store.sdata().putLink(new SDataResources.Link("to-b", "notes", "http://b/sdata", "tok-remote-456", "out", null));
        store.esaSystems().configure("db", "ext", "helper-secret", "ext", 7, "[]");
        store.esaSystems().setParameters("db", "{\"apiKey\":[\"esa-key-789\"]}");
    }

    /** Every text value of the tables that hold credentials, read straight from the file. */
    private List<String> rawValues() throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(config().jdbcUrl()); Statement s = c.createStatement()) {
            for (String sql : List.of("SELECT config FROM endpoints", "SELECT remote_token FROM sdata_links",
                    "SELECT parameters FROM esa_systems", "SELECT value FROM meta WHERE key = 'token_signing_key'")) {
                try (ResultSet rows = s.executeQuery(sql)) {
                    while (rows.next()) {
                        values.add(rows.getString(1));
                    }
                }
            }
        }
        return values;
    }

    @Test
    void aCopyOfTheDatabaseHoldsNoCredentialInTheClear() throws Exception {
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            storeCredentials(store);
            assertThat(store.endpoints().get("db").orElseThrow().config()).contains("pw-endpoint-123");
        }
        List<String> raw = rawValues();
        assertThat(raw).hasSize(4).allSatisfy(value -> assertThat(value).startsWith("enc1:"));
        assertThat(String.join(" ", raw)).doesNotContain("pw-endpoint-123", "tok-remote-456", "esa-key-789");
        try (Store again = Store.open(config(), Clock.systemUTC())) {
            assertThat(again.sdata().link("to-b").orElseThrow().remoteToken()).isEqualTo("tok-remote-456");
            assertThat(again.esaSystems().byEndpoint("db").orElseThrow().parameters()).contains("esa-key-789");
        }
    }

    @Test
    void anotherKeyCannotOpenTheStoreAndAMissingKeyIsNamed() throws Exception {
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            storeCredentials(store);
        }
        Path other = dir.resolve("other.key");
        Secrets.writeKeyFile(other, Secrets.newKey());
        assertThatThrownBy(() -> Store.open(config().withSecretKeyFile(other), Clock.systemUTC()))
                .isInstanceOf(StoreException.class).hasMessageContaining("sealed with another key");

        Path keyFile = config().keyFile();
        Path kept = dir.resolve("kept.key");
        Files.move(keyFile, kept);
        assertThatThrownBy(() -> Store.open(config(), Clock.systemUTC()))
                .isInstanceOf(StoreException.class).hasMessageContaining("is missing").hasMessageContaining("restore");
        assertThat(keyFile).as("no useless new key left behind").doesNotExist();
        Files.move(kept, keyFile);
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            assertThat(store.endpoints().get("db").orElseThrow().config()).contains("pw-endpoint-123");
        }
    }

    @Test
    void credentialsWrittenBeforeSealingAreSealedWhenTheStoreOpens() throws Exception {
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            storeCredentials(store);
        }
        // As an older Tributary left them: in the clear.
        try (Connection c = DriverManager.getConnection(config().jdbcUrl()); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE endpoints SET config = '{\"password\":\"old-plain\"}'");
            s.executeUpdate("UPDATE sdata_links SET remote_token = 'old-token'");
        }
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            assertThat(store.endpoints().get("db").orElseThrow().config()).contains("old-plain");
            assertThat(store.sdata().link("to-b").orElseThrow().remoteToken()).isEqualTo("old-token");
        }
        assertThat(String.join(" ", rawValues())).doesNotContain("old-plain", "old-token");
    }

    @Test
    void rotationReSealsEverythingUnderANewKey() throws Exception {
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            storeCredentials(store);
        }
        String before = Files.readString(config().keyFile());
        List<String> sealedBefore = rawValues();
        assertThat(Store.rotateSecretKey(config())).as("a key file, not the environment").isNull();
        assertThat(Files.readString(config().keyFile())).isNotEqualTo(before);
        assertThat(Files.readString(config().keyFile().resolveSibling("secret.key.previous"))).isEqualTo(before);
        assertThat(rawValues()).doesNotContainAnyElementsOf(sealedBefore);
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            assertThat(store.endpoints().get("db").orElseThrow().config()).contains("pw-endpoint-123");
            assertThat(store.sdata().link("to-b").orElseThrow().remoteToken()).isEqualTo("tok-remote-456");
            assertThat(store.esaSystems().byEndpoint("db").orElseThrow().parameters()).contains("esa-key-789");
        }
        assertThatThrownBy(() -> Store.open(config().withSecretKeyFile(config().keyFile().resolveSibling("secret.key.previous")),
                Clock.systemUTC())).hasMessageContaining("sealed with another key");
    }

    @Test
    void theStoreAndItsKeyAreTheirOwnersAlone() throws Exception {
        try (Store store = Store.open(config(), Clock.systemUTC())) {
            storeCredentials(store);
            Path data = dir.resolve("data");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
            for (String name : List.of("tributary.db", "tributary.db-wal", "secret.key")) {
                Path file = data.resolve(name);
                if (Files.exists(file)) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(name).isEqualTo("rw-------");
                }
            }
            assertThat(data.resolve("tributary.db")).exists();
        }
    }
}
