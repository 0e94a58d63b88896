package dev.tributary.connector;

/**
 * What became of one write of a batch: done (with the object's uid and new version; for a
 * delete, its uid and a null version), or refused with the exception a single write would have
 * thrown ({@link VersionConflictException}, {@link UnknownUidException},
 * {@link AlreadyExistsException}, or another {@link ConnectorException}).
 *
 * @param result the uid and version after a successful write, or null when refused
 * @param failure why the write was refused, or null when done
 */
public record WriteOutcome(VersionedUid result, ConnectorException failure) {

    public WriteOutcome {
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("a write outcome is either a result or a failure");
        }
    }

    public static WriteOutcome done(VersionedUid result) {
        return new WriteOutcome(result, null);
    }

    public static WriteOutcome refused(ConnectorException failure) {
        return new WriteOutcome(null, failure);
    }

    public boolean succeeded() {
        return failure == null;
    }
}
