package io.rnnc.runtime.data;

import io.rnnc.runtime.init.Rng;
import io.rnnc.runtime.io.RnncIoException;

import java.util.Arrays;

/**
 * Train / validation / test splits of the samples of one file, by fractions such as {@code 0.8,0.1,0.1}.
 *
 * <p>Counts: validation {@code round(n·v)}, test {@code round(n·t)}, training the rest. A part asked for (fraction
 * above 0) that would get no sample is an error. Two ways to choose the samples:
 * <ul>
 *   <li>{@link #shuffled}: for files of independent samples, one per line (labelled sequences, pairs, tables).
 *       The sample indices are permuted by {@link Rng} with the seed (a fixed SplitMix64/Fisher-Yates recipe in
 *       Java, no platform randomness), the first part of the permutation trains, the next validates, the last
 *       tests; each part then keeps file order. The same file and seed give the same split on any machine.</li>
 *   <li>{@link #inOrder}: for one stream (a text, a time series), where shuffling would leak the future into
 *       training: the first positions train, the next validate, the last test.</li>
 * </ul>
 */
public final class Splits {

    private Splits() {
    }

    /** Shares of the samples; they sum to 1. */
    public record Fractions(double train, double validation, double test) {
        public Fractions {
            if (!(train > 0) || !(validation >= 0) || !(test >= 0) || Math.abs(train + validation + test - 1) > 1e-6) {
                throw new IllegalArgumentException("split fractions must be a positive training share and shares >= 0 that sum to 1: "
                        + train + ", " + validation + ", " + test);
            }
        }

        /** Everything trains. */
        public static Fractions none() {
            return new Fractions(1, 0, 0);
        }

        /**
         * {@code "0.8,0.1,0.1"} (train, validation, test) or {@code "0.9,0.1"} (no test part).
         *
         * @throws RnncIoException saying what was expected
         */
        public static Fractions parse(String text) {
            String[] parts = text.split(",", -1);
            if (parts.length < 2 || parts.length > 3) {
                throw new RnncIoException("split '" + text + "': expected two or three fractions, e.g. 0.8,0.1,0.1 (train, validation, test)");
            }
            double[] f = new double[3];
            for (int k = 0; k < parts.length; k++) {
                String p = parts[k].strip();
                if (!p.matches("\\d{1,9}(\\.\\d{0,15})?|\\.\\d{1,15}") || Double.parseDouble(p) > 1) {
                    throw new RnncIoException("split '" + text + "': '" + p + "' is not a fraction between 0 and 1");
                }
                f[k] = Double.parseDouble(p);
            }
            double sum = f[0] + f[1] + f[2];
            if (Math.abs(sum - 1) > 1e-6) {
                throw new RnncIoException("split '" + text + "': the fractions add up to " + (float) sum + ", not 1");
            }
            if (!(f[0] > 0)) {
                throw new RnncIoException("split '" + text + "': the training share must be above 0");
            }
            return new Fractions(f[0], f[1], f[2]);
        }
    }

    /** Sample indices of each part, ascending; an unused part is empty. */
    public record Parts(int[] train, int[] validation, int[] test) {
        public Parts {
            train = train.clone();
            validation = validation.clone();
            test = test.clone();
        }

        @Override
        public int[] train() {
            return train.clone();
        }

        @Override
        public int[] validation() {
            return validation.clone();
        }

        @Override
        public int[] test() {
            return test.clone();
        }
    }

    /** A seeded shuffled split of {@code n} samples; {@code what} names them in messages ({@code "data.tsv: 12 lines"}). */
    public static Parts shuffled(int n, Fractions fractions, long seed, String what) {
        int[] perm = new int[n];
        Arrays.setAll(perm, i -> i);
        new Rng(seed).shuffle(perm, n);
        return cut(perm, fractions, what, true);
    }

    /** The first positions train, the next validate, the last test. */
    public static Parts inOrder(int n, Fractions fractions, String what) {
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        return cut(all, fractions, what, false);
    }

    /** Sizes of the parts: {train, validation, test}. */
    public static int[] counts(int n, Fractions f, String what) {
        int validation = (int) Math.round(n * f.validation());
        int test = (int) Math.round(n * f.test());
        int train = n - validation - test;
        if (train < 1 || (f.validation() > 0 && validation < 1) || (f.test() > 0 && test < 1)) {
            throw new RnncIoException(what + " are too few to split " + f.train() + "/" + f.validation() + "/" + f.test()
                    + " (every part asked for needs at least one sample)");
        }
        return new int[] {train, validation, test};
    }

    private static Parts cut(int[] order, Fractions f, String what, boolean sort) {
        int[] c = counts(order.length, f, what);
        int[] train = Arrays.copyOfRange(order, 0, c[0]);
        int[] validation = Arrays.copyOfRange(order, c[0], c[0] + c[1]);
        int[] test = Arrays.copyOfRange(order, c[0] + c[1], order.length);
        if (sort) {
            Arrays.sort(train);
            Arrays.sort(validation);
            Arrays.sort(test);
        }
        return new Parts(train, validation, test);
    }
}
