package dev.tributary.connectors.jdbc;

class MariaDbInstallOnExistingRowsIT extends InstallOnExistingRowsContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.mariadb();
    }
}
