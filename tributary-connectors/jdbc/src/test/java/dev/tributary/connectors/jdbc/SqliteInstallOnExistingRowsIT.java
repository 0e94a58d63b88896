package dev.tributary.connectors.jdbc;

class SqliteInstallOnExistingRowsIT extends InstallOnExistingRowsContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.sqlite();
    }
}
