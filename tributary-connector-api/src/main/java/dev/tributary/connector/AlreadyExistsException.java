package dev.tributary.connector;

/** A create named a uid that is already taken. */
public class AlreadyExistsException extends ConnectorException {

    public AlreadyExistsException(ObjectClass objectClass, Uid uid) {
        super(objectClass + " " + uid + " already exists");
    }
}
