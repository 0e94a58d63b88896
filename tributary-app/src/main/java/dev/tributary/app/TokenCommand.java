package dev.tributary.app;

import dev.tributary.server.auth.Scope;
import dev.tributary.store.AccessToken;
import dev.tributary.store.AccessTokens;
import dev.tributary.store.Store;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary token …}: issue, list and revoke bearer tokens. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Manage the bearer tokens clients use.", "",
            "Tokens are stored hashed; a secret is shown once, when it is created."},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a token and print its secret (only this once).", "",
                "Scopes: admin (everything; alias *), read:<collection>,",
                "write:<collection>; * as the collection means all, e.g.",
                "  tributary token create --scope read:* --scope write:tasks"})
    static final class Create implements Runnable {
        @Mixin
        StoreOptions store;

        @Option(names = "--scope", required = true, paramLabel = "<scope>",
                description = "A scope to grant; repeat for several.")
        List<String> scopes;

        @Option(names = "--name", paramLabel = "<label>", description = "A label to recognize the token by.")
        String name;

        @Option(names = "--expires", paramLabel = "<ISO-8601>",
                description = "Make the token stop working after this long, e.g. P30D or PT12H (default: never).")
        java.time.Duration expires;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            List<Scope> parsed = Scope.parseAll(scopes);
            if (expires != null && (expires.isNegative() || expires.isZero())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--expires must be a positive duration, e.g. P30D");
            }
            try (Store opened = store.open()) {
                AccessTokens.IssuedToken issued = opened.accessTokens()
                        .create(name, parsed.stream().map(Scope::toString).toList(), expires);
                opened.auditLog().record(null, "cli", "token create", issued.token().id() + " (" + issued.token().name()
                        + ", " + String.join(" ", issued.token().scopes()) + ")", 0);
                spec.commandLine().getOut().println(issued.secret());
                spec.commandLine().getErr().println("Created token " + issued.token().id() + " ("
                        + issued.token().name() + ") with scopes " + String.join(" ", issued.token().scopes())
                        + (issued.token().expiresAt() == null ? "" : ", expiring " + minute(issued.token().expiresAt()))
                        + ". The secret above is shown only now; store it safely.");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List live tokens (never their secrets).")
    static final class ListTokens implements Runnable {
        @Mixin
        StoreOptions store;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            try (Store opened = store.open()) {
                List<AccessToken> tokens = opened.accessTokens().list();
                var out = spec.commandLine().getOut();
                if (tokens.isEmpty()) {
                    out.println("No tokens. Create one with: tributary token create --scope admin");
                    return;
                }
                out.printf("%-12s  %-24s  %-17s  %-17s  %-17s  %s%n", "ID", "NAME", "CREATED", "EXPIRES", "LAST USED",
                        "SCOPES");
                java.time.Instant now = java.time.Instant.now();
                for (AccessToken token : tokens) {
                    String expires = token.expiresAt() == null ? "never"
                            : token.expiresAt().isBefore(now) ? "expired" : minute(token.expiresAt());
                    out.printf("%-12s  %-24s  %-17s  %-17s  %-17s  %s%n", token.id(), token.name(), minute(token.createdAt()),
                            expires, token.lastUsedAt() == null ? "never" : minute(token.lastUsedAt()),
                            String.join(" ", token.scopes()));
                }
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke a token by its id (see 'tributary token list').",
                "A running hub stops accepting it within seconds."})
    static final class Revoke implements java.util.concurrent.Callable<Integer> {
        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "<id>", description = "The token's id.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Store opened = store.open()) {
                if (!opened.accessTokens().revoke(id)) {
                    spec.commandLine().getErr().println("error: no live token with id " + id
                            + "; see 'tributary token list'");
                    return 1;
                }
                opened.auditLog().record(null, "cli", "token revoke", id, 0);
                spec.commandLine().getOut().println("Revoked token " + id + ".");
                return 0;
            }
        }
    }

    /** A time to the minute, UTC, for tables. */
    static String minute(java.time.Instant time) {
        return time.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString().replace("T", " ").replace(":00Z", "Z");
    }
}
