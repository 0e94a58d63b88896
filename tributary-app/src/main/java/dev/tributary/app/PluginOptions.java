package dev.tributary.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where connector plug-ins (ConnId bundles) are found; shared by serve, sync and connectors list. */
final class PluginOptions {

    @Option(names = "--plugins-dir", paramLabel = "<dir>", defaultValue = "${env:TRIBUTARY_PLUGINS:-plugins}",
            description = "Directory of ConnId connector bundles (jars); each connector in them becomes a"
                    + " connector type connid:<name> (default: ${DEFAULT-VALUE}; env TRIBUTARY_PLUGINS).")
    Path pluginsDir;

    /** Makes the directory known to the connector registry; call before it is loaded. */
    void apply() {
        System.setProperty("tributary.plugins", pluginsDir.toString());
    }
}
