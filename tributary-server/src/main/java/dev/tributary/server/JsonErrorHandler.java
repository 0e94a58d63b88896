package dev.tributary.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that the web server answers before a route runs — a target it cannot decode (a NUL in
 * the path), a URL or headers too long — in the hub's JSON error format, never as server HTML and
 * never with the server's own text (it can name classes).
 */
final class JsonErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int code = request.getAttribute(ERROR_STATUS) instanceof Integer status ? status : response.getStatus();
        if (code < 400) {
            code = 500;
        }
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        return ByteBuffer.wrap(body(status));
    }

    static byte[] body(int code) {
        String reason = ErrorMapper.reason(code);
        String message = switch (code) {
            case 400 -> "the request is malformed: its target or headers cannot be read (a NUL or an undecodable"
                    + " escape in the path, say)";
            case 404 -> "no such endpoint";
            case 414 -> "the request's URL is too long; send long values in a body";
            case 431 -> "the request's headers are too large";
            default -> code >= 500 ? "the hub failed to complete the request; see its log" : "the request was refused";
        };
        return ("{\"error\":{\"code\":" + code + ",\"reason\":\"" + reason + "\",\"message\":\"" + message + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
