package io.rnnc.runtime;

import java.util.Arrays;
import java.util.List;

/** A {@link TensorStore} over one {@code float[]}, which generated code indexes directly. */
public final class FloatTensorStore extends TensorStore {

    /** The flat elements; generated code reads and writes them at constant offsets. */
    public final float[] data;

    public FloatTensorStore(List<TensorInfo> tensors) {
        super(tensors);
        this.data = new float[size()];
    }

    private FloatTensorStore(List<TensorInfo> tensors, float[] data, String readOnly) {
        super(tensors, readOnly);
        this.data = data;
    }

    @Override
    public FloatTensorStore readOnlyView(String why) {
        return new FloatTensorStore(tensors(), data, why);
    }

    @Override
    public boolean sharesDataWith(TensorStore other) {
        return other instanceof FloatTensorStore s && s.data == data;
    }

    @Override
    public double[] copyOut(String name) {
        TensorInfo t = info(name);
        double[] out = new double[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[t.offset() + i];
        }
        return out;
    }

    @Override
    public void copyIn(String name, double[] values) {
        checkWritable();
        TensorInfo t = info(name);
        checkLength(name, t, values.length);
        for (int i = 0; i < values.length; i++) {
            data[t.offset() + i] = (float) values[i];
        }
    }

    @Override
    public double get(int i) {
        return data[i];
    }

    @Override
    public void set(int i, double value) {
        checkWritable();
        data[i] = (float) value;
    }

    @Override
    public void zero() {
        checkWritable();
        Arrays.fill(data, 0f);
    }

    @Override
    public void copyFrom(TensorStore other) {
        checkWritable();
        if (other instanceof FloatTensorStore f && f.data.length == data.length) {
            System.arraycopy(f.data, 0, data, 0, data.length);
        } else {
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) other.get(i);
            }
        }
    }

    @Override
    public void addFrom(TensorStore other) {
        checkWritable();
        if (!(other instanceof FloatTensorStore o) || o.data.length != data.length) {
            throw new IllegalArgumentException("can only add a float store of " + data.length + " elements");
        }
        float[] src = o.data;
        for (int i = 0; i < data.length; i++) {
            data[i] += src[i];
        }
    }

    @Override
    public String dtype() {
        return "float32";
    }
}
