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

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            List<Scope> parsed = Scope.parseAll(scopes);
            try (Store opened = store.open()) {
                AccessTokens.IssuedToken issued = opened.accessTokens()
                        .create(name, parsed.stream().map(Scope::toString).toList());
                spec.commandLine().getOut().println(issued.secret());
                spec.commandLine().getErr().println("Created token " + issued.token().id() + " ("
                        + issued.token().name() + ") with scopes " + String.join(" ", issued.token().scopes())
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
                out.printf("%-12s  %-24s  %-20s  %s%n", "ID", "NAME", "CREATED", "SCOPES");
                for (AccessToken token : tokens) {
                    out.printf("%-12s  %-24s  %-20s  %s%n", token.id(), token.name(),
                            token.createdAt().toString().substring(0, 19) + "Z", String.join(" ", token.scopes()));
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
                spec.commandLine().getOut().println("Revoked token " + id + ".");
                return 0;
            }
        }
    }
}
