package dev.tributary.engine.watch;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where watch channels may send notifications: an allow-list of address patterns, because a
 * webhook makes the hub send requests wherever a client says (server-side request forgery).
 *
 * <p>A pattern is {@code scheme://host[:port][/path]} where {@code *} in the host stands for any
 * run of host characters (never a {@code /} or {@code :}), a port {@code *} for any port, and
 * {@code *} in the path for anything; without a path any path matches. An address whose host
 * resolves to a loopback, link-local, private or unspecified address (the hub itself, cloud
 * metadata services, the internal network) is allowed only by a pattern naming its host without
 * a wildcard — {@code https://*} never reaches {@code 127.0.0.1}.
 */
public final class WebhookAddresses {

    private record Rule(String scheme, Pattern host, boolean wildHost, String port, Pattern path) {
    }

    /** Finds the addresses of a host name. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<Rule> rules;
    private final Resolver resolver;

    /** @throws IllegalArgumentException naming a pattern that is not of the form above */
    public WebhookAddresses(List<String> patterns) {
        this(patterns, InetAddress::getAllByName);
    }

    WebhookAddresses(List<String> patterns, Resolver resolver) {
        this.rules = patterns.stream().map(WebhookAddresses::rule).toList();
        this.resolver = resolver;
    }

    /**
     * Null when notifications may go to {@code address}; otherwise why not, in a sentence that
     * says what to do.
     */
    public String refusal(String address) {
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            return "address is not a URL: " + e.getMessage();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "address must be an https:// (or allowed http://) URL";
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return "address must be a URL with a host and without user information or a fragment";
        }
        if (rules.isEmpty()) {
            return "this hub sends no webhooks: start it with --webhook-allow <pattern> (e.g. 'https://*.example.com/hooks/*')";
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        boolean internal;
        try {
            internal = internal(host);
        } catch (UnknownHostException e) {
            return "address host '" + host + "' does not resolve";
        }
        for (Rule rule : rules) {
            if (rule.scheme().equals(scheme) && rule.host().matcher(host).matches()
                    && (rule.port().equals("*") || rule.port().equals(Integer.toString(port)))
                    && rule.path().matcher(path).matches() && (!internal || !rule.wildHost())) {
                return null;
            }
        }
        return "address " + scheme + "://" + host + ":" + port + " is not allowed by this hub's --webhook-allow patterns"
                + (internal ? " (it is a loopback, private or link-local address: a pattern must name its host exactly)" : "");
    }

    private boolean internal(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        for (InetAddress address : resolver.resolve(bare)) {
            if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                    || address.isSiteLocalAddress() || address.isMulticastAddress()
                    || (address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc)) {
                return true;
            }
        }
        return false;
    }

    private static Rule rule(String text) {
        int schemeEnd = text.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("webhook pattern '" + text + "' must start with https:// or http://");
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("webhook pattern '" + text + "' must start with https:// or http://");
        }
        String rest = text.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/*" : rest.substring(slash);
        String host = authority;
        String port = scheme.equals("https") ? "443" : "80";
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            port = authority.substring(colon + 1);
            if (!port.equals("*") && !port.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("webhook pattern '" + text + "' has a port that is neither a number nor *");
            }
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.*\\-\\[\\]:]+")) {
            throw new IllegalArgumentException("webhook pattern '" + text + "' has no valid host (use * for any run of host characters)");
        }
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new Rule(scheme, glob(bareHost.toLowerCase(Locale.ROOT), "[^/:]*"), host.contains("*"), port,
                glob(path, ".*"));
    }

    private static Pattern glob(String text, String star) {
        List<String> quoted = java.util.Arrays.stream(text.split("\\*", -1)).map(Pattern::quote).toList();
        return Pattern.compile(String.join(star, quoted));
    }
}
