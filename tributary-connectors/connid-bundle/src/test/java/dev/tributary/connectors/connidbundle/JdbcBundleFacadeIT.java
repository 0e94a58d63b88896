package dev.tributary.connectors.connidbundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.connector.testkit.ExternalDatabases;
import java.net.MalformedURLException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.identityconnectors.framework.api.APIConfiguration;
import org.identityconnectors.framework.api.ConfigurationProperties;
import org.identityconnectors.framework.api.ConnectorFacade;
import org.identityconnectors.framework.api.ConnectorFacadeFactory;
import org.identityconnectors.framework.api.ConnectorInfo;
import org.identityconnectors.framework.api.ConnectorInfoManagerFactory;
import org.identityconnectors.framework.api.ConnectorKey;
import org.identityconnectors.framework.common.exceptions.InvalidAttributeValueException;
import org.identityconnectors.framework.common.exceptions.PreconditionFailedException;
import org.identityconnectors.framework.common.objects.AttributeBuilder;
import org.identityconnectors.framework.common.objects.ConnectorObject;
import org.identityconnectors.framework.common.objects.ObjectClass;
import org.identityconnectors.framework.common.objects.OperationOptionsBuilder;
import org.identityconnectors.framework.common.objects.SearchResult;
import org.identityconnectors.framework.common.objects.SyncDelta;
import org.identityconnectors.framework.common.objects.SyncDeltaType;
import org.identityconnectors.framework.common.objects.SyncToken;
import org.identityconnectors.framework.common.objects.Uid;
import org.identityconnectors.framework.spi.SearchResultsHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What ConnId's suites leave out, checked through ConnId's facade on the packaged bundle:
 * revisions as expected versions, paging with cookies, refusals that name the attribute, and sync
 * of all object classes with the token's type kept.
 */
class JdbcBundleFacadeIT {

    private static final ObjectClass ACCOUNTS = new ObjectClass("accounts");

    private static ExternalDatabases.Scratch database;
    private static ConnectorFacade facade;

