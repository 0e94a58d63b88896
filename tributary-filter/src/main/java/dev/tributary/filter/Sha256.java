package dev.tributary.filter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** One SHA-256 digest per thread for fingerprints: looking the algorithm up costs more than hashing a filter. */
final class Sha256 {

    static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    });

    private Sha256() {
    }
}
