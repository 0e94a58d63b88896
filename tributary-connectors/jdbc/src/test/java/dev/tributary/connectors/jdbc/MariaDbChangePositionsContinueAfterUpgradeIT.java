package dev.tributary.connectors.jdbc;

class MariaDbChangePositionsContinueAfterUpgradeIT extends ChangePositionsContinueAfterUpgradeContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
