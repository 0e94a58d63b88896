package dev.tributary.connectors.jdbc;

class PostgresUpsertTargetIT extends UpsertTargetContract {

    @Override
    protected JdbcFixture fixture() throws Exception {
        return JdbcFixture.postgres();
    }
}
