package dev.tributary.connectors.jdbc;

class MariaDbTriggersDoNotDeadlockIT extends TriggersDoNotDeadlockContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
