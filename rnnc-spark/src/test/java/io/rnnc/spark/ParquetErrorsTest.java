package io.rnnc.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad Parquet input through the rnnc-spark command: one message naming the file and the column, exit code 1. */
class ParquetErrorsTest {

    static final String SPEC = "src/test/resources/tiny_series.rnn";
    /** TinySeries reads 14 target values (7 steps of 2) then 21 input values (7 steps of 3). */
    static final int TARGETS = 14;
    static final int INPUTS = 21;

    @TempDir
    static Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Writes the tables, then stops Spark: each command starts its own. */
    @BeforeAll
    static void writeTables() {
        JavaSparkContext sc = SparkMain.sparkContext("local[1]", "rnnc-spark-parquet-errors");
        try {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            write(spark, sc, "good.parquet", DataTypes.DoubleType, false);
            write(spark, sc, "text.parquet", DataTypes.StringType, false);
            write(spark, sc, "nulls.parquet", DataTypes.DoubleType, true);
        } finally {
            sc.stop();
        }
    }

    /** Eight rows; column x4 of type {@code x4}; with {@code nullInRow3}, x4 is null in the third row. */
    private static void write(SparkSession spark, JavaSparkContext sc, String name, DataType x4, boolean nullInRow3) {
        List<StructField> fields = new ArrayList<>();
        for (int j = 0; j < TARGETS; j++) {
            fields.add(DataTypes.createStructField("y" + j, DataTypes.DoubleType, false));
        }
        for (int j = 0; j < INPUTS; j++) {
            fields.add(DataTypes.createStructField("x" + j, j == 4 ? x4 : DataTypes.DoubleType, j == 4));
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Object[] v = new Object[TARGETS + INPUTS];
            for (int j = 0; j < v.length; j++) {
                v[j] = 0.25 * ((i + j) % 5);
            }
            v[TARGETS + 4] = nullInRow3 && i == 2 ? null : x4.equals(DataTypes.StringType) ? "0.5" : (Object) 0.5;
            rows.add(RowFactory.create(v));
        }
        spark.createDataFrame(sc.parallelize(rows, 1), DataTypes.createStructType(fields)).write().parquet(dir.resolve(name).toString());
    }

    private int run(String data, String... more) {
        List<String> args = new ArrayList<>(List.of("train", SPEC, "--data", dir.resolve(data).toString(), "--spark", "local[1]",
                "--epochs", "1", "--checkpoint", dir.resolve("c.safetensors").toString()));
        args.addAll(List.of(more));
        return SparkMain.run(args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aGoodTableTrains() {
        assertEquals(0, run("good.parquet"), out.toString(StandardCharsets.UTF_8) + err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(": 8 samples, batch 64"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingColumnIsNamed() {
        assertEquals(1, run("good.parquet", "--target", "y0,y1,temp"));
        assertTrue(err().startsWith("error: " + dir.resolve("good.parquet") + ": no column 'temp' (the table has 35 columns: y0, y1,"), err());
        assertFalse(err().contains("\tat "), "no stack trace: " + err());
    }

    @Test
    void aColumnThatIsNotNumericIsNamed() {
        assertEquals(1, run("text.parquet"));
        assertTrue(err().startsWith("error: " + dir.resolve("text.parquet") + ": column 'x4' is string, not numeric"), err());
    }

    @Test
    void aNullIsNamedWithItsFileRowAndColumn() {
        assertEquals(1, run("nulls.parquet"));
        assertTrue(err().startsWith("error: file:" + dir.resolve("nulls.parquet") + "/part-00000-"), err());
        assertTrue(err().contains(".parquet, row 3, column 'x4' is null"), err());
        assertFalse(err().contains("\tat "), "no stack trace: " + err());
    }

    @Test
    void notParquetIsSaidSo() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("fake.parquet"), "a,b\n1,2\n");
        assertEquals(1, run("fake.parquet"));
        assertTrue(err().startsWith("error: " + dir.resolve("fake.parquet") + ": cannot read it as Parquet ("), err());
    }
}
