package dev.tributary.connectors.jdbc;

class PostgresChangePositionsContinueAfterUpgradeIT extends ChangePositionsContinueAfterUpgradeContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
