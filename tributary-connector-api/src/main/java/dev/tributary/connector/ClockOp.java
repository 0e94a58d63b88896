package dev.tributary.connector;

import java.time.Instant;

/**
 * The external system's current time. The engine compares it with its own clock to correct the
 * control timestamps it exchanges with the system (never the values of date fields).
 */
public interface ClockOp {

    Instant currentTime();
}
