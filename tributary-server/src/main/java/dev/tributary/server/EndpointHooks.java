package dev.tributary.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What another part of the hub does when the admin API saves or deletes an endpoint — the ESA
 * adapter handshake, say — so the admin routes call it without knowing that part.
 */
public interface EndpointHooks {

    /** No hooks. */
    EndpointHooks NONE = new EndpointHooks() {
        @Override
        public Runnable beforeSave(String endpoint, ObjectNode definition, boolean exists) {
            return null;
        }

        @Override
        public void deleted(String endpoint) {
        }
    };

    /**
     * Called with a checked definition before it is stored; may amend it, or throw an
     * {@link ApiException} to refuse it (then nothing is stored).
     *
     * @return what to do once the endpoint is stored, or null for nothing
     */
    Runnable beforeSave(String endpoint, ObjectNode definition, boolean exists);

    /** Called after an endpoint was deleted. */
    void deleted(String endpoint);
}
