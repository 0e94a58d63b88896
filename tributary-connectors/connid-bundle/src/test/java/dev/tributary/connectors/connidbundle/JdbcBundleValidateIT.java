package dev.tributary.connectors.connidbundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.identityconnectors.contract.test.ConnectorHelper;
import org.identityconnectors.contract.test.ValidateApiOpTests;
import org.identityconnectors.framework.api.ConnectorFacade;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ConnId's Validate contract suite against Tributary's JDBC connector bundle on PostgreSQL. */
class JdbcBundleValidateIT extends ValidateApiOpTests {

    @BeforeAll
    static void database() {
        ContractDatabase.prepare();
    }

    /**
     * The suite's own test first asks whether any object class in the schema supports
     * ValidateApiOp; since ConnId 1.6 a schema lists object-class operations only, so the answer is
     * always no and the suite skips itself without a word. This runs the same check without that
     * guard: every configuration in {@code testsuite.Validate.invalidConfig} must be refused.
     */
    @Override
    @Test
    public void testValidateFail() {
        List<?> invalid = (List<?>) getDataProvider().getTestSuiteAttribute("invalidConfig", "Validate");
        assertThat(invalid).isNotEmpty();
        for (Object settings : invalid) {
            ConnectorFacade facade = ConnectorHelper.createConnectorFacadeWithWrongConfiguration(getDataProvider(),
                    (Map<?, ?>) settings);
            assertThatThrownBy(facade::validate).as("validate() with %s", settings).isInstanceOf(RuntimeException.class);
        }
    }
}
