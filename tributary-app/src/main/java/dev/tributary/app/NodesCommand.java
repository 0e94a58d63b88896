package dev.tributary.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tributary nodes}: the hub nodes sharing the store, whether they live, and the work each owns. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = {"The hub nodes that share this hub's store: whether each is live, its last heartbeat,",
            "and the work it owns now (leases on links and jobs; a dead node's work moves after the lease time)."})
final class NodesCommand implements Callable<Integer> {

    @Mixin
    SyncCommand.HubOptions hub;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (hub.missingToken(err)) {
            return 1;
        }
        JsonNode nodes = hub.ok(hub.get("/v1/nodes", err), err);
        if (nodes == null) {
            return 1;
        }
        out.printf(Locale.ROOT, "%-38s %-28s %-7s %-24s %s%n", "NODE", "NAME", "STATE", "LAST HEARTBEAT", "OWNS");
        for (JsonNode node : nodes.path("items")) {
            StringBuilder owns = new StringBuilder();
            for (JsonNode lease : node.path("leases")) {
                owns.append(owns.length() == 0 ? "" : ", ").append(lease.path("name").asText());
            }
            String state = node.path("stoppedAt").isMissingNode() ? node.path("live").asBoolean() ? "live" : "dead" : "stopped";
            out.printf(Locale.ROOT, "%-38s %-28s %-7s %-24s %s%n", node.path("id").asText() + (node.path("self").asBoolean() ? " *" : ""),
                    node.path("name").asText(), state, node.path("heartbeatAt").asText().replaceFirst("\\.\\d+Z$", "Z"),
                    owns.length() == 0 ? "-" : owns);
        }
        out.println("(* the node that answered)");
        return 0;
    }
}
