package io.rnnc.runtime;

import java.util.Arrays;
import java.util.List;

/** A {@link TensorStore} over one {@code double[]}: the float64 models used for gradient checks. */
public final class DoubleTensorStore extends TensorStore {

    /** The flat elements; generated code reads and writes them at constant offsets. */
    public final double[] data;

    public DoubleTensorStore(List<TensorInfo> tensors) {
        super(tensors);
        this.data = new double[size()];
    }

    private DoubleTensorStore(List<TensorInfo> tensors, double[] data, String readOnly) {
        super(tensors, readOnly);
        this.data = data;
    }

    @Override
    public DoubleTensorStore readOnlyView(String why) {
        return new DoubleTensorStore(tensors(), data, why);
    }

    @Override
    public boolean sharesDataWith(TensorStore other) {
        return other instanceof DoubleTensorStore s && s.data == data;
    }

    @Override
    public double[] copyOut(String name) {
        TensorInfo t = info(name);
        return Arrays.copyOfRange(data, t.offset(), t.offset() + t.size());
    }

    @Override
    public void copyIn(String name, double[] values) {
        checkWritable();
        TensorInfo t = info(name);
        checkLength(name, t, values.length);
        System.arraycopy(values, 0, data, t.offset(), values.length);
    }

    @Override
    public double get(int i) {
        return data[i];
    }

    @Override
    public void set(int i, double value) {
        checkWritable();
        data[i] = value;
    }

    @Override
    public void zero() {
        checkWritable();
        Arrays.fill(data, 0.0);
    }

    @Override
    public void copyFrom(TensorStore other) {
        checkWritable();
        if (other instanceof DoubleTensorStore d && d.data.length == data.length) {
            System.arraycopy(d.data, 0, data, 0, data.length);
        } else {
            for (int i = 0; i < data.length; i++) {
                data[i] = other.get(i);
            }
        }
    }

    @Override
    public void addFrom(TensorStore other) {
        checkWritable();
        if (!(other instanceof DoubleTensorStore o) || o.data.length != data.length) {
            throw new IllegalArgumentException("can only add a double store of " + data.length + " elements");
        }
        double[] src = o.data;
        for (int i = 0; i < data.length; i++) {
            data[i] += src[i];
        }
    }

    @Override
    public String dtype() {
        return "float64";
    }
}
