package dev.tributary.engine.sdata;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.store.SDataResources;

/** How a resource kind appears in SData documents, and how its records' stored JSON is read (decimals exact). */
public final class SDataNames {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

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
