package dev.tributary.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerVersionTest {

    @Test
    void insertReturningNeedsMariaDb105OrLaterNotMySql() {
        assertThat(JdbcConnector.mariaDbAtLeast("10.11.6-MariaDB-0+deb12u1", 10, 5)).isTrue();
        assertThat(JdbcConnector.mariaDbAtLeast("10.5.0-MariaDB", 10, 5)).isTrue();
        assertThat(JdbcConnector.mariaDbAtLeast("11.4.2-MariaDB-ubu2404", 10, 5)).isTrue();
        assertThat(JdbcConnector.mariaDbAtLeast("5.5.5-10.6.12-MariaDB", 10, 5)).as("the old replication prefix").isTrue();
        assertThat(JdbcConnector.mariaDbAtLeast("10.4.32-MariaDB", 10, 5)).isFalse();
        assertThat(JdbcConnector.mariaDbAtLeast("5.5.5-10.3.39-MariaDB", 10, 5)).isFalse();
        assertThat(JdbcConnector.mariaDbAtLeast("8.0.36", 10, 5)).as("MySQL").isFalse();
        assertThat(JdbcConnector.mariaDbAtLeast("", 10, 5)).isFalse();
    }
}
