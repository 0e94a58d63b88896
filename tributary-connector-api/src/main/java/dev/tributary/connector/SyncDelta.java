package dev.tributary.connector;

import java.util.Objects;

/**
 * One change of one object, as a sync delivers it. Its rules are checked when it is built, so a
 * connector cannot hand the engine an inconsistent delta:
 * <ul>
 *   <li>every delta has a type, a token (resuming from it delivers exactly the deltas after this
 *       one), a concrete object class and a uid;</li>
 *   <li>the object is absent only for {@link SyncDeltaType#DELETE} (where it may be given);</li>
 *   <li>an object, when given, has the delta's uid and object class;</li>
 *   <li>{@code previousUid} (the uid before a rename) differs from the uid and is not used on a
 *       delete.</li>
 * </ul>
 */
public final class SyncDelta {

    private final SyncDeltaType type;
    private final SyncToken token;
    private final ObjectClass objectClass;
    private final Uid uid;
    private final Uid previousUid;
    private final ConnectorObject object;

    private SyncDelta(Builder builder) {
        this.type = require(builder.type, "type");
        this.token = require(builder.token, "token");
        this.uid = require(builder.uid, "uid");
        this.object = builder.object;
        this.objectClass = builder.objectClass != null ? builder.objectClass
                : object != null ? object.objectClass() : null;
        require(objectClass, "objectClass");
        this.previousUid = builder.previousUid;
        if (objectClass.isAll()) {
            throw new IllegalArgumentException("a delta names a concrete object class, not " + ObjectClass.ALL);
        }
        if (object == null && type != SyncDeltaType.DELETE) {
            throw new IllegalArgumentException("a " + type + " delta needs the object; only a DELETE may omit it");
        }
        if (object != null && !object.uid().equals(uid)) {
            throw new IllegalArgumentException("the delta's uid " + uid + " differs from its object's uid " + object.uid());
        }
        if (object != null && !object.objectClass().equals(objectClass)) {
            throw new IllegalArgumentException("the delta's object class " + objectClass
                    + " differs from its object's " + object.objectClass());
        }
        if (previousUid != null && previousUid.equals(uid)) {
            throw new IllegalArgumentException("previousUid must differ from the uid (" + uid + ")");
        }
        if (previousUid != null && type == SyncDeltaType.DELETE) {
            throw new IllegalArgumentException("a DELETE delta cannot carry a previousUid");
        }
    }

    private static <T> T require(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("a sync delta needs a " + name);
        }
        return value;
    }

    public static Builder builder() {
        return new Builder();
    }

    public SyncDeltaType type() {
        return type;
    }

    public SyncToken token() {
        return token;
    }

    public ObjectClass objectClass() {
        return objectClass;
    }

    public Uid uid() {
        return uid;
    }

    /** The uid before a rename, or null. */
    public Uid previousUid() {
        return previousUid;
    }

    /** The object after the change; null only for some deletes. */
    public ConnectorObject object() {
        return object;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyncDelta d && type == d.type && token.equals(d.token)
                && objectClass.equals(d.objectClass) && uid.equals(d.uid)
                && Objects.equals(previousUid, d.previousUid) && Objects.equals(object, d.object);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, token, objectClass, uid, previousUid);
    }

    @Override
    public String toString() {
        return "SyncDelta[" + type + " " + objectClass + " " + uid
                + (previousUid == null ? "" : " (was " + previousUid + ")") + " at " + token + "]";
    }

    /** Builds a {@link SyncDelta}; {@link #build()} checks the rules. */
    public static final class Builder {
        private SyncDeltaType type;
        private SyncToken token;
        private ObjectClass objectClass;
        private Uid uid;
        private Uid previousUid;
        private ConnectorObject object;

        private Builder() {
        }

        public Builder type(SyncDeltaType type) {
            this.type = type;
            return this;
        }

        public Builder token(SyncToken token) {
            this.token = token;
            return this;
        }

        /** The object class; taken from the object when not set. */
        public Builder objectClass(ObjectClass objectClass) {
            this.objectClass = objectClass;
            return this;
        }

        /** The uid; taken from the object when not set. */
        public Builder uid(Uid uid) {
            this.uid = uid;
            return this;
        }

        public Builder previousUid(Uid previousUid) {
            this.previousUid = previousUid;
            return this;
        }

        public Builder object(ConnectorObject object) {
            this.object = object;
            if (object != null && uid == null) {
                uid = object.uid();
            }
            return this;
        }

        public SyncDelta build() {
            return new SyncDelta(this);
        }
    }
}
