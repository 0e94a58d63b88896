package dev.tributary.server.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.server.ApiException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SyncTokenCodecTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private static final byte[] PRINT = new byte[16];
    private final SyncTokenCodec codec = new SyncTokenCodec("epoch-1", KEY);

    @Test
    void roundTripsSyncAndPagePositions() {
        String sync = codec.encode(new SyncTokenCodec.SyncPosition("tasks", 7, 42, PRINT));
        SyncTokenCodec.SyncPosition decoded = codec.decodeSync(sync);
        assertThat(decoded.collection()).isEqualTo("tasks");
        assertThat(decoded.incarnation()).isEqualTo(7);
        assertThat(decoded.position()).isEqualTo(42);

        String page = codec.encode(new SyncTokenCodec.PagePosition("tasks", 7, 10, 42, PRINT));
        SyncTokenCodec.PagePosition decodedPage = codec.decodePage(page);
        assertThat(decodedPage.after()).isEqualTo(10);
        assertThat(decodedPage.bound()).isEqualTo(42);
        assertThat(sync).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void everyAlteredByteIsDetected() {
        String sync = codec.encode(new SyncTokenCodec.SyncPosition("tasks", 7, 42, PRINT));
        byte[] raw = Base64.getUrlDecoder().decode(sync);
        for (int i = 0; i < raw.length; i++) {
            byte[] altered = raw.clone();
            altered[i] ^= 0x01;
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            assertThatThrownBy(() -> codec.decodeSync(token)).as("byte %d", i)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isIn(400, 410));
        }
    }

    @Test
    void aTokenOfAnotherKeyIsInvalidAndOfAnotherEpochNeedsAFullSync() {
        SyncTokenCodec otherKey = new SyncTokenCodec("epoch-1", "another key, 32 bytes long......".getBytes());
        SyncTokenCodec otherStore = new SyncTokenCodec("epoch-2", "another key, 32 bytes long......".getBytes());
        String sync = codec.encode(new SyncTokenCodec.SyncPosition("tasks", 7, 42, PRINT));
        assertThatThrownBy(() -> otherKey.decodeSync(sync))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason()).isEqualTo("invalidSyncToken"));
        assertThatThrownBy(() -> otherStore.decodeSync(sync))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason()).isEqualTo("fullSyncRequired"));
    }

    @Test
    void kindsAreNotInterchangeable() {
        String page = codec.encode(new SyncTokenCodec.PagePosition("tasks", 7, 10, 42, PRINT));
        String sync = codec.encode(new SyncTokenCodec.SyncPosition("tasks", 7, 42, PRINT));
        assertThatThrownBy(() -> codec.decodeSync(page)).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> codec.decodePage(sync)).isInstanceOf(ApiException.class);
    }
}
