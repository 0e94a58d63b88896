package dev.tributary.server;

/**
 * An HTTP error with its status, its camelCase reason and a message for people. Handlers throw
 * it; {@link ErrorMapper} turns it into the JSON error body.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String reason;
    private final java.util.List<String> problems;
    private int retryAfter = -1;

    public ApiException(int status, String reason, String message) {
        this(status, reason, message, java.util.List.of());
    }

    public ApiException(int status, String reason, String message, java.util.List<String> problems) {
        super(message);
        this.status = status;
        this.reason = reason;
        this.problems = java.util.List.copyOf(problems);
    }

    /** Asks the client to retry after this many seconds (the {@code Retry-After} header); this exception. */
    public ApiException retryAfter(int seconds) {
        this.retryAfter = seconds;
        return this;
    }

    /** Seconds for {@code Retry-After}, or -1 for none. */
    public int retryAfterSeconds() {
        return retryAfter;
    }

    /** The error as the JSON body shows it: {@code {"error": {"code", "reason", "message"}}}. */
    public String json() {
        com.fasterxml.jackson.databind.node.ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("error").put("code", status).put("reason", reason).put("message", getMessage());
        return body.toString();
    }

    /** Every problem found, when a definition was refused; shown as {@code error.problems}. */
    public java.util.List<String> problems() {
        return problems;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "badRequest", message);
    }

    public static ApiException invalidSyncToken(String message) {
        return new ApiException(400, "invalidSyncToken", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "notFound", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    public static ApiException fullSyncRequired(String message) {
        return new ApiException(410, "fullSyncRequired", message);
    }

    public static ApiException conditionNotMet(String message) {
        return new ApiException(412, "conditionNotMet", message);
    }

    /** Another system the hub needed for the request (an External System Adapter, say) failed or is unreachable. */
    public static ApiException badGateway(String message) {
        return new ApiException(502, "badGateway", message);
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, "payloadTooLarge", message);
    }
}
