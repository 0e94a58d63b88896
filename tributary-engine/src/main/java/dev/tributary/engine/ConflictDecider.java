package dev.tributary.engine;

import dev.tributary.connector.ClockOp;
import dev.tributary.store.StoreTransaction;
import dev.tributary.store.StoredRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Who wins a conflict under the link's policy, and the times {@code lastWriterWins} compares: the
 * hub's (when its current version reached the hub, or the source time another link kept with it)
 * and the endpoint's ({@code timestampField}, corrected by the clock shift measured once per pass).
 */
final class ConflictDecider extends LinkRunPart {

    private Duration clockShift = Duration.ZERO;

    ConflictDecider(LinkRun.Context context) {
        super(context);
    }

    /**
     * The clock shift (endpoint minus hub), measured once per pass when the link reads the
     * endpoint's change times (a {@code timestampField}): lastWriterWins compares them, and they
     * are kept with the hub versions they produce.
     */
    void measureClockShift() {
        if (link.timestampField() != null && connector.supports(ClockOp.class)) {
            Instant before = clock.instant();
            Instant theirs = connector.currentTime();
            Instant after = clock.instant();
            Instant ours = before.plus(Duration.between(before, after).dividedBy(2));
            clockShift = Duration.between(ours, theirs);
        }
    }

    Duration clockShift() {
        return clockShift;
    }

    /**
     * When the hub's current version of a record changed: the source time stored with it (the
     * time an endpoint gave the change, corrected to hub time) or, without one, when the version
     * reached the hub.
     */
    Instant hubTime(StoreTransaction tx, StoredRecord record) {
        return tx.changeTimes(link.collection(), Map.of(record.id(), record.version())).getOrDefault(record.id(),
                record.updated());
    }

    /** The change time an endpoint gives an object, in hub time; null when it gives none. */
    Instant sourceTime(Map<String, Object> fields) {
        if (link.timestampField() == null) {
            return null;
        }
        Instant time = DataMapping.time(fields.get(link.timestampField()));
        return time == null ? null : time.minus(clockShift);
    }

    /**
     * Who wins by the policy: the hub, the endpoint, or null to park. For lastWriterWins the hub's
     * time is its current version's change time ({@link #hubTime}); the endpoint's is its
     * timestamp field, corrected by the clock shift; a side without a time (a deletion) counts as
     * happening now. On equal times the hub's side stays.
     */
    Side decide(Instant hubTime, Object endpointTimeField) {
        return switch (link.conflictPolicy()) {
            case HUB_WINS -> Side.HUB;
            case ENDPOINT_WINS -> Side.ENDPOINT;
            case MANUAL -> null;
            case LAST_WRITER_WINS -> {
                Instant now = clock.instant();
                Instant endpointTime = DataMapping.time(endpointTimeField);
                Instant theirs = endpointTime == null ? now : endpointTime.minus(clockShift);
                Instant ours = hubTime == null ? now : hubTime;
                yield theirs.isAfter(ours) ? Side.ENDPOINT : Side.HUB;
            }
        };
    }
}
