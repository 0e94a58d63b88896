package dev.tributary.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.InvalidConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefTest {

    private final ConfigDef def = new ConfigDef()
            .required("url", ConfigType.STRING, "where", v -> ((String) v).startsWith("x:") ? null : "must start with x:")
            .secret("password", false, "the password")
            .withDefault("batch", ConfigType.INT, 10, "rows per batch", ConfigDef.range(1, 100))
            .withDefault("enabled", ConfigType.BOOLEAN, false, "on or off")
            .withDefault("every", ConfigType.DURATION, "PT1M", "how often")
            .optional("tables", ConfigType.LIST, "which tables")
            .crossCheck(c -> c.has("tables") && c.getList("tables").size() > 2
                    ? List.of("'tables' may name at most two tables") : List.of());

    @Test
    void validSettingsAreParsedWithDefaults() {
        ConnectorConfig config = def.validate(Map.of("url", "x:db", "password", "hunter2", "batch", "20",
                "tables", "a, b"));
        assertThat(config.getString("url")).isEqualTo("x:db");
        assertThat(config.getInt("batch")).isEqualTo(20);
        assertThat(config.getBoolean("enabled")).isFalse();
        assertThat(config.getDuration("every")).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.getList("tables")).containsExactly("a", "b");
        assertThat(config.getSecret("password").reveal()).isEqualTo("hunter2");
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void everyProblemIsReportedAtOnceAndSecretsAreNotEchoed() {
        assertThatThrownBy(() -> def.validate(Map.of("url", "y:db", "batch", "1000", "enabled", "maybe",
                "every", "soon", "colour", "blue", "tables", "a,b,c")))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(6)
                        .anySatisfy(p -> assertThat(p).contains("'url'").contains("must start with x:"))
                        .anySatisfy(p -> assertThat(p).contains("'batch'").contains("from 1 to 100"))
                        .anySatisfy(p -> assertThat(p).contains("'enabled'").contains("true or false"))
                        .anySatisfy(p -> assertThat(p).contains("'every'").contains("ISO-8601"))
                        .anySatisfy(p -> assertThat(p).contains("unknown setting 'colour'"))
                        .anySatisfy(p -> assertThat(p).contains("at most two")));
        assertThatThrownBy(() -> def.validate(Map.of())).isInstanceOfSatisfying(InvalidConfigurationException.class,
                e -> assertThat(e.problems()).containsExactly("'url' is required: where"));
        ConfigDef secretInt = new ConfigDef().add(new ConfigKey("pin", ConfigType.INT, true, true, null, "a pin", null));
        assertThatThrownBy(() -> secretInt.validate(Map.of("pin", "12ab34")))
                .hasMessageNotContaining("12ab34").hasMessageContaining("'pin'");
    }

    @Test
    void aMistypedNameGetsASuggestion() {
        assertThatThrownBy(() -> def.validate(Map.of("URL", "x:db"))).hasMessageContaining("did you mean 'url'");
    }
}
