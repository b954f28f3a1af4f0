"""Loads a checkpoint written by rnnc into PyTorch and evaluates it on the MNIST test set.

The interoperability check of the runtime's checkpoints: rnnc writes safetensors under PyTorch's
state_dict names, so the seed model (or a twin) trained by `rnnc train` loads into the equivalent
torch module with `load_state_dict(strict=True)` and scores the same test accuracy as rnnc reported.
The file is read with the standard library (8-byte header length, JSON header, raw little-endian data),
as the `safetensors` package is not a Debian package; optimizer tensors (`optimizer.*`) are skipped.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/load_in_pytorch.py --model rnn \
        --checkpoint rnnc-out/MnistRnn.safetensors --data samples/mnist/data
"""

import argparse
import json
import os
import struct
import sys

DTYPES = {"F32": ("float32", 4), "F64": ("float64", 8)}


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


def main(argv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, choices=("rnn", "lstm", "gru"))
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--data", required=True)
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    import rnnc_models
    import pytorch_mnist
    torch.set_num_threads(1)

    tensors, meta = read_safetensors(torch, args.checkpoint)
    state = {k: v.float() for k, v in tensors.items() if not k.startswith("optimizer.")}
    model = rnnc_models.SeqClassifier(args.model)
    model.load_state_dict(state, strict=True)
    x, y = pytorch_mnist.load_split(torch, args.data, "test_images", "test_labels")
    accuracy = pytorch_mnist.evaluate(torch, model, x, y)
    print(f"loaded {len(state)} tensors ({', '.join(list(state)[:3])}, ...) from {args.checkpoint}; "
          f"rnnc epoch {meta.get('rnnc.epoch', '?')}")
    print(f"PyTorch test accuracy: {100 * accuracy:.1f}%")


if __name__ == "__main__":
    main(sys.argv[1:])
