package dev.tributary.connectors.connid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.connector.ConnectorProvider;
import dev.tributary.connector.config.ConfigKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding bundles in a plugins directory, and explaining the ones that cannot be used. */
class ConnIdBundlesTest {

    static final Path BUNDLES = Path.of("target/bundles");

    @TempDir
    Path dir;

    @Test
    void everyConnectorOfTheRealBundlesBecomesATypeWithItsProperties() {
        ConnIdConnectorProvider provider = new ConnIdConnectorProvider(BUNDLES);
        List<String> names = provider.types().stream().map(ConnectorProvider::name).toList();
        assertThat(names).contains("connid:DatabaseTable", "connid:ScriptedSQL", "connid:CSVDir");
        assertThat(provider.problems()).isEmpty();

        ConnectorProvider table = provider.types().stream().filter(t -> t.name().equals("connid:DatabaseTable")).findFirst()
                .orElseThrow();
        assertThat(table.description()).contains("net.tirasa.connid.bundles.db").contains("2.3.0");
        List<ConfigKey> keys = table.create().configDef().keys();
        assertThat(keys).extracting(ConfigKey::name).contains("table", "keyColumn", "changeLogColumn", "password");
        assertThat(keys).filteredOn(k -> k.name().equals("password")).singleElement()
                .satisfies(k -> assertThat(k.secret()).isTrue());
    }

    @Test
    void jarsThatAreNoUsableBundleAreReportedWithTheReason() throws IOException {
        // A bundle compiled for Java 21: its class files say version 65.
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("ConnectorBundle-Name", "org.example.future");
        manifest.getMainAttributes().putValue("ConnectorBundle-Version", "9.0");
        manifest.getMainAttributes().putValue("ConnectorBundle-FrameworkVersion", "1.5");
        byte[] classFile = classFileOf(ConnIdBundlesTest.class);
        classFile[6] = 0;
        classFile[7] = 65;
        jar(dir.resolve("future-bundle.jar"), manifest, "org/example/Future.class", classFile);

        Manifest newer = new Manifest();
        newer.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        newer.getMainAttributes().putValue("ConnectorBundle-Name", "org.example.newer");
        newer.getMainAttributes().putValue("ConnectorBundle-Version", "1.0");
        newer.getMainAttributes().putValue("ConnectorBundle-FrameworkVersion", "9.1");
        jar(dir.resolve("newer-framework.jar"), newer, "org/example/Newer.class", classFileOf(ConnIdBundlesTest.class));

        Manifest plain = new Manifest();
        plain.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        jar(dir.resolve("library.jar"), plain, "org/example/Lib.class", classFileOf(ConnIdBundlesTest.class));

        ConnIdConnectorProvider provider = new ConnIdConnectorProvider(dir);
        assertThat(provider.types()).isEmpty();
        assertThat(provider.problems()).hasSize(3);
        assertThat(provider.problems().get(0)).startsWith("future-bundle.jar: bundle org.example.future 9.0 is compiled for Java 21")
                .contains("this hub runs Java " + Runtime.version().feature());
        assertThat(provider.problems().get(1)).isEqualTo("library.jar: not a ConnId bundle: its manifest has no ConnectorBundle-Name");
        assertThat(provider.problems().get(2)).startsWith("newer-framework.jar: bundle org.example.newer needs ConnId framework 9.1;"
                + " the hub has 1.");
    }

    @Test
    void aMissingPluginsDirectoryOffersNothingAndComplainsOfNothing() {
        ConnIdConnectorProvider provider = new ConnIdConnectorProvider(dir.resolve("none"));
        assertThat(provider.types()).isEmpty();
        assertThat(provider.problems()).isEmpty();
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(ConnIdBundles.compareVersions("1.10", "1.5")).isPositive();
        assertThat(ConnIdBundles.compareVersions("1.5.0.0", "1.5")).isZero();
        assertThat(ConnIdBundles.compareVersions("1.4", "1.6.1.0")).isNegative();
    }

    private static byte[] classFileOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private static void jar(Path file, Manifest manifest, String entry, byte[] content) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry(entry));
            jar.write(content);
            jar.closeEntry();
        }
    }
}
