package dev.tributary.sdata;

/** A request SData refuses, with the HTTP status and the message of its {@code sdata:diagnosis}. */
public class SDataException extends RuntimeException {

    private final int status;

    public SDataException(int status, String message) {
        super(message);
        this.status = status;
    }

    public static SDataException badRequest(String message) {
        return new SDataException(400, message);
    }

    public int status() {
        return status;
    }
}
