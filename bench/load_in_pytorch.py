"""Loads a checkpoint written by rnnc into PyTorch's own nn.RNN / nn.LSTM / nn.GRU modules.

rnnc writes safetensors under PyTorch's state_dict names, so a model trained by rnnc loads into the
equivalent torch modules with `load_state_dict(strict=True)`. This script builds those modules from the
checkpoint alone (its `rnnc.architecture` metadata and tensor shapes; `--architecture` for a file without
it), loads the weights and then does one of:

* `--expect FILE`: runs the inputs stored in FILE (`x`, and the teacher-forcing targets `y` for
  one_to_many and seq2seq) and compares the logits and every layer's final state with the ones stored
  there (what rnnc's generated class gave): prints the worst error max|a-b| / max(1, max|b|) and exits 1
  if it is above `--tolerance` (default 1e-5). rnnc's test suite writes such files
  (rnnc-onnx `PyTorchRoundTripTest`).
* `--data DIR`: an MNIST model (the seed model or a twin) scores the MNIST test set, to compare with the
  accuracy rnnc reported.
* neither: prints the modules and how the checkpoint's names map onto them.

How an rnnc stack maps onto torch modules:

* every layer the same cell and width (`lstm 128` x 3): ONE module `rnn = nn.LSTM(in, 128, num_layers=3,
  batch_first=True)`; rnnc's names are its names (`rnn.weight_ih_l0`, ..., `rnn.bias_hh_l2`).
* mixed cells or widths (`lstm 256` then `gru 128`): one single-layer module per layer,
  `layers[l] = nn.LSTM(in_l, H_l)` / `nn.GRU(...)`; rnnc's `rnn.weight_ih_l{l}` is `layers.{l}.weight_ih_l0`
  (and the same for weight_hh, bias_ih, bias_hh). Layer l reads layer l-1's output sequence, exactly as a
  multi-layer module does.
* a bidirectional layer (`lstm H bidirectional`: the checkpoint has `rnn.weight_ih_l{l}_reverse`, ...) is
  `bidirectional=True` in either form; its `_reverse` tensors keep their names, the next layer reads 2H, and
  many_to_one's head reads `cat(h_n[-2], h_n[-1])` (forward state after the last step, reverse state after
  step 0), as rnnc's does. Dropout is training-only: the modules are built without it and run in eval mode.
* `rnn H relu` is `nn.RNN(..., nonlinearity="relu")`; token inputs are `F.one_hot(x, V)` (`input tokens V`)
  or `embedding = nn.Embedding(V, E)`; the head is `fc = nn.Linear(H, O)` (logits; the activation after it).
* seq2seq: `encoder.{embedding,rnn|layers}`, `decoder.{embedding,rnn|layers,fc}`; the encoder's final
  states seed every decoder layer; the decoder reads [0, y_0, ..., y_{T-2}] (0 = the start id).

The file is read with the standard library (8-byte header length, JSON header, raw little-endian data),
as the `safetensors` package is not a Debian package; optimizer tensors (`optimizer.*`) are skipped.
Use Debian's interpreter, which sees python3-torch:

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/load_in_pytorch.py --checkpoint rnnc-out/CharLstm.safetensors
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/load_in_pytorch.py \
        --checkpoint rnnc-out/MnistRnn.safetensors --data samples/mnist/data
"""

import argparse
import json
import os
import struct
import sys

DTYPES = {"F32": ("float32", 4), "F64": ("float64", 8)}
CELLS = ("rnn_tanh", "rnn_relu", "lstm", "gru")


