package dev.tributary.connector;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a change written to a connector came from, as far as the hub knows: its source (such as
 * {@code endpoint:crm}, {@code offline:<token id>} or {@code http:<token id>}) and the parameters it came
 * with — for a change uploaded by an offline app, the upload parameters of its object service
 * ({@code SiteID=north-7}). A connector may use them, for example to route a write.
 *
 * @param source the source, or empty when unknown
 * @param parameters the parameters, by name
 */
public record ChangeOrigin(String source, Map<String, String> parameters) {

    /** Nothing known. */
    public static final ChangeOrigin NONE = new ChangeOrigin("", Map.of());

    public ChangeOrigin {
        Objects.requireNonNull(source, "source");
        parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
    }

    /** Reads the hub's form, {@code source?name=value&name=value} (values URL-encoded); null gives {@link #NONE}. */
    public static ChangeOrigin parse(String text) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        int query = text.indexOf('?');
        if (query < 0) {
            return new ChangeOrigin(text, Map.of());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : text.substring(query + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.put(name, value);
        }
        return new ChangeOrigin(text.substring(0, query), parameters);
    }
}
