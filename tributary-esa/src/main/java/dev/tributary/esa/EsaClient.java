package dev.tributary.esa;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends calls over HTTP and returns the answers: each call is one POST of one {@code <sync>}
 * document; the answer is the response body, read up to the size limit, validated, and checked to
 * answer that call. Used by the hub to call ESAs and by ESAs to call the Helper API.
 */
public final class EsaClient {

    /** Thrown when the other side cannot be reached or answers with an HTTP error. */
    public static final class TransportException extends RuntimeException {
        public TransportException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final AtomicLong CALLS = new AtomicLong();

    private final HttpClient http;
    private final URI uri;
    private final String bearer;
    private final Duration timeout;
    private final int maxBytes;
    private final String prefix;

    /**
     * @param uri where to POST
     * @param bearer sent as {@code Authorization: Bearer …}, or null
     * @param timeout for each call
     * @param maxBytes the largest answer accepted
     */
    public EsaClient(URI uri, String bearer, Duration timeout, int maxBytes) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.uri = uri;
        this.bearer = bearer;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.prefix = Long.toString(System.nanoTime() & 0xffffff, 36) + "-";
    }

    public URI uri() {
        return uri;
    }

    /** Calls an ESA and returns the answer's {@code <result>}; a fault is thrown as {@link EsaFault}. */
    public XmlNode callEsa(XmlNode call) {
        return call(EsaMessage.Kind.ESA_CALL, call);
    }

    /** Calls the Helper API and returns the answer's {@code <result>}; a fault is thrown as {@link EsaFault}. */
    public XmlNode callHelper(XmlNode call) {
        return call(EsaMessage.Kind.API_CALL, call);
    }

    /**
     * The answer's bytes, up to one more than the limit. With its length given (and within the
     * limit) into an array of that size: a page of records is a megabyte, and reading it in pieces
     * copied it twice more.
     */
    private byte[] read(InputStream in, long length) throws IOException {
        if (length < 0 || length > maxBytes) {
            return in.readNBytes(maxBytes + 1);
        }
        byte[] body = new byte[(int) length];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
            throw new IOException("the answer ended after " + read + " of its " + length + " bytes");
        }
        return body;
    }

    private XmlNode call(EsaMessage.Kind kind, XmlNode call) {
        String callId = prefix + CALLS.incrementAndGet();
        EsaMessage message = new EsaMessage(kind, callId, call);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(message.write()));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = read(in, response.headers().firstValueAsLong("Content-Length").orElse(-1));
            }
        } catch (IOException e) {
            throw new TransportException("cannot reach " + uri + " for " + call.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while calling " + call.name() + " at " + uri, e);
        }
        if (body.length > maxBytes) {
            throw new EsaProtocolException("the answer to " + call.name() + " is larger than " + maxBytes + " bytes");
        }
        EsaMessage answer;
        try {
            answer = EsaMessage.parse(body, maxBytes);
        } catch (EsaProtocolException e) {
            if (response.statusCode() >= 400) {
                throw new TransportException(uri + " answered " + call.name() + " with HTTP " + response.statusCode(), e);
            }
            throw new EsaProtocolException("bad answer to " + call.name() + ": " + e.getMessage(), e);
        }
        XmlNode result = answer.answering(callId);
        EsaAnswers.check(kind, call.name(), result);
        return result;
    }
}
