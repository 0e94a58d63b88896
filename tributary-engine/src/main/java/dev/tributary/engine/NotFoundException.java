package dev.tributary.engine;

/** A named endpoint, link, run or conflict does not exist. */
public final class NotFoundException extends EngineException {

    public NotFoundException(String message) {
        super(message);
    }
}
