package dev.tributary.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void parsesEveryForm() {
        assertThat(Scope.parse("admin")).isEqualTo(Scope.ADMIN);
        assertThat(Scope.parse("*")).isEqualTo(Scope.ADMIN);
        assertThat(Scope.parse("read:tasks")).isEqualTo(Scope.read("tasks"));
        assertThat(Scope.parse("write:*")).isEqualTo(Scope.write("*"));
    }

    @Test
    void reportsEveryInvalidScopeAtOnce() {
        assertThatThrownBy(() -> Scope.parseAll(List.of("read:ok", "reed:x", "write:bad name", "")))
                .hasMessageContaining("'reed:x'").hasMessageContaining("'write:bad name'")
                .hasMessageContaining("''");
        assertThatThrownBy(() -> Scope.parseAll(List.of())).hasMessageContaining("at least one");
    }

    @Test
    void grantsOnlyWhatItSays() {
        Principal reader = new Principal("t", List.of(Scope.read("tasks"), Scope.write("*")));
        assertThat(reader.has(Scope.read("tasks"))).isTrue();
        assertThat(reader.has(Scope.read("other"))).isFalse();
        assertThat(reader.has(Scope.write("other"))).isTrue();
        assertThat(reader.has(Scope.ADMIN)).isFalse();
        Principal admin = new Principal("a", List.of(Scope.ADMIN));
        assertThat(admin.has(Scope.read("anything"))).isTrue();
    }
}
