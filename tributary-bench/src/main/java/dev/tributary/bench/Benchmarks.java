package dev.tributary.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the benchmark jar: {@code java -jar tributary-bench.jar <benchmark> [options]}. */
@Command(name = "tributary-bench", mixinStandardHelpOptions = true,
        description = {"Tributary's end-to-end benchmarks. Each prints one line per figure;",
            "record them in BENCHMARKS.md with the machine and the command."},
        subcommands = {ChangeFeedBenchmark.class, LiveBenchmark.class, ContinuousBenchmark.class, JdbcReadBenchmark.class, TriggerWritersBenchmark.class, PipelineBenchmark.class, OfflineBenchmark.class, ConnIdBenchmark.class, EsaBenchmark.class, SDataBenchmark.class, ScaleOutBenchmark.class, StoreFloorBenchmark.class,
            CommandLine.HelpCommand.class})
public final class Benchmarks implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmarks()).execute(args));
    }
}
