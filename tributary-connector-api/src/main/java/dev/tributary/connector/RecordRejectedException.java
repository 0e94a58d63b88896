package dev.tributary.connector;

/**
 * The external system refused one object — its data breaks a rule there, a required value is
 * missing — while the system itself works. The engine records the refusal (run statistics, the
 * conflicts API with state {@code rejected}) and goes on with the other objects; the object is
 * written again when it changes on the hub, or when someone asks for it.
 */
public class RecordRejectedException extends ConnectorException {

    private final Uid uid;

    /**
     * @param uid the refused object's uid, or null for a create
     * @param message the system's reason, as a person should read it
     */
    public RecordRejectedException(Uid uid, String message) {
        super(message);
        this.uid = uid;
    }

    /** The refused object's uid; null for a create. */
    public Uid uid() {
        return uid;
    }
}