    @BeforeAll
    static void bundle() throws SQLException, MalformedURLException {
        database = ExternalDatabases.postgresSchema();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, name VARCHAR(100), born DATE)");
            statement.execute("CREATE TABLE teams (id BIGSERIAL PRIMARY KEY, title VARCHAR(100))");
        }
        ConnectorInfo info = ConnectorInfoManagerFactory.getInstance()
                .getLocalManager(Path.of(System.getProperty("bundleJar")).toUri().toURL())
                .findConnectorInfo(new ConnectorKey(System.getProperty("bundleName"), System.getProperty("bundleVersion"),
                        TributaryJdbcConnector.class.getName()));
        assertThat(info).as("the bundle offers the connector").isNotNull();
        APIConfiguration api = info.createDefaultAPIConfiguration();
        ConfigurationProperties properties = api.getConfigurationProperties();
        properties.setPropertyValue("url", database.jdbcUrl());
        properties.setPropertyValue("tables", new String[] {"accounts", "teams"});
        properties.setPropertyValue("installTriggers", Boolean.TRUE);
        properties.setPropertyValue("reportRevisions", Boolean.TRUE);
        // ConnId refuses paged searches while its own result filter is active.
        api.getResultsHandlerConfiguration().setEnableFilteredResultsHandler(false);
        facade = ConnectorFacadeFactory.getInstance().newInstance(api);
    }

    @AfterAll
    static void drop() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aStaleRevisionIsRefusedAndChangesNothing() {
        Uid first = facade.create(ACCOUNTS, Set.of(AttributeBuilder.build("name", "Ada")), null);
        assertThat(first.getRevision()).as("uids carry the version as revision").isNotBlank();

        Uid second = facade.update(ACCOUNTS, first, Set.of(AttributeBuilder.build("name", "Ada L.")), null);
        assertThat(second.getUidValue()).isEqualTo(first.getUidValue());
        assertThat(second.getRevision()).isNotEqualTo(first.getRevision());

        assertThatThrownBy(() -> facade.update(ACCOUNTS, first, Set.of(AttributeBuilder.build("name", "lost")), null))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> facade.delete(ACCOUNTS, first, null)).isInstanceOf(PreconditionFailedException.class);
        ConnectorObject kept = facade.getObject(ACCOUNTS, new Uid(first.getUidValue()), null);
        assertThat(kept.getAttributeByName("name").getValue()).containsExactly("Ada L.");
        assertThat(kept.getUid()).isEqualTo(second);

        facade.delete(ACCOUNTS, second, null);
        assertThat(facade.getObject(ACCOUNTS, new Uid(first.getUidValue()), null)).isNull();
    }

    @Test
    void pagedSearchHandsOutCookiesUntilTheLastPage() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(facade.create(new ObjectClass("teams"), Set.of(AttributeBuilder.build("title", "team " + i)), null)
                    .getUidValue());
        }
        List<Integer> pageSizes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String cookie = null;
        do {
            List<ConnectorObject> page = new ArrayList<>();
            String[] next = {null};
            facade.search(new ObjectClass("teams"), null, new SearchResultsHandler() {
                @Override
                public boolean handle(ConnectorObject object) {
                    page.add(object);
                    return true;
                }

                @Override
                public void handleResult(SearchResult result) {
                    next[0] = result.getPagedResultsCookie();
                }
            }, page(3, cookie));
            pageSizes.add(page.size());
            page.forEach(o -> seen.add(o.getUid().getUidValue()));
            cookie = next[0];
        } while (cookie != null && pageSizes.size() < 10);
        assertThat(pageSizes).containsExactly(3, 3, 1);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void badValuesAreRefusedByNameAndNothingIsWritten() {
        int before = count();
        assertThatThrownBy(() -> facade.create(ACCOUNTS, Set.of(AttributeBuilder.build("born", "29/02/2024")), null))
                .isInstanceOf(InvalidAttributeValueException.class).hasMessageContaining("'born'")
                .hasMessageContaining("ISO date");
        assertThatThrownBy(() -> facade.create(ACCOUNTS, Set.of(AttributeBuilder.build("shoeSize", 42L)), null))
                .isInstanceOf(InvalidAttributeValueException.class).hasMessageContaining("no attribute 'shoeSize'")
                .hasMessageContaining("name");
        assertThatThrownBy(() -> facade.create(ACCOUNTS, Set.of(AttributeBuilder.build("__NAME__", "7")), null))
                .isInstanceOf(InvalidAttributeValueException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> facade.create(ACCOUNTS, Set.of(AttributeBuilder.build("name", "a", "b")), null))
                .isInstanceOf(InvalidAttributeValueException.class).hasMessageContaining("one value");
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void syncOfAllObjectClassesReportsEachClassWithNumericTokens() {
        SyncToken start = facade.getLatestSyncToken(ObjectClass.ALL);
        assertThat(start.getValue()).isInstanceOf(Long.class);
        Uid account = facade.create(ACCOUNTS, Set.of(AttributeBuilder.build("name", "Grace"),
                AttributeBuilder.build("born", "1906-12-09")), null);
        Uid team = facade.create(new ObjectClass("teams"), Set.of(AttributeBuilder.build("title", "compilers")), null);
        Uid gone = facade.create(ACCOUNTS, Set.of(AttributeBuilder.build("name", "Temp")), null);
        facade.delete(ACCOUNTS, gone, null);

        List<SyncDelta> deltas = new ArrayList<>();
        SyncToken last = facade.sync(ObjectClass.ALL, start, delta -> deltas.add(delta), null);
        assertThat(deltas).extracting(d -> d.getObjectClass().getObjectClassValue() + " " + d.getDeltaType() + " "
                + d.getUid().getUidValue()).containsExactly(
                        "accounts " + SyncDeltaType.CREATE_OR_UPDATE + " " + account.getUidValue(),
                        "teams " + SyncDeltaType.CREATE_OR_UPDATE + " " + team.getUidValue(),
                        // A row created and deleted since the token shows only as its deletion.
                        "accounts " + SyncDeltaType.DELETE + " " + gone.getUidValue());
        assertThat(deltas.get(0).getObject().getAttributeByName("born").getValue()).containsExactly("1906-12-09");
        assertThat(deltas).allSatisfy(d -> assertThat(d.getToken().getValue()).isInstanceOf(Long.class));
        assertThat(last).isNotNull();
        assertThat((Long) last.getValue()).isGreaterThanOrEqualTo((Long) deltas.get(2).getToken().getValue());

        List<SyncDelta> none = new ArrayList<>();
        facade.sync(ObjectClass.ALL, last, delta -> none.add(delta), null);
        assertThat(none).isEmpty();
    }

    private static org.identityconnectors.framework.common.objects.OperationOptions page(int size, String cookie) {
        OperationOptionsBuilder options = new OperationOptionsBuilder().setPageSize(size);
        if (cookie != null) {
            options.setPagedResultsCookie(cookie);
        }
        return options.build();
    }

    private static int count() {
        int[] n = {0};
        facade.search(ACCOUNTS, null, o -> {
            n[0]++;
            return true;
        }, null);
        return n[0];
    }
}
