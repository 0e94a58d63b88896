package dev.tributary.checks;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module table of ARCHITECTURE.md, enforced on the compiled main classes of <em>every</em>
 * module of the build (read from each module's {@code target/classes}, so nothing depends on what
 * happens to be on a classpath). Each module has one row: the project packages it may use; any
 * other project package is forbidden, libraries are governed by the module's own dependencies.
 * A module listed in the root pom without a row, or a class in no row, fails the build — a new
 * module must say where it stands.
 */
class ModuleBoundariesTest {

    private static final String P = "dev.tributary.";

    /** Module directory → package root of its classes. */
    private static final Map<String, String> ROOTS = new LinkedHashMap<>();

    /** Package root → project packages its classes may depend on (besides their own root). */
    private static final Map<String, List<String>> MAY_USE = new LinkedHashMap<>();

    static {
        row("tributary-filter", "filter");
        row("tributary-connector-api", "connector");
        row("tributary-connector-testkit", "connector.testkit", "connector");
        row("tributary-connectors/memory", "connectors.memory", "connector");
        row("tributary-connectors/jdbc", "connectors.jdbc", "connector");
        row("tributary-connectors/connid", "connectors.connid", "connector");
        row("tributary-connectors/connid-bundle", "connectors.connidbundle", "connector", "connectors.jdbc");
        row("tributary-esa", "esa");
        row("tributary-esa-reference", "esa.reference", "esa");
        row("tributary-sdata", "sdata");
        row("tributary-connectors/esa", "connectors.esa", "connector", "esa");
        row("tributary-store", "store", "connector", "filter");
        row("tributary-engine", "engine", "store", "connector", "filter", "sdata", "esa");
        row("tributary-server", "server", "engine", "store", "connector", "filter", "esa", "sdata");
        row("tributary-client", "client", "filter");
        row("tributary-app", "app", "server", "engine", "store", "connector", "filter", "esa", "sdata", "connectors",
                "client");
        row("tributary-bench", "bench", "app", "server", "engine", "store", "connector", "filter", "esa", "sdata",
                "connectors", "client");
        row("examples/field-notes", "examples.notes", "client", "filter");
        row("tributary-checks", null);
    }

