package dev.tributary.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.server.TestHub;
import dev.tributary.store.AccessToken;
import dev.tributary.store.AccessTokens;
import dev.tributary.store.StoreBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens may expire — at once, even while a check of them is cached — and the store notes their last use. */
class TokenLifetimeIT {

    private final TestHub hub = new TestHub(StoreBackend.sqlite());

    @AfterEach
    void close() {
        hub.close();
    }

    private AccessToken token(String id) {
        return hub.store.accessTokens().list().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void anExpiredTokenIsRefusedAndLastUseIsNoted() {
        AccessTokens.IssuedToken issued = hub.store.accessTokens().create("short", List.of("read:*"), Duration.ofHours(1));
        assertThat(issued.token().expiresAt()).isEqualTo(issued.token().createdAt().plus(Duration.ofHours(1)));
        assertThat(token(issued.token().id()).lastUsedAt()).isNull();

        assertThat(hub.send("GET", "/v1/collections", null, issued.secret()).status()).isEqualTo(200);
        assertThat(token(issued.token().id()).lastUsedAt()).as("noted on use").isEqualTo(hub.clock.instant()
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS));

        hub.clock.advance(Duration.ofMinutes(61));
        var refused = hub.send("GET", "/v1/collections", null, issued.secret());
        assertThat(refused.status()).as("expired, though its check was cached a moment ago").isEqualTo(401);
        assertThat(refused.text()).contains("expired");
        assertThat(token(issued.token().id()).expiresAt()).isBefore(hub.clock.instant());

        // A token without expiry keeps working.
        assertThat(hub.send("GET", "/v1/collections", null, hub.adminToken).status()).isEqualTo(200);
    }
}
