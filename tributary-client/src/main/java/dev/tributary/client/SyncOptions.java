package dev.tributary.client;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Options of {@code startSync}, built with {@link #builder()} or read from the map shape of the
 * Volt MX offline-objects API with {@link #fromMap}:
 *
 * <pre>{@code
 * {"syncMode": "parallel",
 *  "objectServicesOptions": {"Inspections": {"filter": {"Task": "done eq false"}, "downloadBatchSize": "200",
 *                                            "uploadBatchSize": "50", "syncType": "fullSync",
 *                                            "getSyncStats": "true", "uploadRequestQueryParams": {"SiteID": "2"}}}}
 * }</pre>
 *
 * @param mode parallel (the default) or sequential across object services
 * @param services options per object service; services not named use the defaults
 */
public record SyncOptions(Mode mode, Map<String, ServiceOptions> services) {

    /** How object services are synced relative to each other. */
    public enum Mode { PARALLEL, SEQUENTIAL }

    /**
     * What a sync of one service does: upload pending changes, then download (full sync); only
     * upload; or only download — which still first settles upload requests an earlier sync left
     * unanswered (their changes may already be on the hub), but sends no new changes.
     */
    public enum SyncType { FULL_SYNC, UPLOAD_ONLY, DOWNLOAD_ONLY }

    /** Records per page of a download when none is asked for. */
    public static final int DEFAULT_DOWNLOAD_BATCH = 500;
    /** Changes per upload request when none is asked for. */
    public static final int DEFAULT_UPLOAD_BATCH = 50;
    /** The hub's largest page and upload. */
    public static final int MAX_BATCH = 1000;

    /**
     * Options of one object service.
     *
     * @param filters a filter expression per object, applied to the download
     * @param downloadBatchSize records per download page; 0 means as many as the hub gives (2,500)
     * @param uploadBatchSize changes per upload request (at most 1,000)
     * @param syncType full sync, upload only, or download only
     * @param getSyncStats whether the result carries stats
     * @param uploadRequestQueryParams parameters sent with each upload
     */
    public record ServiceOptions(Map<String, String> filters, int downloadBatchSize, int uploadBatchSize,
            SyncType syncType, boolean getSyncStats, Map<String, String> uploadRequestQueryParams) {

        public static final ServiceOptions DEFAULTS = new ServiceOptions(Map.of(), DEFAULT_DOWNLOAD_BATCH,
                DEFAULT_UPLOAD_BATCH, SyncType.FULL_SYNC, false, Map.of());

        /** The page size to ask the hub for. */
        int pageSize() {
            return downloadBatchSize == 0 ? 2500 : downloadBatchSize;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SyncOptions}. */
    public static final class Builder {
        private Mode mode = Mode.PARALLEL;
        private final Map<String, ServiceOptions> services = new LinkedHashMap<>();

        public Builder mode(Mode syncMode) {
            this.mode = syncMode;
            return this;
        }

        public Builder service(String name, ServiceOptions options) {
            services.put(name, options);
            return this;
        }

        /** Options for a service, starting from the defaults. */
        public Builder service(String name, java.util.function.UnaryOperator<ServiceBuilder> options) {
            services.put(name, options.apply(new ServiceBuilder()).build());
            return this;
        }

        public SyncOptions build() {
            return new SyncOptions(mode, Map.copyOf(services));
        }
    }

    /** Builds {@link ServiceOptions}. */
    public static final class ServiceBuilder {
        private final Map<String, String> filters = new LinkedHashMap<>();
        private int downloadBatchSize = DEFAULT_DOWNLOAD_BATCH;
        private int uploadBatchSize = DEFAULT_UPLOAD_BATCH;
        private SyncType syncType = SyncType.FULL_SYNC;
        private boolean getSyncStats;
        private final Map<String, String> parameters = new LinkedHashMap<>();

        public ServiceBuilder filter(String object, String expression) {
            filters.put(object, expression);
            return this;
        }

        public ServiceBuilder downloadBatchSize(int size) {
            downloadBatchSize = size;
            return this;
        }

        public ServiceBuilder uploadBatchSize(int size) {
            uploadBatchSize = size;
            return this;
        }

        public ServiceBuilder syncType(SyncType type) {
            syncType = type;
            return this;
        }

        public ServiceBuilder getSyncStats(boolean stats) {
            getSyncStats = stats;
            return this;
        }

        public ServiceBuilder uploadParameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        public ServiceOptions build() {
            if (downloadBatchSize < 0 || downloadBatchSize > 2500) {
                throw new IllegalArgumentException("downloadBatchSize must be from 0 (all) to 2500, not " + downloadBatchSize);
            }
            int upload = uploadBatchSize <= 0 ? DEFAULT_UPLOAD_BATCH : uploadBatchSize;
            if (upload > MAX_BATCH) {
                throw new IllegalArgumentException("uploadBatchSize must be at most " + MAX_BATCH + ", not " + upload);
            }
            return new ServiceOptions(Map.copyOf(filters), downloadBatchSize, upload, syncType, getSyncStats,
                    Map.copyOf(parameters));
        }
    }

    private static final Set<String> TOP_LEVEL = Set.of("syncMode", "objectServicesOptions");
    private static final Set<String> PER_SERVICE = Set.of("filter", "downloadBatchSize", "uploadBatchSize", "syncType",
            "getSyncStats", "uploadRequestQueryParams");

    /**
     * Reads options in the map shape; values may be strings ({@code "100"}, {@code "true"}), as the
     * mobile SDKs send them.
     *
     * @throws IllegalArgumentException naming the unknown mode, sync type or option
     */
    public static SyncOptions fromMap(Map<String, ?> options) {
        Builder builder = builder();
        if (options == null) {
            return builder.build();
        }
        for (String key : options.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new IllegalArgumentException("unknown sync option '" + key + "'; use syncMode and objectServicesOptions");
            }
        }
        Object mode = options.get("syncMode");
        if (mode != null) {
            builder.mode(switch (mode.toString().toLowerCase(Locale.ROOT)) {
                case "parallel" -> Mode.PARALLEL;
                case "sequential" -> Mode.SEQUENTIAL;
                default -> throw new IllegalArgumentException("unknown syncMode '" + mode + "'; use parallel or sequential");
            });
        }
        Object services = options.get("objectServicesOptions");
        if (services != null) {
            if (!(services instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("objectServicesOptions must map service names to their options");
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String service = String.valueOf(entry.getKey()).strip();
                if (!(entry.getValue() instanceof Map<?, ?> serviceOptions)) {
                    throw new IllegalArgumentException("the options of service '" + service + "' must be a map");
                }
                builder.service(service, parseService(service, serviceOptions));
            }
        }
        return builder.build();
    }

    private static ServiceOptions parseService(String service, Map<?, ?> options) {
        ServiceBuilder builder = new ServiceBuilder();
        for (Map.Entry<?, ?> entry : options.entrySet()) {
            String key = String.valueOf(entry.getKey());
            Object value = entry.getValue();
            String where = "service '" + service + "': ";
            switch (key) {
                case "filter" -> {
                    if (!(value instanceof Map<?, ?> filters)) {
                        throw new IllegalArgumentException(where + "filter must map object names to filter expressions");
                    }
                    filters.forEach((object, expression) -> builder.filter(String.valueOf(object), String.valueOf(expression)));
                }
                case "downloadBatchSize" -> builder.downloadBatchSize(number(where + key, value));
                case "uploadBatchSize" -> builder.uploadBatchSize(number(where + key, value));
                case "syncType" -> builder.syncType(switch (String.valueOf(value)) {
                    case "fullSync" -> SyncType.FULL_SYNC;
                    case "uploadOnly" -> SyncType.UPLOAD_ONLY;
                    case "downloadOnly" -> SyncType.DOWNLOAD_ONLY;
                    default -> throw new IllegalArgumentException(where + "unknown syncType '" + value
                            + "'; use fullSync, uploadOnly or downloadOnly");
                });
                case "getSyncStats" -> builder.getSyncStats(Boolean.parseBoolean(String.valueOf(value)));
                case "uploadRequestQueryParams" -> {
                    if (!(value instanceof Map<?, ?> parameters)) {
                        throw new IllegalArgumentException(where + "uploadRequestQueryParams must be a map");
                    }
                    parameters.forEach((name, text) -> builder.uploadParameter(String.valueOf(name), String.valueOf(text)));
                }
                default -> throw new IllegalArgumentException(where + "unknown option '" + key + "'; use "
                        + String.join(", ", new java.util.TreeSet<>(PER_SERVICE)));
            }
        }
        return builder.build();
    }

    private static int number(String what, Object value) {
        try {
            return value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, not '" + value + "'");
        }
    }

    /** The options of a service (the defaults when it has none). */
    public ServiceOptions of(String service) {
        return services.getOrDefault(service, ServiceOptions.DEFAULTS);
    }
}
