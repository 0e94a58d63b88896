package dev.tributary.store;

import java.time.Instant;
import java.util.Set;

/**
 * An external system as the hub knows it.
 *
 * @param name the endpoint's name
 * @param connector the connector type
 * @param config the connector's settings as a JSON object (secrets included: the hub needs them)
 * @param allowedRunModes which run modes may start runs of its links: manual, scheduled, external
 */
public record EndpointRecord(String name, String connector, String config, Set<String> allowedRunModes,
        Instant createdAt, Instant updatedAt) {

    public EndpointRecord {
        allowedRunModes = Set.copyOf(allowedRunModes);
    }
}
