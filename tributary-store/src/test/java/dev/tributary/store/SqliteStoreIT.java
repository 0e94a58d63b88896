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
}
