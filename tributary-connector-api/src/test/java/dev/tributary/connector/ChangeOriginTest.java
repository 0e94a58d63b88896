package dev.tributary.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeOriginTest {

    @Test
    void readsTheSourceAndItsDecodedParameters() {
        ChangeOrigin origin = ChangeOrigin.parse("offline:tok-1?Shift=night&SiteID=A%26B+7&flag");
        assertThat(origin.source()).isEqualTo("offline:tok-1");
        assertThat(origin.parameters()).isEqualTo(Map.of("Shift", "night", "SiteID", "A&B 7", "flag", ""));
    }

    @Test
    void anOriginWithoutParametersOrNoneAtAll() {
        assertThat(ChangeOrigin.parse("endpoint:crm")).isEqualTo(new ChangeOrigin("endpoint:crm", Map.of()));
        assertThat(ChangeOrigin.parse(null)).isSameAs(ChangeOrigin.NONE);
        assertThat(ChangeOrigin.parse("")).isSameAs(ChangeOrigin.NONE);
    }

    @Test
    void writesAndOptionsCarryTheOriginAndDefaultToNone() {
        ChangeOrigin origin = ChangeOrigin.parse("offline:t?SiteID=1");
        assertThat(Write.create(Map.of("a", 1)).origin()).isSameAs(ChangeOrigin.NONE);
        assertThat(Write.create(Map.of("a", 1)).withOrigin(origin).origin()).isEqualTo(origin);
        assertThat(OperationOptions.DEFAULTS.withOrigin(origin).withPageSize(10).origin()).isEqualTo(origin);
    }
}
