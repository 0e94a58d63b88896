package dev.tributary.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package of main code says what lives there and what it may use: each source directory of
 * {@code src/main/java} that holds Java files has a {@code package-info.java} with a Javadoc
 * comment. The modules are the root pom's, so a new module is covered without editing this test.
 */
class PackageInfoTest {

    @Test
    void everyMainPackageHasADocumentedPackageInfo() throws IOException {
        Path root = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath().normalize();
        List<String> modules = ModuleBoundariesTest.modules(root);
        assertThat(modules).as("modules of the root pom").isNotEmpty();
        List<String> missing = new ArrayList<>();
        int packages = 0;
        for (String module : modules) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            for (Path dir : packageDirectories(sources)) {
                packages++;
                Path info = dir.resolve("package-info.java");
                if (!Files.isRegularFile(info) || !Files.readString(info).contains("/**")) {
                    missing.add(root.relativize(dir).toString());
                }
            }
        }
        assertThat(packages).as("packages found").isGreaterThan(10);
        assertThat(missing)
                .as("packages without a package-info.java carrying a Javadoc comment (say what lives there and what it may use)")
                .isEmpty();
    }

    private static TreeSet<Path> packageDirectories(Path sources) throws IOException {
        TreeSet<Path> dirs = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("package-info.java"))
                    .forEach(p -> dirs.add(p.getParent()));
        }
        return dirs;
    }
}
