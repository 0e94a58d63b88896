-- Tributary store, PostgreSQL dialect, version 10: when record versions changed at their source.

-- A record version that came from an endpoint carrying a last-modified time (a link's
-- timestampField) keeps that time here, corrected to hub time by the endpoint's clock shift.
-- lastWriterWins compares it, instead of when the version reached the hub, so the result does
-- not depend on which link ran first. Only the current version's time matters: a row whose
-- version is not the record's current one is ignored.
CREATE TABLE change_times (
    collection TEXT    NOT NULL,
    record_id  TEXT    NOT NULL,
    version    BIGINT NOT NULL,
    changed_at BIGINT NOT NULL, -- microseconds since the epoch, hub time
    PRIMARY KEY (collection, record_id)
);
