package dev.tributary.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module table of ARCHITECTURE.md, enforced on the compiled classes: a module that imports
 * what the table forbids fails the build. This module depends on every other, so all their
 * classes are on its test classpath.
 */
class ModuleBoundariesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // Test fixtures shared as test-jars are tests too.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.tributary");
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
    void theStoreUsesOnlyTheConnectorModelAmongOurModules() {
        noClasses().that().resideInAPackage("dev.tributary.store..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.tributary.engine..", "dev.tributary.server..", "dev.tributary.app..",
                        "dev.tributary.client..", "dev.tributary.connectors..", "dev.tributary.bench..",
                        "dev.tributary.connector.testkit..")
                .check(classes);
    }

    @Test
    void theEngineDoesNotReachUpOrIntoConnectors() {
        noClasses().that().resideInAPackage("dev.tributary.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.tributary.server..", "dev.tributary.app..", "dev.tributary.client..",
                        "dev.tributary.connectors..", "dev.tributary.bench..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void connectorsDependOnTheApiOnly() {
        noClasses().that().resideInAPackage("dev.tributary.connectors..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.tributary.store..", "dev.tributary.engine..", "dev.tributary.server..",
                        "dev.tributary.app..", "dev.tributary.client..", "dev.tributary.bench..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void theServerDoesNotDependOnTheAppClientConnectorsOrBenchmarks() {
        noClasses().that().resideInAPackage("dev.tributary.server..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.tributary.app..", "dev.tributary.client..", "dev.tributary.connectors..",
                        "dev.tributary.bench..")
                .check(classes);
    }

    @Test
    void theClientNeverUsesTheHubsInsides() {
        classes().that().resideInAPackage("dev.tributary.client..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "dev.tributary.client..",
                        "dev.tributary.filter..", "com.fasterxml.jackson..")
                .because("the offline SDK talks to the hub over HTTP only, and ships with few dependencies")
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
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "org.w3c..", "org.xml..",
                        "com.fasterxml.jackson..", "dev.tributary.sdata..")
                .because("the provider, the links and any SData client share it")
                .check(classes);
    }

    @Test
    void nothingButBenchmarksDependsOnBenchmarks() {
        noClasses().that().resideOutsideOfPackage("dev.tributary.bench..")
                .should().dependOnClassesThat().resideInAPackage("dev.tributary.bench..")
                .check(classes);
    }
}
