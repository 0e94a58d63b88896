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
    void theDemoShowsAFullAndAnIncrementalSync(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        CommandLine cli = TributaryCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("demo", "--exit", "--port", "0", "--data-dir", dir.resolve("demo").toString());

        String text = out.toString();
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("12 records created")
                .contains("page 3: 2 items")
                .contains("a stale edit of task-3 is refused: 412 conditionNotMet")
                .contains("~ task-3").contains("- task-7").contains("deleted")
                .contains("0 changes")
                .contains("· task-6").contains("· task-9");
        String incremental = text.substring(text.indexOf("5. Incremental sync"), text.indexOf("6. Nothing new"));
        assertThat(incremental).contains("page 1: 3 items");
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
