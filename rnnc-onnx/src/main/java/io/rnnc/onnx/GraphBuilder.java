package io.rnnc.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds one ONNX graph through the ONNX schema's protobuf classes: typed inputs and outputs, float and
 * int64 initializers (raw little-endian data, as the schema prescribes for {@code raw_data}), and nodes
 * with unique names. Value names are checked to be unique, so a wiring mistake fails here rather than in a
 * runtime that reads the file.
 */
final class GraphBuilder {

    /** A dimension of a graph input or output: a fixed size or a named, caller-chosen one ("batch"). */
    record Dim(long size, String name) {
        static Dim of(long size) {
            return new Dim(size, null);
        }

        static Dim named(String name) {
            return new Dim(-1, name);
        }
    }

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> values = new HashSet<>();
    private int nodes;

    GraphBuilder(String name, String doc) {
        graph.setName(name).setDocString(doc);
    }

    /** A float32 graph input. */
    String floatInput(String name, String doc, Dim... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT, doc, dims));
        return define(name);
    }

    /** An int64 graph input (token ids). */
    String int64Input(String name, String doc, Dim... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.INT64, doc, dims));
        return define(name);
    }

    /** An int32 graph input (sequence lengths, as the recurrent operators take them). */
    String int32Input(String name, String doc, Dim... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.INT32, doc, dims));
        return define(name);
    }

    /** Declares {@code value} (already produced by a node) as a float32 graph output. */
    void floatOutput(String value, String doc, Dim... dims) {
        if (!values.contains(value)) {
            throw new IllegalStateException("graph output " + value + " is produced by no node");
        }
        graph.addOutput(valueInfo(value, TensorProto.DataType.FLOAT, doc, dims));
    }

    /** A float32 constant tensor, row-major. */
    String floatInitializer(String name, float[] data, long... dims) {
        checkCount(name, data.length, dims);
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        graph.addInitializer(tensor(name, TensorProto.DataType.FLOAT, b.array(), dims));
        return define(name);
    }

    /** An int64 constant tensor (axes, shapes, indices). */
    String int64Initializer(String name, long[] data, long... dims) {
        checkCount(name, data.length, dims);
        ByteBuffer b = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        graph.addInitializer(tensor(name, TensorProto.DataType.INT64, b.array(), dims));
        return define(name);
    }

    /**
     * Adds a node; returns its outputs' names (given by the caller, so the graph reads as the model does).
     * An empty string in {@code inputs} is an omitted optional input, as ONNX spells it.
     */
    List<String> node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        for (String in : inputs) {
            if (!in.isEmpty() && !values.contains(in)) {
                throw new IllegalStateException(opType + " reads " + in + ", which nothing defines");
            }
        }
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + nodes++)
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        for (String out : outputs) {
            if (!out.isEmpty()) {
                define(out);
            }
        }
        return outputs;
    }

    /** A one-output node. */
    String node1(String opType, List<String> inputs, String output, AttributeProto... attributes) {
        return node(opType, inputs, List.of(output), attributes).get(0);
    }

    boolean hasValue(String name) {
        return values.contains(name);
    }

    GraphProto build() {
        return graph.build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto stringsAttr(String name, String... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String v : values) {
            a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        }
        return a.build();
    }

    private String define(String name) {
        if (!values.add(name)) {
            throw new IllegalStateException("value " + name + " is defined twice");
        }
        return name;
    }

    private static void checkCount(String name, int count, long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalStateException("initializer " + name + " has " + count + " values for shape "
                    + java.util.Arrays.toString(dims));
        }
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, byte[] raw, long[] dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, String doc, Dim[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dim d : dims) {
            TensorShapeProto.Dimension.Builder dim = shape.addDimBuilder();
            if (d.name() != null) {
                dim.setDimParam(d.name());
            } else {
                dim.setDimValue(d.size());
            }
        }
        TypeProto type1 = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type1).setDocString(doc).build();
    }
}
