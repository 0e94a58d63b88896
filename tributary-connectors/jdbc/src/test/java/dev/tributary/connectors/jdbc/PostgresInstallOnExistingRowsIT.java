package dev.tributary.connectors.jdbc;

class PostgresInstallOnExistingRowsIT extends InstallOnExistingRowsContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
