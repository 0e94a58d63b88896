package dev.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteStoreIT extends StoreContract {

    @Override
    protected StoreBackend backend() {
        return StoreBackend.sqlite();
    }

    @Test
    void tokenSecretsAreNotStoredInTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String secret;
        try (Store own = Store.open(StoreConfig.sqlite(dir), clock)) {
            secret = own.accessTokens().create("x", List.of("admin")).secret();
        }
        byte[] file = Files.readAllBytes(dir.resolve(StoreConfig.SQLITE_FILE));
        assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(secret)
                .contains(AccessTokens.hash(secret));
    }

    @Test
    void aStoreMigratedByANewerVersionIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Store.open(StoreConfig.sqlite(dir), clock).close();
        try (var connection = java.sql.DriverManager.getConnection(StoreConfig.sqlite(dir).jdbcUrl());
                var statement = connection.createStatement()) {
            statement.execute("INSERT INTO tributary_schema_history (installed_rank, version, description, type,"
                    + " script, checksum, installed_by, execution_time, success)"
                    + " VALUES (999, '999', 'from the future', 'SQL', 'V999__future.sql', 0, 'test', 0, 1)");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Store.open(StoreConfig.sqlite(dir), clock))
                .isInstanceOf(StoreException.class).hasMessageContaining("newer Tributary");
    }

    @Test
    void rotatingTheEpochChangesEpochAndKeyButKeepsTheData(@org.junit.jupiter.api.io.TempDir Path dir) {
        String epoch;
        byte[] key;
        try (Store own = Store.open(StoreConfig.sqlite(dir), clock)) {
            epoch = own.epoch();
            key = own.tokenSigningKey();
            own.collections().put("kept", null);
        }
        String rotated = Store.rotateEpoch(StoreConfig.sqlite(dir));
        try (Store own = Store.open(StoreConfig.sqlite(dir), clock)) {
            assertThat(own.epoch()).isEqualTo(rotated).isNotEqualTo(epoch);
            assertThat(own.tokenSigningKey()).isNotEqualTo(key);
            assertThat(own.collections().get("kept")).isPresent();
        }
    }
}