    private static void row(String module, String root, String... mayUse) {
        ROOTS.put(module, root);
        if (root != null) {
            MAY_USE.put(root, List.of(mayUse));
        }
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() throws IOException {
        Path root = Path.of(System.getProperty("tributary.root", "..")).toAbsolutePath().normalize();
        List<Path> dirs = new ArrayList<>();
        for (String module : modules(root)) {
            assertThat(ROOTS).as("every module of the root pom has a row in this test; add one for %s", module)
                    .containsKey(module);
            if (ROOTS.get(module) == null) {
                continue;
            }
            Path dir = root.resolve(module).resolve("target/classes");
            assertThat(dir).as("the build compiled %s before this test", module).isDirectory();
            dirs.add(dir);
        }
        classes = new ClassFileImporter().importPaths(dirs);
        assertThat(classes).as("the compiled classes of every module").hasSizeGreaterThan(100);
    }

    /** The modules the root pom builds, in its order. */
    static List<String> modules(Path root) throws IOException {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    /** The row a class belongs to: the longest package root that contains it. */
    static String rowOf(JavaClass c) {
        String best = null;
        for (String root : MAY_USE.keySet()) {
            String pkg = P + root;
            if ((c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + "."))
                    && (best == null || root.length() > best.length())) {
                best = root;
            }
        }
        return best;
    }

    @Test
    void everyClassBelongsToAModuleRow() {
        List<String> orphans = classes.stream().filter(c -> rowOf(c) == null).map(JavaClass::getName).toList();
        assertThat(orphans).as("classes outside every package root of the module table").isEmpty();
    }

    @Test
    void eachModuleUsesOnlyTheProjectPackagesItsRowAllows() {
        for (Map.Entry<String, List<String>> row : MAY_USE.entrySet()) {
            String own = row.getKey();
            List<String> allowed = new ArrayList<>();
            allowed.add(P + own + "..");
            row.getValue().forEach(r -> allowed.add(P + r + ".."));
            // A more specific row nested in this one (connector.testkit in connector) is another module.
            List<String> nested = MAY_USE.keySet().stream()
                    .filter(other -> other.startsWith(own + ".") && !row.getValue().contains(other))
                    .map(other -> P + other + "..").toList();
            var that = classes().that().resideInAPackage(P + own + "..");
            for (String n : nested) {
                that = that.and().resideOutsideOfPackage(n);
            }
            var forbiddenNested = nested.isEmpty() ? null : resideInAnyPackage(nested.toArray(String[]::new));
            var ok = resideOutsideOfPackage("dev.tributary..").or(resideInAnyPackage(allowed.toArray(String[]::new)));
            that.should().onlyDependOnClassesThat(forbiddenNested == null ? ok : ok.and(
                            com.tngtech.archunit.base.DescribedPredicate.not(forbiddenNested)))
                    .because("ARCHITECTURE.md's module table: " + own + " may use " + row.getValue())
                    .check(classes);
        }
    }

    @Test
    void theConnectorApiDependsOnTheJdkAlone() {
        classes().that().resideInAPackage("dev.tributary.connector..")
                .and().resideOutsideOfPackage("dev.tributary.connector.testkit..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax..", "dev.tributary.connector..")
                .because("connector authors need nothing but the JDK and the SPI")
                .check(classes);
    }

    @Test
    void theFilterLanguageDependsOnTheJdkAlone() {
        classes().that().resideInAPackage("dev.tributary.filter..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.tributary.filter..")
                .because("the hub and the offline client share it")
                .check(classes);
    }

    @Test
    void theEsaProtocolAndKitNeedOnlyTheJdk() {
        classes().that().resideInAPackage("dev.tributary.esa..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "org.w3c..", "org.xml..",
                        "org.slf4j..", "com.sun.net.httpserver..", "dev.tributary.esa..")
                .because("adapter authors take the kit without the hub")
                .check(classes);
    }

    @Test
    void theSDataModelStandsAlone() {
        classes().that().resideInAPackage("dev.tributary.sdata..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "com.fasterxml.jackson..",
                        "com.fasterxml.aalto..", "dev.tributary.sdata..")
                .because("the provider, the links and any SData client share it; documents go through Aalto")
                .check(classes);
    }

    @Test
    void theClientShipsWithFewDependencies() {
        classes().that().resideInAPackage("dev.tributary.client..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "dev.tributary.client..",
                        "dev.tributary.filter..", "com.fasterxml.jackson..")
                .because("the offline SDK talks to the hub over HTTP only, and ships with few dependencies")
                .check(classes);
    }

    /**
     * The server's route packages use the server's shared classes (authentication, JSON, errors,
     * the endpoint hooks) and the modules below, never each other: what one route needs of
     * another part of the hub goes through an interface of the shared package.
     */
    @Test
    void theServersRoutePackagesDoNotUseEachOther() {
        List<String> routes = List.of("admin", "changes", "sdata", "esa", "offline");
        for (String route : routes) {
            String[] others = routes.stream().filter(other -> !other.equals(route))
                    .map(other -> P + "server." + other + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage(P + "server." + route + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("routes stay apart; HubServer alone wires them together")
                    .check(classes);
        }
        noClasses().that().resideInAPackage(P + "server.auth..")
                .should().dependOnClassesThat().resideInAnyPackage(routes.stream().map(r -> P + "server." + r + "..")
                        .toArray(String[]::new))
                .because("every route authenticates through it")
                .check(classes);
    }

    @Test
    void nothingButBenchmarksDependsOnBenchmarks() {
        noClasses().that().resideOutsideOfPackage("dev.tributary.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.tributary.bench..")
                .check(classes);
    }
}
