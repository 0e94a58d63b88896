package dev.tributary.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookAddressesTest {

    /** Every name outside the tests' own is a public address; literals stay what they are. */
    private static final WebhookAddresses.Resolver RESOLVER = host -> host.endsWith("example.com") || host.equals("evil.test")
            ? new java.net.InetAddress[] {java.net.InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 215, 14})}
            : java.net.InetAddress.getAllByName(host);

    @Test
    void aHostWildcardStaysInsideTheHost() {
        WebhookAddresses allow = new WebhookAddresses(List.of("https://*.example.com/hooks/*"), RESOLVER);
        assertThat(allow.refusal("https://a.example.com/hooks/x")).isNull();
        assertThat(allow.refusal("https://a.b.example.com/hooks/x/y")).isNull();
        assertThat(allow.refusal("https://evil.test/.example.com/hooks/x")).as("a path is not a host").isNotNull();
        assertThat(allow.refusal("https://evil.test:443@a.example.com/hooks/x")).as("user information").isNotNull();
        assertThat(allow.refusal("https://a.example.com/other")).as("another path").isNotNull();
        assertThat(allow.refusal("http://a.example.com/hooks/x")).as("another scheme").isNotNull();
        assertThat(allow.refusal("https://a.example.com:8443/hooks/x")).as("another port").isNotNull();
        assertThat(allow.refusal("ftp://a.example.com/hooks/x")).isNotNull();
    }

    @Test
    void internalAddressesNeedTheirHostNamedExactly() {
        WebhookAddresses wide = new WebhookAddresses(List.of("http://*:*/*", "https://*"));
        assertThat(wide.refusal("http://127.0.0.1:8080/x")).contains("loopback");
        assertThat(wide.refusal("http://localhost:8080/x")).contains("loopback");
        assertThat(wide.refusal("http://[::1]:8080/x")).contains("loopback");
        assertThat(wide.refusal("https://169.254.169.254/latest/meta-data")).as("cloud metadata").isNotNull();
        assertThat(wide.refusal("https://10.1.2.3/x")).as("private network").isNotNull();
        assertThat(wide.refusal("http://0.0.0.0:80/x")).isNotNull();
        WebhookAddresses exact = new WebhookAddresses(List.of("http://127.0.0.1:*/hooks/*"));
        assertThat(exact.refusal("http://127.0.0.1:9999/hooks/a")).isNull();
        assertThat(exact.refusal("http://127.0.0.1:9999/admin")).isNotNull();
        assertThat(exact.refusal("http://127.0.0.2:9999/hooks/a")).isNotNull();
    }

    @Test
    void withoutPatternsNothingIsAllowedAndBadPatternsAreRefused() {
        assertThat(new WebhookAddresses(List.of(), RESOLVER).refusal("https://example.com/")).contains("--webhook-allow");
        assertThatThrownBy(() -> new WebhookAddresses(List.of("example.com"))).hasMessageContaining("https://");
        assertThatThrownBy(() -> new WebhookAddresses(List.of("https://host:port/"))).hasMessageContaining("port");
        assertThatThrownBy(() -> new WebhookAddresses(List.of("https:///x"))).hasMessageContaining("host");
    }
}
