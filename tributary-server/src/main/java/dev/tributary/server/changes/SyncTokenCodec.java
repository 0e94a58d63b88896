package dev.tributary.server.changes;

import dev.tributary.server.ApiException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and checks the change feed's sync and page tokens.
 *
 * <p>Implementation notes. A token is {@code base64url(payload ‖ mac)}; the payload is a version
 * byte, a kind byte ({@code S} sync, {@code P} page), the store epoch, the collection name and
 * incarnation, two positions and a 16-byte fingerprint (of the filter for a sync token, of the
 * whole query for a page token); the mac is the first 16 bytes of HMAC-SHA256 over the payload
 * with the store's signing key. A client can neither forge nor edit a token.
 *
 * <p>A token whose mac does not verify is {@code invalidSyncToken} (400) — unless it is well
 * formed and names another store epoch: that is a token from before the store was reset (whose
 * key went with it), and the only honest answer is {@code fullSyncRequired} (410). Telling a
 * forger to do a full sync reveals and grants nothing.
 */
public final class SyncTokenCodec {

    static final byte VERSION = 1;
    private static final int MAC_BYTES = 16;
    private static final int FINGERPRINT_BYTES = 16;
    /** Longest token text accepted. */
    public static final int MAX_TOKEN_LENGTH = 1024;

    /** Where an incremental sync continues from. */
    public record SyncPosition(String collection, long incarnation, long position, byte[] filter) {
    }

    /** Where the next page of a sync continues from, and the query it belongs to. */
    public record PagePosition(String collection, long incarnation, long after, long bound, byte[] query) {
    }

    private final String epoch;
    private final SecretKeySpec key;

    public SyncTokenCodec(String epoch, byte[] signingKey) {
        this.epoch = epoch;
        this.key = new SecretKeySpec(signingKey, "HmacSHA256");
    }

    public String encode(SyncPosition sync) {
        return encode('S', sync.collection(), sync.incarnation(), sync.position(), 0, sync.filter());
    }

    public String encode(PagePosition page) {
        return encode('P', page.collection(), page.incarnation(), page.after(), page.bound(), page.query());
    }

    /** Decodes a sync token: 400 {@code invalidSyncToken} or 410 {@code fullSyncRequired} when it can't be. */
    public SyncPosition decodeSync(String token) {
        Decoded d = decode(token, 'S', "syncToken");
        return new SyncPosition(d.collection, d.incarnation, d.first, d.fingerprint);
    }

    /** Decodes a page token, with the same errors as {@link #decodeSync}. */
    public PagePosition decodePage(String token) {
        Decoded d = decode(token, 'P', "pageToken");
        return new PagePosition(d.collection, d.incarnation, d.first, d.second, d.fingerprint);
    }

    private record Decoded(String collection, long incarnation, long first, long second, byte[] fingerprint) {
    }

    private String encode(char kind, String collection, long incarnation, long first, long second,
            byte[] fingerprint) {
        if (fingerprint.length != FINGERPRINT_BYTES) {
            throw new IllegalArgumentException("fingerprint must be " + FINGERPRINT_BYTES + " bytes");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(kind);
            out.writeUTF(epoch);
            out.writeUTF(collection);
            out.writeLong(incarnation);
            out.writeLong(first);
            out.writeLong(second);
            out.write(fingerprint);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] payload = bytes.toByteArray();
        byte[] token = Arrays.copyOf(payload, payload.length + MAC_BYTES);
        System.arraycopy(mac(payload), 0, token, payload.length, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    private Decoded decode(String token, char expectedKind, String parameter) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw ApiException.invalidSyncToken("the " + parameter + " is not one this hub issued");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidSyncToken("the " + parameter + " is not one this hub issued (not base64url)");
        }
        if (raw.length <= MAC_BYTES) {
            throw ApiException.invalidSyncToken("the " + parameter + " is not one this hub issued (too short)");
        }
        byte[] payload = Arrays.copyOf(raw, raw.length - MAC_BYTES);
        byte[] mac = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
        Decoded decoded;
        String tokenEpoch;
        char kind;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            if (in.readByte() != VERSION) {
                throw ApiException.invalidSyncToken("the " + parameter + " has an unknown version");
            }
            kind = (char) in.readByte();
            tokenEpoch = in.readUTF();
            String collection = in.readUTF();
            long incarnation = in.readLong();
            long first = in.readLong();
            long second = in.readLong();
            byte[] fingerprint = in.readNBytes(FINGERPRINT_BYTES);
            if (fingerprint.length != FINGERPRINT_BYTES || in.available() != 0) {
                throw new IOException("bad length");
            }
            decoded = new Decoded(collection, incarnation, first, second, fingerprint);
        } catch (IOException e) {
            throw ApiException.invalidSyncToken("the " + parameter + " is not one this hub issued (malformed)");
        }
        if (!MessageDigest.isEqual(mac, mac(payload))) {
            if (!tokenEpoch.equals(epoch)) {
                throw ApiException.fullSyncRequired("the " + parameter
                        + " was issued by an earlier incarnation of this hub's store; wipe the local copy and run a full sync");
            }
            throw ApiException.invalidSyncToken("the " + parameter + " is not one this hub issued (signature mismatch)");
        }
        if (kind != expectedKind) {
            throw ApiException.invalidSyncToken(expectedKind == 'S'
                    ? "a pageToken was passed as syncToken; pass the nextSyncToken of the last page"
                    : "a syncToken was passed as pageToken");
        }
        return decoded;
    }

    /** One initialized HMAC per thread: looking the algorithm up costs more than signing a token. */
    private final ThreadLocal<Mac> hmacs = ThreadLocal.withInitial(this::newHmac);

    private Mac newHmac() {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            return hmac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    private byte[] mac(byte[] payload) {
        // doFinal resets the HMAC for the next token.
        return Arrays.copyOf(hmacs.get().doFinal(payload), MAC_BYTES);
    }
}
