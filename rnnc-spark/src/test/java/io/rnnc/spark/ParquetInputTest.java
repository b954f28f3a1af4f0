package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.model.ChunkedModel;
import io.rnnc.runtime.train.Trainer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parquet read through Spark SQL gives the samples CSV gives for the same rows, in the same order: the same rows
 * written both ways (the Parquet by Spark itself, as a directory of parts) train to byte-identical checkpoints.
 */
class ParquetInputTest {

    static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sc = SparkMain.sparkContext("local[2]", "rnnc-spark-parquet-test");
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    /** Names of the columns: targets y0.., inputs x0... */
    static List<String> names(String prefix, int n) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            names.add(prefix + j);
        }
        return names;
    }

    /**
     * Writes {@code data} as a Parquet directory of {@code parts} parts, written by Spark in sample order: the target
     * columns then the input columns, or the inputs first if {@code inputsFirst} (integers for ids, doubles else).
     */
    static void writeParquet(JavaSparkContext sc, Dataset data, ModelInfo info, Path out, int parts, boolean inputsFirst) {
        int t = info.targetValuesPerSample();
        int in = info.inputValuesPerSample();
        DataType targetType = info.classTargets() ? DataTypes.IntegerType : DataTypes.DoubleType;
        DataType inputType = info.tokenInputs() ? DataTypes.IntegerType : DataTypes.DoubleType;
        List<StructField> targetFields = new ArrayList<>();
        for (String n : names("y", t)) {
            targetFields.add(DataTypes.createStructField(n, targetType, false));
        }
        List<StructField> inputFields = new ArrayList<>();
        for (String n : names("x", in)) {
            inputFields.add(DataTypes.createStructField(n, inputType, false));
        }
        List<StructField> fields = new ArrayList<>(inputsFirst ? inputFields : targetFields);
        fields.addAll(inputsFirst ? targetFields : inputFields);
        Batch scratch = Batch.forModel(info, 1);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            data.fill(i, scratch, 0);
            List<Object> targets = new ArrayList<>();
            for (int j = 0; j < t; j++) {
                targets.add(scratch.classes != null ? (Object) scratch.classes[j] : (Object) scratch.targets[j]);
            }
            List<Object> inputs = new ArrayList<>();
            for (int j = 0; j < in; j++) {
                inputs.add(scratch.tokens != null ? (Object) scratch.tokens[j] : (Object) scratch.features[j]);
            }
            List<Object> values = new ArrayList<>(inputsFirst ? inputs : targets);
            values.addAll(inputsFirst ? targets : inputs);
            rows.add(RowFactory.create(values.toArray()));
        }
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        spark.createDataFrame(sc.parallelize(rows, parts), DataTypes.createStructType(fields)).write().parquet(out.toString());
    }

    private byte[] train(ModelBlueprint bp, JavaPairRDD<Long, Sample> samples, Path checkpoint) throws Exception {
        ChunkedModel m = bp.newModel();
        m.initialize(4);
        assertTrue(new SparkTrainer(sc, bp, m, samples, (int) samples.count(), null,
                SparkTrainer.Options.sync(new Trainer.Options(2, 64, 4, checkpoint)), null).run().completed());
        return Files.readAllBytes(checkpoint);
    }

    @Test
    void parquetTrainsToTheCheckpointOfTheSameRowsAsCsv() throws Exception {
        // Float features and targets (float64 regression), and token inputs with class targets (encoder-decoder)
        for (String spec : new String[] {"tiny_series.rnn", "tiny_seq2seq.rnn"}) {
            ModelBlueprint bp = ModelBlueprint.compile(Path.of("src/test/resources", spec), null);
            ModelInfo info = bp.newModel().info();
            Dataset data = new RandomSamples(info, 150, 23);
            Path csv = dir.resolve(spec + ".csv");
            SparkData.writeCsv(data, info, csv);
            Path parquet = dir.resolve(spec + ".parquet.d");
            writeParquet(sc, data, info, parquet, 3, false);
            assertTrue(SparkData.isParquet(parquet.toString()), "a directory of parts is Parquet");

            JavaPairRDD<Long, Sample> fromParquet = SparkData.parquet(sc, parquet.toString(), info, List.of(), List.of()).cache();
            assertEquals(150, fromParquet.count());
            byte[] expected = train(bp, SparkData.csv(sc, csv.toString(), info).cache(), dir.resolve(spec + ".csv.safetensors"));
            byte[] actual = train(bp, fromParquet, dir.resolve(spec + ".parquet.safetensors"));
            assertArrayEquals(expected, actual, spec);
        }
    }

    @Test
    void namedColumnsInAnyOrderGiveTheSameSamples() {
        ModelBlueprint bp = ModelBlueprint.compile(Path.of("src/test/resources/tiny_series.rnn"), null);
        ModelInfo info = bp.newModel().info();
        Dataset data = new RandomSamples(info, 100, 29);
        // Inputs stored first, and in seven parts: only the names say which columns are the targets
        Path parquet = dir.resolve("series");
        writeParquet(sc, data, info, parquet, 7, true);
        List<String> targets = names("y", info.targetValuesPerSample());
        List<String> reversed = names("x", info.inputValuesPerSample());
        Collections.reverse(reversed);
        List<Sample> named = SparkData.parquet(sc, parquet.toString(), info, targets, List.of()).values().collect();
        Dataset held = SparkData.parquetOnDriver(sc, parquet.toString(), info, List.of(), reversed);
        assertEquals(100, named.size());
        assertEquals(100, held.size());
        int in = info.inputValuesPerSample();
        Batch expected = Batch.forModel(info, 1);
        Batch actual = Batch.forModel(info, 1);
        Batch backwards = Batch.forModel(info, 1);
        for (int i = 0; i < 100; i++) {
            data.fill(i, expected, 0);
            named.get(i).writeTo(actual, 0);
            assertArrayEquals(expected.features, actual.features, "sample " + i);
            assertArrayEquals(expected.targets, actual.targets, "sample " + i);
            held.fill(i, backwards, 0);
            for (int j = 0; j < in; j++) {
                assertEquals(expected.features[j], backwards.features[in - 1 - j], "sample " + i + " input " + j);
            }
            assertArrayEquals(expected.targets, backwards.targets, "sample " + i);
        }
    }
}
