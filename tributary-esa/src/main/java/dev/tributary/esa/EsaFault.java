package dev.tributary.esa;

/**
 * A fault one side answered instead of a result: the call failed, or (for
 * {@link Type#RECORD}) one record could not be written, or (for {@link Type#DELAYED}) the write
 * will complete later and can be polled with its token.
 */
public class EsaFault extends RuntimeException {

    /** The fault types of the protocol, by their names on the wire. */
    public enum Type {
        ESA("EsaException"),
        RECORD("EsaRecordException"),
        DELAYED("EsaRecordDelayedException"),
        PROTOCOL("ProtocolException"),
        AUTHENTICATION("AuthenticationException");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        static Type ofWire(String name) {
            for (Type type : values()) {
                if (type.wire.equals(name)) {
                    return type;
                }
            }
            throw new EsaProtocolException("unknown fault type '" + name + "'");
        }
    }

    private final Type type;
    private final String id;
    private final String token;

    public EsaFault(Type type, String message, String id, String token) {
        super(message);
        this.type = type;
        this.id = id;
        this.token = token;
    }

    /** A failed call. */
    public static EsaFault failed(String message) {
        return new EsaFault(Type.ESA, message, null, null);
    }

    /** A record that could not be written; for a stale last-seen, say so in the message. */
    public static EsaFault record(String id, String message) {
        return new EsaFault(Type.RECORD, message, id, null);
    }

    /** A write that completes later; poll it with the token. */
    public static EsaFault delayed(String id, String token) {
        return new EsaFault(Type.DELAYED, "the write completes later; poll token " + token, id, token);
    }

    public Type type() {
        return type;
    }

    /** The record concerned, or null. */
    public String id() {
        return id;
    }

    /** The token of a delayed write, or null. */
    public String token() {
        return token;
    }

    @Override
    public String toString() {
        return type.wire() + (id == null ? "" : " (record " + id + ")") + ": " + getMessage();
    }
}
