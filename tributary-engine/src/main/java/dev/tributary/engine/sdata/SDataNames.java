package dev.tributary.engine.sdata;

import dev.tributary.store.SDataResources;

/** How a resource kind appears in SData documents. */
public final class SDataNames {

    private SDataNames() {
    }

    /** The XML namespace of a resource kind's payloads. */
    public static String contractNamespace(SDataResources.Resource resource) {
        return "http://schemas.tributary.dev/sdata/" + resource.app() + "/" + resource.contract();
    }

    /** The payload element of a resource kind's records. */
    public static String element(SDataResources.Resource resource) {
        return resource.resource();
    }
}
