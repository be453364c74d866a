package io.qfserving.models.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code models}: the toolkit's command line. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Train, export and evaluate QF-MobileNet image classifiers.",
        subcommands = {TrainCommand.class, ExportCommand.class, EvalCommand.class, QuantizeCommand.class, ReportCommand.class})
public final class ModelsCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelsCommand()).execute(args));
    }
}
