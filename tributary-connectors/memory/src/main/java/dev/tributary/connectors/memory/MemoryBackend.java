package dev.tributary.connectors.memory;

import dev.tributary.connector.AlreadyExistsException;
import dev.tributary.connector.ConnectorObject;
import dev.tributary.connector.FieldValues;
import dev.tributary.connector.ObjectClass;
import dev.tributary.connector.SyncDeltaType;
import dev.tributary.connector.Uid;
import dev.tributary.connector.UnknownUidException;
import dev.tributary.connector.VersionConflictException;
import dev.tributary.connector.VersionedUid;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The "external system" behind memory connectors: objects per class and a journal of every
 * change, shared by name so that a test (or the engine's simulation) can change it behind the
 * connector's back, and so that several connectors can see one system.
 *
 * <p>Each change gets the next journal position; an object's version is the position of its
 * latest change. All methods are synchronized: the backend is a tiny, strictly serial database.
 */
public final class MemoryBackend {

    private static final ConcurrentHashMap<String, MemoryBackend> BACKENDS = new ConcurrentHashMap<>();

    /** One change in the journal. {@code object} is null for deletions. */
    public record Change(long position, SyncDeltaType type, ObjectClass objectClass, Uid uid, Uid previousUid,
            ConnectorObject object) {
    }

    private final String name;
    private final Map<ObjectClass, TreeMap<String, ConnectorObject>> objects = new LinkedHashMap<>();
    private final List<Change> journal = new ArrayList<>();
    private final MemoryFaults faults = new MemoryFaults();
    private long head;
    private long journalStart;
    private long generatedUids;
    private Clock clock = Clock.systemUTC();

    private MemoryBackend(String name) {
        this.name = name;
    }

    /** The backend of this name, created empty on first use. */
    public static MemoryBackend named(String name) {
        return BACKENDS.computeIfAbsent(name, MemoryBackend::new);
    }

    /** Forgets the backend of this name. */
    public static void drop(String name) {
        BACKENDS.remove(name);
    }

    public String name() {
        return name;
    }

    /** Faults to inject into connectors using this backend. */
    public MemoryFaults faults() {
        return faults;
    }

    /** The clock the system's {@code currentTime} reads. */
    public synchronized Clock clock() {
        return clock;
    }

    public synchronized void setClock(Clock clock) {
        this.clock = clock;
    }

    private TreeMap<String, ConnectorObject> of(ObjectClass objectClass) {
        return objects.computeIfAbsent(objectClass, c -> new TreeMap<>());
    }

    /** Creates an object; {@code uid} null lets the backend choose one. */
    private final Map<String, dev.tributary.connector.ChangeOrigin> origins = new java.util.HashMap<>();

    /** Remembers where the last write of an object came from (as the hub said). */
    synchronized void noteOrigin(ObjectClass objectClass, String uid, dev.tributary.connector.ChangeOrigin origin) {
        origins.put(objectClass.name() + "/" + uid, origin);
    }

    /** Where the last write of an object through the connector came from; NONE if unknown. */
    public synchronized dev.tributary.connector.ChangeOrigin lastOrigin(ObjectClass objectClass, String uid) {
        return origins.getOrDefault(objectClass.name() + "/" + uid, dev.tributary.connector.ChangeOrigin.NONE);
    }

    public synchronized VersionedUid create(ObjectClass objectClass, String uid, Map<String, ?> fields) {
        String id = uid != null ? uid : "m" + (++generatedUids);
        while (uid == null && of(objectClass).containsKey(id)) {
            id = "m" + (++generatedUids);
        }
        if (of(objectClass).containsKey(id)) {
            throw new AlreadyExistsException(objectClass, new Uid(id));
        }
        long position = ++head;
        ConnectorObject object = new ConnectorObject(objectClass, new Uid(id), Long.toString(position),
                FieldValues.copyOf(fields));
        of(objectClass).put(id, object);
        journal.add(new Change(position, SyncDeltaType.CREATE, objectClass, object.uid(), null, object));
        return new VersionedUid(object.uid(), object.version());
    }

    /** Sets the given fields (null clears one), if the version is still {@code expectedVersion} (null: any). */
    public synchronized VersionedUid update(ObjectClass objectClass, Uid uid, String expectedVersion,
            Map<String, ?> fields) {
        ConnectorObject current = existing(objectClass, uid, expectedVersion);
        Map<String, Object> merged = new LinkedHashMap<>(current.fields());
        for (Map.Entry<String, ?> field : FieldValues.copyOf(fields).entrySet()) {
            if (field.getValue() == null) {
                merged.remove(field.getKey());
            } else {
                merged.put(field.getKey(), field.getValue());
            }
        }
        long position = ++head;
        ConnectorObject object = new ConnectorObject(objectClass, uid, Long.toString(position), merged);
        of(objectClass).put(uid.value(), object);
        journal.add(new Change(position, SyncDeltaType.UPDATE, objectClass, uid, null, object));
        return new VersionedUid(uid, object.version());
    }

    /** Gives an object a new uid; the journal records it as an update with the previous uid. */
    public synchronized VersionedUid rename(ObjectClass objectClass, Uid uid, String newUid) {
        ConnectorObject current = existing(objectClass, uid, null);
        if (of(objectClass).containsKey(newUid)) {
            throw new AlreadyExistsException(objectClass, new Uid(newUid));
        }
        long position = ++head;
        ConnectorObject object = new ConnectorObject(objectClass, new Uid(newUid), Long.toString(position),
                current.fields());
        of(objectClass).remove(uid.value());
        of(objectClass).put(newUid, object);
        journal.add(new Change(position, SyncDeltaType.UPDATE, objectClass, object.uid(), uid, object));
        return new VersionedUid(object.uid(), object.version());
    }

    /** Deletes an object, if the version is still {@code expectedVersion} (null: any). */
    public synchronized void delete(ObjectClass objectClass, Uid uid, String expectedVersion) {
        existing(objectClass, uid, expectedVersion);
        long position = ++head;
        of(objectClass).remove(uid.value());
        journal.add(new Change(position, SyncDeltaType.DELETE, objectClass, uid, null, null));
    }

    private ConnectorObject existing(ObjectClass objectClass, Uid uid, String expectedVersion) {
        ConnectorObject current = of(objectClass).get(uid.value());
        if (current == null) {
            throw new UnknownUidException(objectClass, uid);
        }
        if (expectedVersion != null && !expectedVersion.equals(current.version())) {
            throw new VersionConflictException(uid, expectedVersion, current.version());
        }
        return current;
    }

    public synchronized Optional<ConnectorObject> get(ObjectClass objectClass, Uid uid) {
        return Optional.ofNullable(of(objectClass).get(uid.value()));
    }

    /** Up to {@code limit} objects with uids after {@code afterUid} (null: from the first), by uid. */
    public synchronized List<ConnectorObject> list(ObjectClass objectClass, String afterUid, int limit) {
        var tail = afterUid == null ? of(objectClass) : of(objectClass).tailMap(afterUid, false);
        return tail.values().stream().limit(limit).toList();
    }

    /** Every object of the class, by uid. */
    public synchronized List<ConnectorObject> all(ObjectClass objectClass) {
        return List.copyOf(of(objectClass).values());
    }

    /** The journal after {@code position}; throws if part of it was truncated away. */
    public synchronized List<Change> changesAfter(long position) {
        if (position < journalStart) {
            throw new IllegalStateException("truncated");
        }
        List<Change> after = new ArrayList<>();
        for (Change change : journal) {
            if (change.position() > position) {
                after.add(change);
            }
        }
        return after;
    }

    /** Whether the journal still holds everything after {@code position}. */
    public synchronized boolean keepsHistoryAfter(long position) {
        return position >= journalStart;
    }

    /** The position of the latest change (0 when there is none). */
    public synchronized long head() {
        return head;
    }

    /** Forgets the journal up to the head, as a system with limited history would: older tokens become invalid. */
    public synchronized void truncateJournal() {
        journal.clear();
        journalStart = head;
    }
}
