package dev.tributary.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * JSON in and out of the HTTP API: one strictly configured mapper, bounded request bodies,
 * malformed input reported with its line and column.
 */
public final class Json {

    /** Deepest nesting accepted in a request body. */
    public static final int MAX_DEPTH = 128;

    /** The longest number accepted, in characters: one limit for every way in (SData and ESA have the same). */
    public static final int MAX_NUMBER_LENGTH = 100;

    /** The mapper: duplicate keys, trailing content and over-deep nesting are errors. */
    public static final ObjectMapper MAPPER = createMapper();

    private Json() {
    }

    private static ObjectMapper createMapper() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        return mapper;
    }

    /**
     * Reads the request body, refusing more than {@code limit} bytes (413) — by its declared length
     * before anything is read, and by counting while reading.
     */
    public static byte[] readBody(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) != -1) {
                total += read;
                if (total > limit) {
                    throw tooLarge(limit);
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw ApiException.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(long limit) {
        return ApiException.payloadTooLarge("the request body is larger than the limit of " + limit
                + " bytes; send fewer or smaller records per request");
    }

    /** Parses a body that must be one JSON object. */
    public static ObjectNode readObject(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send a JSON object");
        }
        JsonNode node = parse(body);
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("the request body must be a JSON object, not "
                    + describe(node));
        }
        return object;
    }

    private static JsonNode parse(byte[] body) {
        try (JsonParser parser = MAPPER.createParser(body)) {
            return MAPPER.readTree(parser);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String position = where == null ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw ApiException.badRequest("malformed JSON" + position + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short description of a JSON node's type, for messages. */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * A JSON value as the filter language sees it: text, number, boolean, or null (also for a
     * missing field); objects and lists are returned as they are (no comparison matches them).
     */
    public static Object plainValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node;
    }

    /** Compact JSON text of a node. */
    public static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Writes a JSON response built by {@code body}. */
    public static void respond(Context ctx, int status, JsonBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.status(status).contentType("application/json; charset=utf-8").result(out.toByteArray());
    }

    /**
     * Writes a response as it is generated, straight to the client, without holding it whole in
     * memory (for pages of records). The status and type are sent first, so the body must not fail
     * for a reason the client should hear as an error status.
     */
    public static void stream(Context ctx, int status, JsonBody body) {
        ctx.status(status).contentType("application/json; charset=utf-8");
        try (JsonGenerator generator = MAPPER.getFactory().createGenerator(ctx.outputStream())) {
            body.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads data the store holds: already checked on the way in, so only the usual parser limits apply. */
    public static JsonNode readStored(byte[] data) throws IOException {
        return STORED.readTree(data);
    }

    private static final ObjectMapper STORED = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(10_000).build()).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Writes one JSON value. */
    @FunctionalInterface
    public interface JsonBody {
        void write(JsonGenerator generator) throws IOException;
    }
}
