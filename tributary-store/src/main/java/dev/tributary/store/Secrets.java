package dev.tributary.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the credentials the store must keep usable (endpoint settings, SData links' remote
 * tokens, ESA parameters, the sync-token signing key) with AES-256-GCM under a key that is not in
 * the store: the environment variable {@value #KEY_ENV} (base64 of 32 bytes), or else a key file,
 * created with mode 0600 on first start. A copy of the database alone gives no one a usable
 * credential.
 *
 * <p>A sealed value reads {@code enc1:<base64 of IV and ciphertext>}; {@link #open} passes values
 * without that prefix (written before sealing existed) through unchanged, and the store seals them
 * when it opens.
 */
public final class Secrets {

    /** The environment variable that holds the key, when it is not in a file. */
    public static final String KEY_ENV = "TRIBUTARY_SECRET_KEY";
    /** The environment variable that names the key file (default: next to the SQLite store, or in ~/.tributary). */
    public static final String KEY_FILE_ENV = "TRIBUTARY_SECRET_KEY_FILE";
    static final String PREFIX = "enc1:";
    private static final byte[] CONTEXT = "tributary-secret-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String source;

    private Secrets(byte[] key, String source) {
        this.key = new SecretKeySpec(key, "AES");
        this.source = source;
    }

    /** Secrets under this key (32 bytes); {@code source} says where it came from, for messages. */
    static Secrets of(byte[] key, String source) {
        if (key.length != 32) {
            throw new StoreException("the secret key from " + source + " must be 32 bytes (44 characters of base64), not "
                    + key.length + " bytes");
        }
        return new Secrets(key, source);
    }

    /** A new random key, base64. */
    public static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * The key for a store: from {@value #KEY_ENV} when set, else from {@code keyFile}, which is
     * created (0600, directory 0700) when absent and {@code create} is true.
     */
    static Secrets load(Path keyFile, boolean create) {
        String fromEnv = System.getenv(KEY_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return of(decode(fromEnv.strip(), "the environment variable " + KEY_ENV), "the environment variable " + KEY_ENV);
        }
        String source = "the key file " + keyFile.toAbsolutePath();
        if (!Files.exists(keyFile)) {
            if (!create) {
                throw new StoreException("no secret key: " + source + " does not exist and " + KEY_ENV + " is not set", null,
                        false);
            }
            writeKeyFile(keyFile, newKey());
            org.slf4j.LoggerFactory.getLogger(Secrets.class).info("created the secret key file {} (mode 0600): back it up,"
                    + " apart from the store's backups; without it the stored credentials cannot be read", keyFile.toAbsolutePath());
        }
        try {
            return of(decode(Files.readString(keyFile, StandardCharsets.US_ASCII).strip(), source), source);
        } catch (IOException e) {
            throw new StoreException("cannot read " + source + ": " + e.getMessage(), e, false);
        }
    }

    /** Writes a key file readable by its owner only (its directory too, when it creates it). */
    static void writeKeyFile(Path keyFile, String key) {
        try {
            Path dir = keyFile.toAbsolutePath().getParent();
            if (dir != null && !Files.exists(dir)) {
                Files.createDirectories(dir);
                Permissions.ownerOnly(dir, true);
            }
            Path fresh = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
            Files.deleteIfExists(fresh);
            Files.createFile(fresh);
            Permissions.ownerOnly(fresh, false);
            Files.writeString(fresh, key + "\n", StandardCharsets.US_ASCII);
            Files.move(fresh, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("the key file " + keyFile + " appeared meanwhile; start again", e, true);
        } catch (IOException e) {
            throw new StoreException("cannot write the key file " + keyFile + ": " + e.getMessage(), e, false);
        }
    }

    private static byte[] decode(String base64, String source) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new StoreException(source + " does not hold a base64 key: " + e.getMessage(), e, false);
        }
    }

    /** Where the key came from, for messages (never the key). */
    public String source() {
        return source;
    }

    /** The value sealed; null stays null. */
    public String seal(String plaintext) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            cipher.updateAAD(CONTEXT);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    /** Whether a stored value is sealed. */
    static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /**
     * The value in the clear: a sealed one opened (a clear error when this key did not seal it),
     * anything else as it is.
     */
    public String open(String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            cipher.updateAAD(CONTEXT);
            return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException | IllegalArgumentException e) {
            throw new StoreException("the store holds credentials sealed with another key than the one from " + source
                    + "; start the hub with the key that sealed them (" + KEY_ENV + ", or its key file)", e, false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    /** File permissions for the store's files: owner only, where the file system has POSIX modes. */
    static final class Permissions {
        private Permissions() {
        }

        static void ownerOnly(Path path, boolean directory) throws IOException {
            if (Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
            }
        }
    }
}
