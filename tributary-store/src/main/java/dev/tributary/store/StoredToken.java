package dev.tributary.store;

import dev.tributary.connector.SyncToken;
import java.util.Base64;

/**
 * A connector's sync token as the store keeps it: its value type and its value as text, so it
 * comes back exactly as the connector made it. The hub never interprets it.
 */
public final class StoredToken {

    private StoredToken() {
    }

    /** The type column for a token. */
    public static String type(SyncToken token) {
        return token == null ? null : token.valueType();
    }

    /** The text column for a token. */
    public static String text(SyncToken token) {
        if (token == null) {
            return null;
        }
        return token.value() instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : token.value().toString();
    }

    /** The token stored as {@code type} and {@code text}; null when there is none. */
    public static SyncToken read(String type, String text) {
        if (type == null || text == null) {
            return null;
        }
        return switch (type) {
            case "string" -> new SyncToken(text);
            case "long" -> new SyncToken(Long.parseLong(text));
            case "int" -> new SyncToken(Integer.parseInt(text));
            case "bytes" -> new SyncToken(Base64.getDecoder().decode(text));
            default -> throw new StoreException("unknown stored token type '" + type + "'");
        };
    }
}
