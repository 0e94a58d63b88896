package dev.tributary.connectors.connidbundle;

import dev.tributary.connectors.jdbc.JdbcConnectorProvider;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.identityconnectors.common.security.GuardedString;
import org.identityconnectors.framework.spi.AbstractConfiguration;
import org.identityconnectors.framework.spi.ConfigurationProperty;

/**
 * The settings of Tributary's JDBC connector as ConnId configuration properties. They carry the
 * same names, meanings and defaults as the connector's own settings (an unset property takes the
 * connector's default), and {@link #validate()} runs the connector's own validation, so a
 * ConnId client sees every problem at once, worded as the hub words it.
 */
public class TributaryJdbcConfiguration extends AbstractConfiguration {

    private String url;
    private String user;
    private GuardedString password;
    private String[] tables;
    private String keyColumn;
    private String changeDetection;
    private String changeColumn;
    private String deletion;
    private String softDeleteColumn;
    private String counter;
    private String timestampLag;
    private Integer batchSize;
    private String keyGeneration;
    private Boolean installTriggers;
    private Boolean reportRevisions;

    @Override
    public void validate() {
        SpiConnectorAdapter.validate(new JdbcConnectorProvider().create(), settings());
    }

    /** The connector's settings: every property that is set, by its setting name. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        put(settings, "url", url);
        put(settings, "user", user);
        if (password != null) {
            StringBuilder text = new StringBuilder();
            password.access(chars -> text.append(chars));
            settings.put("password", text.toString());
        }
        if (tables != null) {
            settings.put("tables", Arrays.stream(tables).map(String::strip).filter(t -> !t.isEmpty()).toList());
        }
        put(settings, "keyColumn", keyColumn);
        put(settings, "changeDetection", changeDetection);
        put(settings, "changeColumn", changeColumn);
        put(settings, "deletion", deletion);
        put(settings, "softDeleteColumn", softDeleteColumn);
        put(settings, "counter", counter);
        put(settings, "timestampLag", timestampLag);
        put(settings, "batchSize", batchSize);
        put(settings, "keyGeneration", keyGeneration);
        put(settings, "installTriggers", installTriggers);
        return settings;
    }

    private static void put(Map<String, Object> settings, String name, Object value) {
        if (value != null && !(value instanceof String text && text.isBlank())) {
            settings.put(name, value);
        }
    }

    /** The key column's name as the connector will use it. */
    String effectiveKeyColumn() {
        return keyColumn == null || keyColumn.isBlank() ? "id" : keyColumn.strip();
    }

    @ConfigurationProperty(order = 1, required = true, displayMessageKey = "url.display", helpMessageKey = "url.help")
    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    @ConfigurationProperty(order = 2, displayMessageKey = "user.display", helpMessageKey = "user.help")
    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    @ConfigurationProperty(order = 3, confidential = true, displayMessageKey = "password.display",
            helpMessageKey = "password.help")
    public GuardedString getPassword() {
        return password;
    }

    public void setPassword(GuardedString password) {
        this.password = password;
    }

    @ConfigurationProperty(order = 4, required = true, displayMessageKey = "tables.display", helpMessageKey = "tables.help")
    public String[] getTables() {
        return tables == null ? null : tables.clone();
    }

    public void setTables(String[] tables) {
        this.tables = tables == null ? null : tables.clone();
    }

    @ConfigurationProperty(order = 5, displayMessageKey = "keyColumn.display", helpMessageKey = "keyColumn.help")
    public String getKeyColumn() {
        return keyColumn;
    }

    public void setKeyColumn(String keyColumn) {
        this.keyColumn = keyColumn;
    }

    @ConfigurationProperty(order = 6, allowedValues = {"changeLog", "timestamp"},
            displayMessageKey = "changeDetection.display", helpMessageKey = "changeDetection.help")
    public String getChangeDetection() {
        return changeDetection;
    }

    public void setChangeDetection(String changeDetection) {
        this.changeDetection = changeDetection;
    }

    @ConfigurationProperty(order = 7, displayMessageKey = "changeColumn.display", helpMessageKey = "changeColumn.help")
    public String getChangeColumn() {
        return changeColumn;
    }

    public void setChangeColumn(String changeColumn) {
        this.changeColumn = changeColumn;
    }

    @ConfigurationProperty(order = 8, allowedValues = {"trackingTable", "softDelete", "none"},
            displayMessageKey = "deletion.display", helpMessageKey = "deletion.help")
    public String getDeletion() {
        return deletion;
    }

    public void setDeletion(String deletion) {
        this.deletion = deletion;
    }

    @ConfigurationProperty(order = 9, displayMessageKey = "softDeleteColumn.display",
            helpMessageKey = "softDeleteColumn.help")
    public String getSoftDeleteColumn() {
        return softDeleteColumn;
    }

    public void setSoftDeleteColumn(String softDeleteColumn) {
        this.softDeleteColumn = softDeleteColumn;
    }

    @ConfigurationProperty(order = 10, displayMessageKey = "counter.display", helpMessageKey = "counter.help")
    public String getCounter() {
        return counter;
    }

    public void setCounter(String counter) {
        this.counter = counter;
    }

    @ConfigurationProperty(order = 11, displayMessageKey = "timestampLag.display", helpMessageKey = "timestampLag.help")
    public String getTimestampLag() {
        return timestampLag;
    }

    public void setTimestampLag(String timestampLag) {
        this.timestampLag = timestampLag;
    }

    @ConfigurationProperty(order = 12, displayMessageKey = "batchSize.display", helpMessageKey = "batchSize.help")
    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    @ConfigurationProperty(order = 13, allowedValues = {"database", "uuid"},
            displayMessageKey = "keyGeneration.display", helpMessageKey = "keyGeneration.help")
    public String getKeyGeneration() {
        return keyGeneration;
    }

    public void setKeyGeneration(String keyGeneration) {
        this.keyGeneration = keyGeneration;
    }

    @ConfigurationProperty(order = 14, displayMessageKey = "installTriggers.display",
            helpMessageKey = "installTriggers.help")
    public Boolean getInstallTriggers() {
        return installTriggers;
    }

    public void setInstallTriggers(Boolean installTriggers) {
        this.installTriggers = installTriggers;
    }

    @ConfigurationProperty(order = 15, displayMessageKey = "reportRevisions.display",
            helpMessageKey = "reportRevisions.help")
    public Boolean getReportRevisions() {
        return reportRevisions;
    }

    public void setReportRevisions(Boolean reportRevisions) {
        this.reportRevisions = reportRevisions;
    }
}
