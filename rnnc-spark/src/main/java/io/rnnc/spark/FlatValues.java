package io.rnnc.spark;

import io.rnnc.runtime.DoubleTensorStore;
import io.rnnc.runtime.FloatTensorStore;
import io.rnnc.runtime.TensorStore;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A flat parameter-sized vector in the model's precision (float32 or float64), serializable, with the one
 * arithmetic the trainers need: the element-wise sum in the model's own type, as {@link TensorStore#addFrom}.
 */
final class FlatValues implements Serializable {

    private static final long serialVersionUID = 1L;

    private final float[] f;
    private final double[] d;

    private FlatValues(float[] f, double[] d) {
        this.f = f;
        this.d = d;
    }

    static FlatValues copyOf(TensorStore store) {
        if (store instanceof FloatTensorStore s) {
            return new FlatValues(s.data.clone(), null);
        }
        return new FlatValues(null, ((DoubleTensorStore) store).data.clone());
    }

    FlatValues copy() {
        return new FlatValues(f == null ? null : f.clone(), d == null ? null : d.clone());
    }

    /** Writes these values into {@code store} (of the same size and precision). */
    void copyTo(TensorStore store) {
        if (store instanceof FloatTensorStore s && f != null && s.data.length == f.length) {
            System.arraycopy(f, 0, s.data, 0, f.length);
        } else if (store instanceof DoubleTensorStore s && d != null && s.data.length == d.length) {
            System.arraycopy(d, 0, s.data, 0, d.length);
        } else {
            throw new IllegalArgumentException("values of another size or precision than the store");
        }
    }

    /** this += other, element by element in the model's precision. */
    void add(FlatValues other) {
        if (f != null) {
            float[] o = other.f;
            for (int i = 0; i < f.length; i++) {
                f[i] += o[i];
            }
        } else {
            double[] o = other.d;
            for (int i = 0; i < d.length; i++) {
                d[i] += o[i];
            }
        }
    }

    /** The mean of {@code parts}, summed in double in the order given, then rounded to the precision. */
    static FlatValues mean(java.util.List<FlatValues> parts) {
        FlatValues first = parts.get(0);
        int n = first.f != null ? first.f.length : first.d.length;
        double[] sum = new double[n];
        for (FlatValues p : parts) {
            for (int i = 0; i < n; i++) {
                sum[i] += p.f != null ? p.f[i] : p.d[i];
            }
        }
        int k = parts.size();
        if (first.f != null) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) (sum[i] / k);
            }
            return new FlatValues(out, null);
        }
        for (int i = 0; i < n; i++) {
            sum[i] /= k;
        }
        return new FlatValues(null, sum);
    }

    int bytes() {
        return f != null ? 4 * f.length : 8 * d.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlatValues v && Arrays.equals(f, v.f) && Arrays.equals(d, v.d);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(f) + Arrays.hashCode(d);
    }
}
