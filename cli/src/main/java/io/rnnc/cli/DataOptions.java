package io.rnnc.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How to read the user's data: the file (or MNIST directory), its format and the format's settings. */
final class DataOptions {

    @Option(names = "--data", paramLabel = "PATH",
            description = "the data: a file (text, CSV/TSV, JSON Lines) or a directory of MNIST IDX files; the format" +
                    " follows from the spec's mode and input (see --format)")
    Path data;

    @Option(names = "--format", paramLabel = "F",
            description = "text, series, table, sequences, pairs or idx (default: the first that fits the model; " +
                    "docs/data.md)")
    String format;

    @Option(names = "--validation", paramLabel = "FILE",
            description = "validation data in its own file (instead of a share of --split)")
    Path validation;

    @Option(names = "--test", paramLabel = "FILE",
            description = "test data in its own file, measured once after training")
    Path test;

    @Option(names = "--split", paramLabel = "T,V[,S]",
            description = "training, validation and test shares of --data, e.g. 0.8,0.1,0.1: lines shuffled with " +
                    "--seed; texts and series cut in order (default: 0.9,0.1, or all training when --validation" +
                    " is given)")
    String split;

    @Option(names = "--tokens", paramLabel = "KIND", description = "text tokens: chars or words (default: chars)")
    String tokens;

    @Option(names = "--target-tokens", paramLabel = "KIND",
            description = "pairs: tokens of the target side (default: words if the first pair's target holds a space," +
                    " else --tokens)")
    String targetTokens;

    @Option(names = "--target", paramLabel = "COLS", split = ",",
            description = "series and table: the target column(s), names or 1-based numbers (default for a table: its" +
                    " last column)")
    List<String> target;

    @Option(names = "--inputs", paramLabel = "COLS", split = ",",
            description = "series and table: the input columns (default: every column that is not a target for a " +
                    "table; for a series every column, or the targets when the model reads as many)")
    List<String> inputs;

    @Option(names = "--horizon", paramLabel = "H", defaultValue = "1",
            description = "series: steps ahead to predict (default: ${DEFAULT-VALUE}; many_to_one predicts the next H" +
                    " rows)")
    int horizon;

    @Option(names = "--stride", paramLabel = "N",
            description = "text: distance between window starts (default: the spec's sequence)")
    Integer stride;

    @Option(names = "--truncate", description = "keep the first `sequence` steps of longer samples instead of failing")
    boolean truncate;

    boolean given() {
        return data != null;
    }
}
