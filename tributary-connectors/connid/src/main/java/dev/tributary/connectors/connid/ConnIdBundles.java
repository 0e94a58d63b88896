package dev.tributary.connectors.connid;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.identityconnectors.framework.api.ConnectorInfo;
import org.identityconnectors.framework.api.ConnectorInfoManager;
import org.identityconnectors.framework.api.ConnectorInfoManagerFactory;
import org.identityconnectors.framework.common.FrameworkUtil;

/**
 * The ConnId bundles of a plugins directory: the connectors they hold, and for each jar that holds
 * none, why — a bundle compiled for a newer Java, one that needs a newer framework, or a jar that
 * is no bundle at all. The framework itself says nothing in those cases: it lists no connectors.
 *
 * <p>Each jar is loaded on its own (one class loader per bundle, as the framework does), so one
 * broken jar never hides the others. Results are kept per directory for the life of the process.
 */
final class ConnIdBundles {

    /** The connectors found, and the jars that could not be used with the reason. */
    record Found(List<ConnectorInfo> connectors, List<String> problems) {
    }

    private static final Map<Path, Found> CACHE = new ConcurrentHashMap<>();

    static {
        ConnIdLogging.install();
    }

    private ConnIdBundles() {
    }

    static Found scan(Path directory) {
        return CACHE.computeIfAbsent(directory.toAbsolutePath().normalize(), ConnIdBundles::load);
    }

    /** Forgets what was found (after bundles were added or removed). */
    static void rescan() {
        CACHE.clear();
        ConnectorInfoManagerFactory.getInstance().clearLocalCache();
    }

    private static Found load(Path directory) {
        List<ConnectorInfo> connectors = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return new Found(List.of(), List.of());
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            return new Found(List.of(), List.of(directory + ": cannot list the plugins directory: " + e.getMessage()));
        }
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            String reason = diagnose(jar);
            if (reason != null) {
                problems.add(name + ": " + reason);
                continue;
            }
            try {
                ConnectorInfoManager manager = ConnectorInfoManagerFactory.getInstance().getLocalManager(jar.toUri().toURL());
                List<ConnectorInfo> found = manager.getConnectorInfos();
                if (found.isEmpty()) {
                    problems.add(name + ": the ConnId framework found no connector class in it");
                }
                connectors.addAll(found);
            } catch (MalformedURLException e) {
                problems.add(name + ": " + e.getMessage());
            } catch (RuntimeException | LinkageError e) {
                problems.add(name + ": cannot be loaded: " + e);
            }
        }
        return new Found(List.copyOf(connectors), List.copyOf(problems));
    }

    /** Why a jar cannot be a usable bundle here, or null if it looks like one. */
    static String diagnose(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Attributes manifest = file.getManifest() == null ? new Attributes() : file.getManifest().getMainAttributes();
            String bundleName = manifest.getValue("ConnectorBundle-Name");
            if (bundleName == null) {
                return "not a ConnId bundle: its manifest has no ConnectorBundle-Name";
            }
            int highest = highestClassVersion(file);
            int supported = Runtime.version().feature() + 44;
            if (highest > supported) {
                return "bundle " + bundleName + " " + manifest.getValue("ConnectorBundle-Version")
                        + " is compiled for Java " + (highest - 44) + " (class file version " + highest
                        + "); this hub runs Java " + Runtime.version().feature()
                        + ". Use a release built for Java " + Runtime.version().feature() + " or older, or run the hub on Java "
                        + (highest - 44) + ".";
            }
            String needed = manifest.getValue("ConnectorBundle-FrameworkVersion");
            String host = FrameworkUtil.getFrameworkVersion().getVersion();
            if (needed != null && compareVersions(needed, host) > 0) {
                return "bundle " + bundleName + " needs ConnId framework " + needed + "; the hub has " + host;
            }
            return null;
        } catch (IOException e) {
            return "not a readable jar: " + e.getMessage();
        }
    }

    /** The highest class-file major version of the classes at the jar's top level (its own code). */
    private static int highestClassVersion(JarFile file) throws IOException {
        int highest = 0;
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (name.endsWith(".class") && !name.startsWith("META-INF/versions/") && !name.endsWith("module-info.class")) {
                try (InputStream in = file.getInputStream(entry)) {
                    byte[] header = in.readNBytes(8);
                    if (header.length == 8 && (header[0] & 0xff) == 0xCA && (header[1] & 0xff) == 0xFE) {
                        highest = Math.max(highest, ((header[6] & 0xff) << 8) | (header[7] & 0xff));
                    }
                }
            }
        }
        return highest;
    }

    /** Compares dotted versions numerically, part by part ({@code 1.5} &lt; {@code 1.10}). */
    static int compareVersions(String a, String b) {
        String[] left = a.split("[.-]");
        String[] right = b.split("[.-]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            int x = i < left.length ? number(left[i]) : 0;
            int y = i < right.length ? number(right[i]) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int number(String part) {
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
