package dev.tributary.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Conflicts: parked ones waiting for a person, and every decision a policy made. */
public final class Conflicts {

    static final String COLUMNS = "id, link, record_id, uid, state, policy, decision, hub_data, endpoint_data,"
            + " endpoint_version, detail, created_at, resolved_at, base_data";

    private final Database database;

    Conflicts(Database database) {
        this.database = database;
    }

    public Optional<ConflictRecord> get(String id) {
        return database.read(connection -> Rows.one(connection, Conflicts::read,
                "SELECT " + COLUMNS + " FROM conflicts WHERE id = ?", id));
    }

    /** Conflicts, newest first, optionally in one state and of one link. */
    public List<ConflictRecord> list(ConflictState state, String link, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM conflicts WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (state != null) {
            sql.append(" AND state = ?");
            values.add(state.label());
        }
        if (link != null) {
            sql.append(" AND link = ?");
            values.add(link);
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ?");
        values.add(limit);
        return database.read(connection -> Rows.query(connection, Conflicts::read, sql.toString(), values.toArray()));
    }

    /**
     * Which of {@code recordIds} have an unsettled conflict of {@code link} — parked ({@code open})
     * or refused by the endpoint ({@code rejected}) — however many there are: the states by record.
     */
    public java.util.Map<String, java.util.Set<ConflictState>> unsettled(String link, java.util.Collection<String> recordIds) {
        java.util.Map<String, java.util.Set<ConflictState>> states = new java.util.HashMap<>();
        List<String> all = new ArrayList<>(recordIds);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            Object[] values = new Object[chunk.size() + 1];
            values[0] = link;
            for (int i = 0; i < chunk.size(); i++) {
                values[i + 1] = chunk.get(i);
            }
            database.read(connection -> Rows.query(connection, row -> states.computeIfAbsent(row.getString(1),
                    id -> java.util.EnumSet.noneOf(ConflictState.class)).add(ConflictState.parse(row.getString(2))),
                    "SELECT DISTINCT record_id, state FROM conflicts WHERE link = ? AND state IN ('open', 'rejected')"
                            + " AND record_id IN (" + String.join(",", java.util.Collections.nCopies(chunk.size(), "?")) + ")",
                    values));
        }
        return states;
    }

    static ConflictRecord read(ResultSet row) throws SQLException {
        return new ConflictRecord(row.getString(1), row.getString(2), row.getString(3), row.getString(4), ConflictState.parse(row.getString(5)),
                row.getString(6), row.getString(7), row.getString(8), row.getString(9), row.getString(10),
                row.getString(11), Rows.instant(row, "created_at"), Rows.instant(row, "resolved_at"), row.getString(14));
    }
}