def read_safetensors(torch, path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype, width = DTYPES[spec["dtype"]]
        begin, end = spec["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=getattr(torch, dtype))
        tensors[name] = t.reshape(spec["shape"]).clone()
    return tensors, header.get("__metadata__", {})


def parse_architecture(text):
    """rnnc's `Checkpoint.architecture`: 'many_to_one, features 28, steps 28 -> 1, lstm 8 / gru 6, softmax 10, mse'."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 6:
        raise SystemExit(f"cannot read the architecture '{text}': expected 6 comma-separated parts")
    mode = parts[0]
    kind = parts[1].split()[0]
    layers = []
    for layer in parts[3].split("/"):
        cell, hidden = layer.split()
        if cell not in CELLS:
            raise SystemExit(f"unknown cell '{cell}' in '{text}'")
        layers.append((cell, int(hidden)))
    head, outputs = parts[4].split()
    return {"mode": mode, "input_kind": kind, "layers": layers, "head": head, "outputs": int(outputs)}


def with_directions(entries, prefix, state):
    """The architecture lists each direction of a layer (`lstm 8 / lstm 8` for one bidirectional layer); the
    `_reverse` tensors say which layers have two. Returns (cell, hidden, bidirectional) per layer."""
    layers = []
    i = 0
    while i < len(entries):
        cell, hidden = entries[i]
        bi = f"{prefix}rnn.weight_ih_l{len(layers)}_reverse" in state
        layers.append((cell, hidden, bi))
        i += 2 if bi else 1
    return layers


def build(torch, arch, state):
    """The torch model for `arch`, and rnnc's state_dict names translated to its own."""
    nn = torch.nn
    F = torch.nn.functional

    def cell_module(cell, inp, hidden, layers, bi):
        if cell in ("rnn_tanh", "rnn_relu"):
            return nn.RNN(inp, hidden, layers, nonlinearity=cell[4:], batch_first=True, bidirectional=bi)
        return (nn.LSTM if cell == "lstm" else nn.GRU)(inp, hidden, layers, batch_first=True, bidirectional=bi)

    class Stack(nn.Module):
        """One recurrent stack: `rnn` (uniform) or `layers` (one module per layer)."""

        def __init__(self, layers, in0):
            super().__init__()
            self.cells = layers
            self.uniform = len(set(layers)) == 1
            if self.uniform:
                self.rnn = cell_module(layers[0][0], in0, layers[0][1], len(layers), layers[0][2])
            else:
                widths = [in0] + [h * (2 if bi else 1) for _, h, bi in layers[:-1]]
                self.layers = nn.ModuleList(cell_module(c, i, h, 1, bi) for (c, h, bi), i in zip(layers, widths))

        def forward(self, u, h0=None, c0=None):
            """u [B, T, in]; h0/c0: per-layer initial states [directions, B, H_l] or None (zeros). Returns out and
            the h_n, c_n lists, each layer's [directions, B, H_l] (forward first)."""
            lstm = [c == "lstm" for c, _, _ in self.cells]
            dirs = [2 if bi else 1 for _, _, bi in self.cells]
            if self.uniform:
                state = None
                if h0 is not None:
                    h = torch.cat(h0)
                    state = (h, torch.cat(c0)) if lstm[0] else h
                out, st = self.rnn(u, state)
                h_n, c_n = (st if lstm[0] else (st, None))
                d = dirs[0]
                layers = range(len(self.cells))
                return out, [h_n[l * d:(l + 1) * d] for l in layers], (
                    [c_n[l * d:(l + 1) * d] for l in layers] if c_n is not None else [None] * len(self.cells))
            hs, cs = [], []
            out = u
            for l, module in enumerate(self.layers):
                state = None
                if h0 is not None:
                    state = (h0[l], c0[l]) if lstm[l] else h0[l]
                out, st = module(out, state)
                if lstm[l]:
                    hs.append(st[0])
                    cs.append(st[1])
                else:
                    hs.append(st)
                    cs.append(None)
            return out, hs, cs

    def rename(prefix, stack):
        """rnnc's name -> the module's name, for one stack."""
        names = {}
        for l, (_, _, bi) in enumerate(stack.cells):
            for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                for suffix in ("", "_reverse") if bi else ("",):
                    src = f"{prefix}rnn.{w}_l{l}{suffix}"
                    names[src] = src if stack.uniform else f"{prefix}layers.{l}.{w}_l0{suffix}"
        return names

    class Tokens(nn.Module):
        """The layer-0 input of a stack: features as they are, one-hot ids, or embedding rows."""

        def __init__(self, prefix, kind):
            super().__init__()
            self.kind = kind
            if kind == "tokens_embed":
                v, e = state[prefix + "embedding.weight"].shape
                self.embedding = nn.Embedding(v, e)
            self.vocab = state[prefix + "rnn.weight_ih_l0"].shape[1] if kind == "tokens" else None

        def forward(self, x, dtype):
            if self.kind == "features":
                return x.to(dtype)
            if self.kind == "tokens":
                return F.one_hot(x.long(), self.vocab).to(dtype)
            return self.embedding(x.long())

    mode = arch["mode"]
    layers = with_directions(arch["layers"], "decoder." if mode == "seq2seq" else "", state)
    arch["layers"] = layers
    outputs = arch["outputs"]
    top_width = layers[-1][1] * (2 if layers[-1][2] else 1)

    class Single(nn.Module):
        def __init__(self):
            super().__init__()
            # helpers in plain lists, so that only rnnc's names are registered (strict loading)
            self.input = [Tokens("", arch["input_kind"])]
            if arch["input_kind"] == "tokens_embed":
                self.embedding = self.input[0].embedding
            stack = Stack(layers, state["rnn.weight_ih_l0"].shape[1])
            # the stack's modules sit at the top level, as rnnc names them (rnn.*, layers.*)
            self.stack = [stack]
            if stack.uniform:
                self.rnn = stack.rnn
            else:
                self.layers = stack.layers
            self.fc = nn.Linear(top_width, outputs)

        def forward(self, x, y, dtype):
            stack = self.stack[0]
            if mode == "one_to_one" and arch["input_kind"] == "features":
                u = x.to(dtype).unsqueeze(1)
            elif mode == "one_to_many":
                # teacher-forced feedback of the previous target; zeros at step 0
                t = y.shape[1]
                if arch["head"] == "softmax":
                    prev = F.one_hot(y.long(), outputs).to(dtype)
                else:
                    prev = y.to(dtype)
                f = torch.cat([torch.zeros_like(prev[:, :1]), prev[:, :-1]], dim=1)
                u = torch.cat([x.to(dtype).unsqueeze(1).expand(-1, t, -1), f], dim=2)
            else:
                u = self.input[0](x, dtype)
            out, h, c = stack(u)
            if mode in ("many_to_one", "one_to_one"):
                # cat(h_n[-2], h_n[-1]) when the top layer is bidirectional; else the same as out[:, -1]
                last = torch.cat(list(h[-1]), dim=1) if layers[-1][2] else out[:, -1]
            logits = self.fc(last if mode in ("many_to_one", "one_to_one") else out)
            return logits, h, c

    class Seq2seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Module()
            self.decoder = nn.Module()
            enc_in = Tokens("encoder.", arch["input_kind"] if "encoder.embedding.weight" in state else "tokens")
            dec_in = Tokens("decoder.", "tokens_embed" if "decoder.embedding.weight" in state else "tokens")
            self.inputs = [enc_in, dec_in]
            enc_layers = with_directions(arch["layers_as_listed"], "encoder.", state)
            enc = Stack(enc_layers, state["encoder.rnn.weight_ih_l0"].shape[1])
            dec = Stack(layers, state["decoder.rnn.weight_ih_l0"].shape[1])
            self.stacks = [enc, dec]
            for part, tok, st in ((self.encoder, enc_in, enc), (self.decoder, dec_in, dec)):
                if tok.kind == "tokens_embed":
                    part.embedding = tok.embedding
                if st.uniform:
                    part.rnn = st.rnn
                else:
                    part.layers = st.layers
            self.decoder.fc = nn.Linear(top_width, outputs)

        def forward(self, x, y, dtype):
            enc, dec = self.stacks
            enc_in, dec_in = self.inputs
            _, h, c = enc(enc_in(x, dtype))
            d = torch.cat([torch.zeros_like(y[:, :1]), y[:, :-1]], dim=1)
            out, h, c = dec(dec_in(d, dtype), h, c)
            return self.decoder.fc(out), h, c

    if mode == "seq2seq":
        model = Seq2seq()
        names = {**rename("encoder.", model.stacks[0]), **rename("decoder.", model.stacks[1])}
    else:
        model = Single()
        names = rename("", model.stack[0])
    return model, names


def load(torch, path, architecture=None):
    tensors, meta = read_safetensors(torch, path)
    state = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    text = architecture or meta.get("rnnc.architecture")
    if text is None:
        raise SystemExit(f"{path} has no rnnc.architecture metadata: pass --architecture "
                         "'many_to_one, features 28, steps 28 -> 1, rnn_tanh 100 / rnn_tanh 100, softmax 10, cross_entropy'")
    arch = parse_architecture(text)
    arch["layers_as_listed"] = list(arch["layers"])
    model, names = build(torch, arch, state)
    dtype = torch.float64 if any(v.dtype == torch.float64 for v in state.values()) else torch.float32
    model = model.to(dtype)
    mapped = {names.get(k, k): v for k, v in state.items()}
    model.load_state_dict(mapped, strict=True)
    model.eval()
    return model, arch, names, meta, dtype


def relative_error(torch, actual, expected):
    expected = expected.to(torch.float64)
    actual = actual.to(torch.float64).reshape(expected.shape)
    scale = max(1.0, expected.abs().max().item())
    return (actual - expected).abs().max().item() / scale


def compare(torch, model, arch, dtype, expect_path, tolerance):
    expect, _ = read_safetensors(torch, expect_path)
    x = expect["x"]
    y = expect.get("y")
    with torch.no_grad():
        logits, h, c = model(x, y, dtype)
    worst = {"logits": relative_error(torch, logits, expect["logits"])}
    for l in range(len(arch["layers"])):
        worst[f"h_n_l{l}"] = relative_error(torch, h[l], expect[f"h_n_l{l}"])
        if c[l] is not None:
            worst[f"c_n_l{l}"] = relative_error(torch, c[l], expect[f"c_n_l{l}"])
    name, err = max(worst.items(), key=lambda kv: kv[1])
    verdict = "ok" if err <= tolerance else "MISMATCH"
    print(f"{verdict}: worst relative error {err:.3e} ({name}) over {', '.join(worst)}; tolerance {tolerance:g}")
    return err <= tolerance


def serve(torch, tolerance):
    """One comparison per stdin line; one answer line each, starting 'ok:', 'MISMATCH:' or 'ERROR:'."""
    print("ready", flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            checkpoint, expect = line.rstrip("\n").split("\t")
            model, arch, _, _, dtype = load(torch, checkpoint)
            compare(torch, model, arch, dtype, expect, tolerance)
        except (Exception, SystemExit) as e:  # one bad pair must not end the others
            print(f"ERROR: {type(e).__name__}: {e}")
        sys.stdout.flush()
    return 0


def main(argv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", help="safetensors written by rnnc (train, Checkpoint.save)")
    p.add_argument("--architecture", help="rnnc.architecture text, for a file without rnnc metadata")
    p.add_argument("--expect", help="safetensors with x, (y), logits, h_n_l<l>, c_n_l<l> to compare with")
    p.add_argument("--tolerance", type=float, default=1e-5)
    p.add_argument("--data", help="MNIST directory: score the test set (MNIST models)")
    p.add_argument("--model", help="(ignored; the cell is read from the checkpoint)")
    p.add_argument("--serve", action="store_true",
                   help="read 'CHECKPOINT<TAB>EXPECT' lines from stdin, answer one line each (torch is imported once)")
    args = p.parse_args(argv)
    if not args.serve and not args.checkpoint:
        p.error("--checkpoint is required (or --serve)")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    torch.set_num_threads(1)
    if args.serve:
        return serve(torch, args.tolerance)

    model, arch, names, meta, dtype = load(torch, args.checkpoint, args.architecture)
    renamed = {k: v for k, v in names.items() if k != v}
    print(f"loaded {args.checkpoint} into {type(model).__name__} ({arch['mode']}, "
          f"{' / '.join(f'{c} {h}' + (' bidirectional' if bi else '') for c, h, bi in arch['layers'])}, {dtype}); rnnc epoch {meta.get('rnnc.epoch', '?')}")
    if args.expect:
        return 0 if compare(torch, model, arch, dtype, args.expect, args.tolerance) else 1
    if args.data:
        import pytorch_mnist
        x, y = pytorch_mnist.load_split(torch, args.data, "test_images", "test_labels")
        correct = 0
        with torch.no_grad():
            for i in range(0, len(x), 1000):
                logits = model(x[i:i + 1000], None, dtype)[0]
                correct += int((logits.argmax(dim=1) == y[i:i + 1000]).sum())
        accuracy = correct / len(x)
        print(f"PyTorch test accuracy: {100 * accuracy:.1f}%")
        return 0
    print(model)
    for src, dst in renamed.items():
        print(f"  {src} -> {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
