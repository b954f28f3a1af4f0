package io.rnnc.spark;

import io.rnnc.runtime.ModelInfo;
import io.rnnc.runtime.data.SampleLayout;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parquet tables read through Spark SQL: one sample per row, one value per numeric column, the target columns
 * then the input columns in the order of the model's batch (as a line of {@link SparkData#csv} holds them). By
 * default the table's columns are taken in their order, the first ones the targets; {@code --target} and
 * {@code --inputs} name them instead. Rows are numbered in file-name order, then in their order inside a file
 * (Parquet's row index), so a directory of parts gives the rows in the order they were written and the same
 * rows as CSV give the same samples in the same order.
 */
final class ParquetSamples {

    private static final String FILE = "__rnnc_file";
    private static final String ROW = "__rnnc_row";

    private ParquetSamples() {
    }

    /** Whether {@code path} names Parquet: a {@code .parquet} file or glob, or a local directory of them. */
    static boolean isParquet(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.endsWith(".parquet")) {
            return true;
        }
        if (p.contains("://")) {
            return false;
        }
        java.io.File dir = new java.io.File(p);
        String[] names = dir.isDirectory() ? dir.list() : null;
        if (names == null) {
            return false;
        }
        for (String n : names) {
            if (n.endsWith(".parquet")) {
                return true;
            }
        }
        return false;
    }

    /** The samples of the Parquet table at {@code path}, keyed by their row's place (see the class comment). */
    static JavaPairRDD<Long, Sample> read(JavaSparkContext sc, String path, ModelInfo info, List<String> target, List<String> inputs) {
        Dataset<Row> table = open(sc, path);
        RowFormat format = RowFormat.of(table.schema(), info, path, target, inputs);
        List<Column> picked = new ArrayList<>();
        for (String c : format.columns) {
            picked.add(functions.col(quote(c)));
        }
        picked.add(functions.col("_metadata.file_path").as(FILE));
        picked.add(functions.col("_metadata.row_index").as(ROW));
        Dataset<Row> ordered = table.select(picked.toArray(new Column[0])).orderBy(FILE, ROW);
        return ordered.javaRDD().zipWithIndex().mapToPair(t -> new Tuple2<>(t._2, format.sample(t._1)));
    }

    /** The layout the samples of {@link #read} have (for held-out data collected to the driver). */
    static SampleLayout layout(ModelInfo info, String path) {
        return new SampleLayout(info.tokenInputs(), new int[] {info.inputValuesPerSample()}, info.tokenInputs() ? info.vocab() : 0,
                info.classTargets(), new int[] {info.targetValuesPerSample()}, info.classTargets() ? info.outputs() : 0,
                "Parquet samples (" + path + ")");
    }

    private static Dataset<Row> open(JavaSparkContext sc, String path) {
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        try {
            return spark.read().parquet(path);
        } catch (Exception e) {
            // The footers are read here (schema inference): a missing path or a file that is not Parquet
            throw new UserError(path + ": cannot read it as Parquet (" + firstLine(e.getMessage()) + ")");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A column name as Spark's {@code col} reads it literally (dots and back-ticks in names). */
    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The picked columns of a table and how each row of them becomes a sample of the model. */
    static final class RowFormat implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String[] columns;
        private final int targets;
        private final int inputs;
        private final boolean classTargets;
        private final boolean tokenInputs;
        private final int classes;
        private final int vocab;
        private final String model;

        private RowFormat(String[] columns, ModelInfo info) {
            this.columns = columns;
            this.targets = info.targetValuesPerSample();
            this.inputs = info.inputValuesPerSample();
            this.classTargets = info.classTargets();
            this.tokenInputs = info.tokenInputs();
            this.classes = info.outputs();
            this.vocab = info.vocab();
            this.model = info.name();
        }

        /** Picks and checks the columns on the driver: named ones exist, every one is numeric, ids are whole numbers. */
        static RowFormat of(StructType schema, ModelInfo info, String path, List<String> target, List<String> inputs) {
            int t = info.targetValuesPerSample();
            int in = info.inputValuesPerSample();
            List<String> all = List.of(schema.fieldNames());
            for (List<String> named : List.of(target, inputs)) {
                for (String c : named) {
                    if (!all.contains(c)) {
                        throw new UserError(path + ": no column '" + c + "' (the table has " + summary(all) + ")");
                    }
                }
            }
            List<String> targetCols;
            List<String> inputCols;
            if (target.isEmpty() && inputs.isEmpty()) {
                targetCols = all.subList(0, Math.min(t, all.size()));
                inputCols = all.subList(targetCols.size(), all.size());
            } else {
                targetCols = target.isEmpty() ? rest(all, inputs) : target;
                inputCols = inputs.isEmpty() ? rest(all, target) : inputs;
            }
            if (targetCols.size() != t || inputCols.size() != in) {
                throw new UserError(path + ": " + targetCols.size() + " target column" + (targetCols.size() == 1 ? "" : "s") + " and "
                        + inputCols.size() + " input column" + (inputCols.size() == 1 ? "" : "s") + ", but model " + info.name()
                        + " reads " + t + " target " + (info.classTargets() ? "class id" : "value") + (t == 1 ? "" : "s") + " then "
                        + in + " input " + (info.tokenInputs() ? "token id" : "value") + (in == 1 ? "" : "s")
                        + " per row (one per column; --target and --inputs choose the columns)");
            }
            Set<String> seen = new LinkedHashSet<>();
            List<String> columns = new ArrayList<>(targetCols);
            columns.addAll(inputCols);
            for (int j = 0; j < columns.size(); j++) {
                String c = columns.get(j);
                if (!seen.add(c)) {
                    throw new UserError(path + ": column '" + c + "' is picked twice (--target and --inputs share no column)");
                }
                StructField f = schema.fields()[schema.fieldIndex(c)];
                DataType type = f.dataType();
                boolean whole = type.equals(DataTypes.ByteType) || type.equals(DataTypes.ShortType) || type.equals(DataTypes.IntegerType)
                        || type.equals(DataTypes.LongType);
                boolean number = whole || type.equals(DataTypes.FloatType) || type.equals(DataTypes.DoubleType) || type instanceof DecimalType;
                if (!number) {
                    throw new UserError(path + ": column '" + c + "' is " + type.simpleString() + ", not numeric");
                }
                boolean id = j < t ? info.classTargets() : info.tokenInputs();
                if (id && !whole) {
                    throw new UserError(path + ": column '" + c + "' is " + type.simpleString() + ", but model " + info.name() + " reads "
                            + (j < t ? "class ids" : "token ids") + " there: an integer column");
                }
            }
            return new RowFormat(columns.toArray(new String[0]), info);
        }

        private static List<String> rest(List<String> all, List<String> taken) {
            List<String> r = new ArrayList<>(all);
            r.removeAll(taken);
            return r;
        }

        private static String summary(List<String> names) {
            if (names.size() <= 8) {
                return "columns " + String.join(", ", names);
            }
            return names.size() + " columns: " + String.join(", ", names.subList(0, 8)) + ", ...";
        }

        /** The sample of one selected row (its last two fields: the file and the row index inside it). */
        Sample sample(Row row) {
            int[] cls = classTargets ? new int[targets] : null;
            double[] tgt = classTargets ? null : new double[targets];
            int[] tok = tokenInputs ? new int[inputs] : null;
            double[] feat = tokenInputs ? null : new double[inputs];
            for (int j = 0; j < columns.length; j++) {
                boolean target = j < targets;
                if (row.isNullAt(j)) {
                    throw new UserError(where(row, j) + " is null");
                }
                if (target ? classTargets : tokenInputs) {
                    long id = ((Number) row.get(j)).longValue();
                    int limit = target ? classes : vocab;
                    if (id < 0 || id >= limit) {
                        throw new UserError(where(row, j) + ": " + (target ? "class id " : "token id ") + id + " is outside 0.."
                                + (limit - 1) + " (model " + model + ")");
                    }
                    if (target) {
                        cls[j] = (int) id;
                    } else {
                        tok[j - targets] = (int) id;
                    }
                } else {
                    Object v = row.get(j);
                    // Long to double rounds to nearest, as parsing its decimal text does; float widens exactly
                    double x = v instanceof BigDecimal d ? d.doubleValue() : ((Number) v).doubleValue();
                    if (!Double.isFinite(x)) {
                        throw new UserError(where(row, j) + ": " + x + " is not a finite number");
                    }
                    if (target) {
                        tgt[j] = x;
                    } else {
                        feat[j - targets] = x;
                    }
                }
            }
            return new Sample(feat, tok, cls, tgt);
        }

        private String where(Row row, int j) {
            return row.getString(columns.length) + ", row " + (row.getLong(columns.length + 1) + 1) + ", column '" + columns[j] + "'";
        }
    }
}
