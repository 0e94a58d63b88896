package dev.tributary.connector;

import java.util.List;

/** A connector's configuration has problems; {@link #problems()} lists every one of them. */
public class InvalidConfigurationException extends ConnectorException {

    private final List<String> problems;

    public InvalidConfigurationException(List<String> problems) {
        super("invalid configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
