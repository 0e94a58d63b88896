package dev.tributary.engine;

/** The endpoint's allowed run modes do not include the mode a run was asked in. */
public final class RunNotAllowedException extends EngineException {

    public RunNotAllowedException(String message) {
        super(message);
    }
}
