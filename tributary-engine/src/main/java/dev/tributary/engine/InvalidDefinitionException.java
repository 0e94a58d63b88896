package dev.tributary.engine;

import java.util.List;

/** An endpoint, link or hub configuration has problems; {@link #problems()} lists every one. */
public final class InvalidDefinitionException extends EngineException {

    private final List<String> problems;

    public InvalidDefinitionException(String what, List<String> problems) {
        super(what + " is invalid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
