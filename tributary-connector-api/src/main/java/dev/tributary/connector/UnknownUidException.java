package dev.tributary.connector;

/** The object named by a uid does not exist in the external system. */
public class UnknownUidException extends ConnectorException {

    private final Uid uid;

    public UnknownUidException(ObjectClass objectClass, Uid uid) {
        super(objectClass + " " + uid + " does not exist");
        this.uid = uid;
    }

    public Uid uid() {
        return uid;
    }
}
