package dev.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoIT {

    @Test
    void theDemoKeepsTwoApplicationsInSyncAndDecidesAConflict(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        CommandLine cli = TributaryCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("demo", "--exit", "--port", "0", "--data-dir", dir.resolve("demo").toString());

        String text = out.toString();
        assertThat(exit).as(text).isZero();
        String first = section(text, "3. First sync", "4. Both");
        assertThat(first).contains("run erp-accounts   succeeded in: +2 ~0 -0   out: +3 ~0 -0")
                .contains("5005  Edsger Dijkstra").contains("5     Barbara Liskov");
        String changes = section(text, "4. Both", "5. A conflict");
        assertThat(changes).contains("+44 20 7946 0001").contains("grace@navy.example").contains("Linus Torvalds")
                .doesNotContain("edsger@example.org");
        String conflict = section(text, "5. A conflict", "6. The hub");
        assertThat(conflict).contains("policy hubWins → hub wins").contains("5004  Alan M. Turing")
                .contains("2     Alan M. Turing").doesNotContain("A. Turing     ")
                .contains("parked: link crm-customers, hub side \"barbara@erp.example\", CRM side \"barbara@crm.example\"");
        assertThat(section(text, "== The hub keeps running", "Every step worked")).containsPattern("http://127\\.0\\.0\\.1:\\d+/console/");
        assertThat(section(text, "6. The hub", "7. Continuous")).contains("nextSyncToken");
        assertThat(section(text, "7. Continuous", "== The hub keeps running"))
                .containsPattern("ERP: Ada's email is ada@analytical\\.example, \\d+ ms later");
    }

    @Test
    void onABusyPortTheDemoSaysWhichPortItUsesInstead(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            StringWriter out = new StringWriter();
            CommandLine cli = TributaryCommand.commandLine();
            cli.setOut(new PrintWriter(out));
            int exit = cli.execute("demo", "--exit", "--port", String.valueOf(busy.getLocalPort()),
                    "--data-dir", dir.resolve("demo").toString());
            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString()).containsPattern("port " + busy.getLocalPort()
                    + " is taken, so the demo's hub listens on http://127\\.0\\.0\\.1:\\d+ instead; choose a port with --port")
                    .contains("Every step worked");
        }
    }

    private static String section(String text, String from, String to) {
        return text.substring(text.indexOf(from), text.indexOf(to));
    }

    @Test
    void theDemoRefusesToEmptyADirectoryThatIsNotItsOwn(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep me");
        StringWriter err = new StringWriter();
        CommandLine cli = TributaryCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("demo", "--exit", "--port", "0", "--data-dir", dir.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("precious.txt");
        assertThat(dir.resolve("precious.txt")).exists();
    }
}
