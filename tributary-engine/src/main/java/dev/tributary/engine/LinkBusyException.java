package dev.tributary.engine;

/** Another hub node owns the link right now (it runs it, or keeps it live): this node does not start a run of it. */
public final class LinkBusyException extends EngineException {
    public LinkBusyException(String message) {
        super(message);
    }
}
