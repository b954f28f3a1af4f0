#!/usr/bin/env python3
"""PyTorch side of the samples' learning table: the same network as each sample's spec, on the same data files,
split, batch, optimizer and epochs as rnnc's runner (samples/src/main/java/io/rnnc/samples/run/SampleRun.java),
with the same metric. Prints the metric lines and a last line `result {json}` (the fields SampleRun prints).

    /usr/bin/python3 bench/pytorch_samples.py SAMPLE [--epochs N] [--seed S] [--padded] [--train-limit N] [--eval-limit N]
        [--init FILE] [--order pytorch|rnnc]

One thread (torch.set_num_threads(1)); run with OMP_WAIT_POLICY=PASSIVE. The data are the files the samples' fetch
scripts write (samples/*/data). --padded mirrors a model compiled without per-sample lengths, as rnnc's runner
reports it ("lengths": "padded"): padding is read as data and counted in the loss, as rnnc does then; without it,
sequences are packed (pack_padded_sequence) and the loss counts valid positions only. Metrics count valid positions
either way. Reading, vocabularies, labels, splits and normalisation follow the runtime's readers (docs/data.md).

--init FILE and --order rnnc take away the two things the two sides draw differently: the initial weights (FILE as
`samples/run.sh SAMPLE --save-init FILE` writes them: rnnc's own draw for that seed) and the batch order (rnnc's
shuffle, replayed). With both, a run computes what rnnc's run computes (docs/learning.md, digit_drawer).
"""

import argparse
import csv
import gzip
import json
import math
import os
import random
import struct
import sys
import time

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")

# Must match SampleRun.defaultEpochs.
DEFAULT_EPOCHS = {"char_lm": 2, "sunspots": 60, "births": 20, "air_passengers": 15, "g2p": 3, "names": 8, "sensor": 30,
                  "digit_drawer": 4, "xor": 300}

PAD, UNK, END = 0, 1, 2


# ---------------------------------------------------------------------------------------------- data, as rnnc reads it

class Vocab:
    """Reserved ids first (pad/start 0, unknown 1, [end 2]), then the training tokens in code-point order."""

    def __init__(self, tokens, with_end=False):
        self.reserved = 3 if with_end else 2
        self.tokens = sorted(set(tokens))
        self.ids = {t: i + self.reserved for i, t in enumerate(self.tokens)}

    def size(self):
        return self.reserved + len(self.tokens)

    def encode(self, tokens):
        return [self.ids.get(t, UNK) for t in tokens]


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    return [l.split("\t") for l in lines[1:]]  # every sample file has a header


def read_text(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def java_round(x):
    return math.floor(x + 0.5)


def batches(n, batch, rng):
    order = list(range(n))
    rng.shuffle(order)
    return [order[i:i + batch] for i in range(0, n, batch)]


MASK64 = (1 << 64) - 1


class RnncRng:
    """rnnc's generator (the runtime's io.rnnc.runtime.init.Rng, SplitMix64) as far as a shuffle needs it: --order
    rnnc replays rnnc's batch order."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_int(self, bound):
        limit = MASK64 % bound
        while True:
            r = self.next_long()
            if r <= MASK64 - limit or limit == 0:
                return r % bound

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = self.next_int(i + 1)
            a[i], a[j] = a[j], a[i]


def rnnc_epoch_seed(seed, epoch):
    """The runtime's Batches.epochSeed (epoch 0-based)."""
    z = (seed * 0x9E3779B97F4A7C15 + (epoch + 1) * 0xD1B54A32D192ED03) & MASK64
    z = ((z ^ (z >> 33)) * 0xFF51AFD7ED558CCD) & MASK64
    return z ^ (z >> 33)


def rnnc_batches(n, batch, seed, epoch):
    order = list(range(n))
    RnncRng(rnnc_epoch_seed(seed, epoch)).shuffle(order)
    return [order[i:i + batch] for i in range(0, n, batch)]


# rnnc's checkpoint names -> this script's module names, where they differ (the encoder-decoder)
RNNC_NAMES = [("encoder.embedding.", "enc_embedding."), ("encoder.rnn.", "enc_rnn."), ("decoder.embedding.", "dec_embedding."),
              ("decoder.rnn.", "dec_rnn."), ("decoder.fc.", "fc.")]


def initial(a, model):
    """--init FILE: the model starts from the weights in FILE (safetensors, PyTorch's names, as SampleRun --save-init
    writes them) instead of PyTorch's own draw; every parameter must be there."""
    if a.init is None:
        return model
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from load_in_pytorch import read_safetensors
    tensors, _ = read_safetensors(torch, a.init)
    state = {}
    for name, t in tensors.items():
        if name.startswith("optimizer."):
            continue
        for theirs, ours in RNNC_NAMES:
            if name.startswith(theirs):
                name = ours + name[len(theirs):]
        state[name] = t.to(torch.float32)
    model.load_state_dict(state, strict=True)
    print(f"initial weights: {a.init}", flush=True)
    return model


def clip(model, norm):
    if norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), norm)


# ---------------------------------------------------------------------------------------------- models

class Stack(nn.Module):
    """embedding (optional) -> recurrent layers (dropout between them, optionally bidirectional) -> fc; many_to_one
    reads each sample's last valid step (bidirectional: cat(h_n[-2], h_n[-1]), as rnnc)."""

    def __init__(self, cell, inputs, hidden, outputs, vocab=None, embed=None, many_to_one=False, layers=1,
                 bidirectional=False, dropout=0.0):
        super().__init__()
        if vocab is not None:
            self.embedding = nn.Embedding(vocab, embed)
            inputs = embed
        else:
            self.embedding = None
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell](
            inputs, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional, dropout=dropout)
        self.bidirectional = bidirectional
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), outputs)
        self.many_to_one = many_to_one

    def last(self, state):
        h = state[0] if isinstance(state, tuple) else state
        return torch.cat([h[-2], h[-1]], dim=-1) if self.bidirectional else h[-1]

    def forward(self, x, lengths=None, state=None):
        """With state (stateful chunks): returns the logits and the final state."""
        u = self.embedding(x) if self.embedding is not None else x
        if state is not None:
            out, state = self.rnn(u, state)
            return self.fc(out), state
        if lengths is None:
            out, state = self.rnn(u)
            return self.fc(self.last(state) if self.many_to_one else out)
        packed = pack_padded_sequence(u, lengths, batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        if self.many_to_one:
            return self.fc(self.last(state))
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=u.size(1))
        return self.fc(out)


class Seq2Seq(nn.Module):
    def __init__(self, v_in, e_in, v_out, e_out, hidden):
        super().__init__()
        self.enc_embedding = nn.Embedding(v_in, e_in)
        self.enc_rnn = nn.LSTM(e_in, hidden, batch_first=True)
        self.dec_embedding = nn.Embedding(v_out, e_out)
        self.dec_rnn = nn.LSTM(e_out, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, v_out)

    def encode(self, src, lengths=None):
        e = self.enc_embedding(src)
        if lengths is None:
            _, state = self.enc_rnn(e)
        else:
            _, state = self.enc_rnn(pack_padded_sequence(e, lengths, batch_first=True, enforce_sorted=False))
        return state

    def forward(self, src, dec_in, lengths=None):
        out, _ = self.dec_rnn(self.dec_embedding(dec_in), self.encode(src, lengths))
        return self.fc(out)

    def step(self, token, state):
        out, state = self.dec_rnn(self.dec_embedding(token.view(-1, 1)), state)
        return torch.log_softmax(self.fc(out[:, -1, :]).double(), dim=-1), state


# ---------------------------------------------------------------------------------------------- the samples

def char_lm(a, result):
    data = os.path.join(a.root, "char_lm", "data")
    train_text, valid_text = read_text(os.path.join(data, "dickens-train.txt")), read_text(os.path.join(data, "dickens-valid.txt"))
    vocab = Vocab(train_text)
    T = 100

    def windows(text):
        ids = vocab.encode(text)
        n = (len(ids) - T - 1) // T + 1
        x = torch.tensor([ids[k * T:k * T + T] for k in range(n)])
        y = torch.tensor([ids[k * T + 1:k * T + T + 1] for k in range(n)])
        return x, y

    ids = vocab.encode(train_text)
    if a.train_limit is not None:  # the first N windows' worth of text, as rnnc's --train-limit
        ids = ids[:a.train_limit * T + 1]
    # batchify: 64 parallel streams; chunk j of every stream is batch j; each stream carries its state across chunks
    B = 64
    L = (len(ids) - 1) // B
    data = torch.tensor(ids[:B * L + 1])
    sx = torch.stack([data[b * L:(b + 1) * L] for b in range(B)])
    sy = torch.stack([data[b * L + 1:(b + 1) * L + 1] for b in range(B)])
    vx, vy = evaluation_limit(a, *windows(valid_text))
    model = initial(a, Stack("lstm", None, 128, 80, vocab=80, embed=32, layers=2, dropout=0.1))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    first = None
    for epoch in range(1, a.epochs + 1):
        model.train()
        state, total, count = None, 0.0, 0
        for j in range(0, L, T):
            xb, yb = sx[:, j:j + T], sy[:, j:j + T]
            if state is None:
                state = tuple(torch.zeros(2, B, 128) for _ in range(2))
            opt.zero_grad()
            logits, state = model(xb, state=state)
            state = tuple(s.detach() for s in state)
            loss = loss_fn(logits.reshape(-1, 80), yb.reshape(-1))
            loss.backward()
            clip(model, 5.0)
            opt.step()
            first = loss.item() if first is None else first
            total += loss.item() * xb.size(1)
            count += xb.size(1)
        if epoch % max(1, a.epochs // 20) == 0 or epoch == a.epochs:
            print(f"epoch {epoch}: training loss {total / count:.4f}", flush=True)
    model.eval()
    put(result, "first_step_loss", first)
    put(result, "train_loss", total / count)
    with torch.no_grad():
        total = sum(loss_fn(model(vx[i:i + 64]).reshape(-1, 80), vy[i:i + 64].reshape(-1)).item() * len(vx[i:i + 64])
                    for i in range(0, len(vx), 64))
    put(result, "valid_bpc", total / len(vx) / math.log(2))


def score(result, actual, predicted, naive):
    """Test MAE and RMSE of the forecasts and of the seasonal-naive ones, summed in order as SampleRun sums them."""
    abs_err = sq_err = naive_abs = naive_sq = 0.0
    for a_, p, n_ in zip(actual, predicted, naive):
        abs_err += abs(p - a_)
        sq_err += (p - a_) ** 2
        naive_abs += abs(n_ - a_)
        naive_sq += (n_ - a_) ** 2
    k = len(actual)
    put(result, "test_mae", abs_err / k)
    put(result, "test_rmse", math.sqrt(sq_err / k))
    put(result, "naive_mae", naive_abs / k)
    put(result, "naive_rmse", math.sqrt(naive_sq / k))
    result["test_points"] = k


def forecast(a, result, name, inputs, period):
    with open(os.path.join(a.root, "forecast", "data", name + ".csv")) as f:
        rows = list(csv.DictReader(f))
    cols = list(rows[0].keys())
    values = {c: [float(r[c]) for r in rows] for c in cols}
    n = len(rows)
    n_valid, n_test = java_round(n * 0.1), java_round(n * 0.2)
    n_train = n - n_valid - n_test
    mean = {c: sum(values[c][:n_train]) / n_train for c in cols}
    std = {c: math.sqrt(sum((v - mean[c]) ** 2 for v in values[c][:n_train]) / n_train) or 1.0 for c in cols}
    z = {c: [(v - mean[c]) / std[c] for v in values[c]] for c in cols}
    many = name == "births"
    T = 56 if many else 24
    first_target, last_target = (1, T) if many else (T, T)  # window s: targets rows s+first .. s+last

    def windows(lo, hi):
        s0, s1 = max(0, lo - first_target), hi - last_target
        x = torch.tensor([[[z[c][s + t] for c in inputs] for t in range(T)] for s in range(s0, s1)])
        if many:
            y = torch.tensor([[[z[name][s + t + 1]] for t in range(T)] for s in range(s0, s1)])
        else:
            y = torch.tensor([[z[name][s + T]] for s in range(s0, s1)])
        return x, y, s0

    x, y, _ = windows(0, n_train)
    x, y = limit(a, x, y)
    tx, ty, t0 = windows(n_train + n_valid, n)
    if many:
        model, lr, batch = Stack("lstm", 2, 32, 1), 3e-3, 32
    else:
        model, lr, batch = Stack("gru", 1, 32, 1, many_to_one=True), 5e-3, 16
    model = initial(a, model)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    train(a, result, model, opt, len(x), batch, lambda idx: loss_fn(model(x[idx]), y[idx]))
    with torch.no_grad():
        out = model(tx)
    pred = (out[:, -1, 0] if many else out[:, 0]).tolist()
    truth = values[name]
    rows = [t0 + w + T for w in range(len(pred))]
    score(result, [truth[r] for r in rows], [p * std[name] + mean[name] for p in pred],
          [truth[r - period] for r in rows])


def air_passengers(a, result):
    """Next month's year-over-year log growth from the last 24 months' (GRU 16); the metric in passengers,
    passengers_year_before * exp(growth), against the 12-month seasonal naive (passengers_year_before), as SampleRun."""
    with open(os.path.join(a.root, "forecast", "data", "air_passengers.csv")) as f:
        rows = list(csv.DictReader(f))
    growth = [float(r["log_growth"]) for r in rows]
    passengers = [float(r["passengers"]) for r in rows]
    year_before = [float(r["passengers_year_before"]) for r in rows]
    n = len(rows)
    n_valid, n_test = java_round(n * 0.1), java_round(n * 0.2)
    n_train = n - n_valid - n_test
    mean = sum(growth[:n_train]) / n_train
    std = math.sqrt(sum((v - mean) ** 2 for v in growth[:n_train]) / n_train) or 1.0
    z = [(v - mean) / std for v in growth]
    T = 24

    def windows(lo, hi):
        s0, s1 = max(0, lo - T), hi - T
        x = torch.tensor([[[z[s + t]] for t in range(T)] for s in range(s0, s1)])
        y = torch.tensor([[z[s + T]] for s in range(s0, s1)])
        return x, y, s0

    x, y, _ = windows(0, n_train)
    x, y = limit(a, x, y)
    tx, ty, t0 = windows(n_train + n_valid, n)
    model = initial(a, Stack("gru", 1, 16, 1, many_to_one=True))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.MSELoss()
    train(a, result, model, opt, len(x), 8, lambda idx: loss_fn(model(x[idx]), y[idx]))
    with torch.no_grad():
        out = model(tx)
    pred = out[:, 0].tolist()
    rows = [t0 + w + T for w in range(len(pred))]
    score(result, [passengers[r] for r in rows],
          [year_before[r] * math.exp(p * std + mean) for r, p in zip(rows, pred)], [year_before[r] for r in rows])


def g2p(a, result):
    data = os.path.join(a.root, "g2p", "data")
    train_pairs = read_tsv(os.path.join(data, "train.tsv"))
    src_vocab = Vocab([ch for w, _ in train_pairs for ch in w])
    tgt_vocab = Vocab([p for _, ph in train_pairs for p in ph.split()], with_end=True)
    T_IN, T_OUT = 20, 20

    def encode(pairs):
        src, tgt, lengths, tlengths = [], [], [], []
        for w, ph in pairs:
            s = src_vocab.encode(list(w))
            t = tgt_vocab.encode(ph.split()) + [END]
            lengths.append(len(s))
            tlengths.append(len(t))
            src.append(s + [PAD] * (T_IN - len(s)))
            tgt.append(t + [PAD] * (T_OUT - len(t)))
        return torch.tensor(src), torch.tensor(tgt), torch.tensor(lengths), torch.tensor(tlengths)

    src, tgt, lengths, tlengths = limit(a, *encode(train_pairs))
    test = evaluation_limit(a, *encode(read_tsv(os.path.join(data, "test.tsv"))))
    model = initial(a, Seq2Seq(30, 32, 42, 32, 128))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss(reduction="sum")

    def step(idx):
        s, t = src[idx], tgt[idx]
        dec_in = torch.cat([torch.zeros(len(idx), 1, dtype=torch.long), t[:, :-1]], dim=1)
        logits = model(s, dec_in, None if a.padded else lengths[idx])
        if a.padded:
            return loss_fn(logits.reshape(-1, 42), t.reshape(-1)) / t.numel()
        mask = torch.arange(T_OUT)[None, :] < tlengths[idx][:, None]
        return loss_fn(logits[mask], t[mask]) / mask.sum()

    train(a, result, model, opt, len(src), 64, step, clip_norm=5.0)
    words = len(test[0])
    with torch.no_grad():
        for width in (1, 4):
            edits = phonemes = exact = 0
            for i in range(words):
                length = None if a.padded else test[2][i:i + 1]
                state = model.encode(test[0][i:i + 1], length)
                hyp = beam_search(model, state, width, T_OUT)
                ref = test[1][i, :int(test[3][i]) - 1].tolist()
                d = edit_distance(hyp, ref)
                edits, phonemes, exact = edits + d, phonemes + len(ref), exact + (d == 0)
            key = "greedy" if width == 1 else f"beam{width}"
            put(result, key + "_per", edits / phonemes)
            put(result, key + "_word_acc", exact / words)
    result["test_words"] = words


def beam_search(model, state, width, max_steps):
    """Summed log-probabilities; a hypothesis that emits END is finished and keeps its slot (width 1 = greedy)."""
    live = [(0.0, [], state)]
    finished = []
    for _ in range(max_steps):
        cands = []
        for score, ids, st in live:
            logp, new_state = model.step(torch.tensor([ids[-1] if ids else 0]), st)
            top = torch.topk(logp[0], width)
            for lp, tok in zip(top.values.tolist(), top.indices.tolist()):
                cands.append((score + lp, ids + [tok], new_state))
        cands.sort(key=lambda c: -c[0])
        live = []
        for c in cands[:width]:
            (finished if c[1][-1] == END else live).append(c)
        best_done = max((f[0] for f in finished), default=-math.inf)
        live = [c for c in live if c[0] > best_done]
        if not live:
            break
    best = max(finished + live, key=lambda c: c[0])
    return [t for t in best[1] if t != END]


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(cur[j - 1] + 1, prev[j] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
        prev = cur
    return prev[len(b)]


def names(a, result):
    data = os.path.join(a.root, "names", "data")
    train_rows = read_tsv(os.path.join(data, "train.tsv"))
    vocab = Vocab([ch for n, _ in train_rows for ch in n])
    labels = sorted({l for _, l in train_rows})
    T = 16

    def encode(rows):
        x = torch.tensor([vocab.encode(list(n)) + [PAD] * (T - len(n)) for n, _ in rows])
        return x, torch.tensor([labels.index(l) for _, l in rows]), torch.tensor([len(n) for n, _ in rows])

    x, y, lengths = limit(a, *encode(train_rows))
    tx, ty, tl = encode(read_tsv(os.path.join(data, "test.tsv")))
    model = initial(a, Stack("gru", None, 64, 2, vocab=56, embed=16, many_to_one=True, bidirectional=True))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()
    train(a, result, model, opt, len(x), 32,
          lambda idx: loss_fn(model(x[idx], None if a.padded else lengths[idx]), y[idx]))
    with torch.no_grad():
        pred = model(tx, None if a.padded else tl).argmax(-1).tolist()
    confusion = [[0, 0], [0, 0]]
    for t, p in zip(ty.tolist(), pred):
        confusion[t][p] += 1
    put(result, "test_accuracy", (confusion[0][0] + confusion[1][1]) / len(pred))
    put(result, "test_macro_f1", macro_f1(confusion))
    print(f"confusion (rows: true {labels}, columns: predicted): {confusion}")


def macro_f1(confusion):
    k = len(confusion)
    total = 0.0
    for c in range(k):
        tp = confusion[c][c]
        predicted = sum(confusion[r][c] for r in range(k))
        actual = sum(confusion[c])
        p = tp / predicted if predicted else 0.0
        r = tp / actual if actual else 0.0
        total += 2 * p * r / (p + r) if p + r else 0.0
    return total / k


def read_sensor(path, T=100, F=4):
    xs, ys, lengths = [], [], []
    for x, tags in read_tsv(path):
        steps = [[float(v) for v in s.split()] for s in x.split(";")]
        t = [int(v) for v in tags.split()]
        lengths.append(len(steps))
        xs.append(steps + [[0.0] * F] * (T - len(steps)))
        ys.append(t + [0] * (T - len(t)))
    return torch.tensor(xs), torch.tensor(ys), torch.tensor(lengths)


def sensor(a, result):
    data = os.path.join(a.root, "sensor_tagging", "data")
    x, y, lengths = limit(a, *read_sensor(os.path.join(data, "train.tsv")))
    tx, ty, tl = read_sensor(os.path.join(data, "test.tsv"))
    model = initial(a, Stack("gru", 4, 32, 2))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_sum = nn.CrossEntropyLoss(reduction="sum")

    def step(idx):
        logits = model(x[idx], None if a.padded else lengths[idx])
        if a.padded:
            return loss_sum(logits.reshape(-1, 2), y[idx].reshape(-1)) / y[idx].numel()
        mask = torch.arange(100)[None, :] < lengths[idx][:, None]
        return loss_sum(logits[mask], y[idx][mask]) / mask.sum()

    train(a, result, model, opt, len(x), 16, step)
    mask = torch.arange(100)[None, :] < tl[:, None]
    with torch.no_grad():
        pred = model(tx, None if a.padded else tl).argmax(-1)[mask]
    prf(result, "event", ty[mask], pred)
    # the baseline: an event where the humidity's standardised change since the last reading exceeds a threshold,
    # the threshold chosen on the training motes for the best F1
    train_mask = torch.arange(100)[None, :] < lengths[:, None]
    jump, truth = x[:, :, 2].abs()[train_mask], y[train_mask]
    best = max((f1_of(truth, jump > k), k) for k in [0.25 * i for i in range(1, 80)])
    prf(result, "threshold", ty[mask], (tx[:, :, 2].abs()[mask] > best[1]).long())
    result["threshold"] = best[1]


def f1_of(truth, pred):
    tp = int(((pred == 1) & (truth == 1)).sum())
    fp = int(((pred == 1) & (truth == 0)).sum())
    fn = int(((pred == 0) & (truth == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def prf(result, key, truth, pred):
    tp = int(((pred == 1) & (truth == 1)).sum())
    fp = int(((pred == 1) & (truth == 0)).sum())
    fn = int(((pred == 0) & (truth == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    put(result, key + "_precision", p)
    put(result, key + "_recall", r)
    put(result, key + "_f1", 2 * p * r / (p + r) if p + r else 0.0)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", raw[8:16])
        return torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).view(n, rows, cols).float() / 255
    return torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8).long()


def digit_drawer(a, result):
    data = os.path.join(a.root, "mnist", "data")
    images = read_idx(os.path.join(data, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data, "train-labels-idx1-ubyte.gz"))
    images, labels = limit(a, images, labels)
    test_images, test_labels = evaluation_limit(a, read_idx(os.path.join(data, "t10k-images-idx3-ubyte.gz")),
                                                read_idx(os.path.join(data, "t10k-labels-idx1-ubyte.gz")))
    model = initial(a, Stack("lstm", 10 + 28, 128, 28))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    def inputs(img, lab):
        # step t reads the class one-hot and the true previous row (zeros at t = 0): teacher forcing
        onehot = nn.functional.one_hot(lab, 10).float()[:, None, :].expand(-1, 28, -1)
        previous = torch.cat([torch.zeros(len(img), 1, 28), img[:, :-1, :]], dim=1)
        return torch.cat([onehot, previous], dim=2)

    train(a, result, model, opt, len(images), 64, lambda idx: loss_fn(model(inputs(images[idx], labels[idx])), images[idx]))
    with torch.no_grad():
        total = sum(loss_fn(model(inputs(test_images[i:i + 64], test_labels[i:i + 64])), test_images[i:i + 64]).item()
                    * len(test_images[i:i + 64]) for i in range(0, len(test_images), 64))
    put(result, "test_bce", total / len(test_images))


def xor(a, result):
    x = torch.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
    y = torch.tensor([[0.], [1.], [1.], [0.]])
    model = initial(a, Stack("rnn", 2, 8, 1, many_to_one=True))
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss()
    train(a, result, model, opt, 4, 64, lambda idx: loss_fn(model(x[idx][:, None, :]), y[idx]))
    with torch.no_grad():
        out = torch.sigmoid(model(x[:, None, :]))
        put(result, "accuracy", float((out.round() == y).float().mean()))
        put(result, "final_loss", loss_fn(model(x[:, None, :]), y).item())


# ---------------------------------------------------------------------------------------------- training

def limit(a, *tensors):
    return tensors if a.train_limit is None else tuple(t[:a.train_limit] for t in tensors)


def evaluation_limit(a, *tensors):
    return tensors if a.eval_limit is None else tuple(t[:a.eval_limit] for t in tensors)


def train(a, result, model, opt, n, batch, step, clip_norm=None):
    rng = random.Random(a.seed)
    first = None
    for epoch in range(1, a.epochs + 1):
        total, count = 0.0, 0
        model.train()
        for idx in rnnc_batches(n, batch, a.seed, epoch - 1) if a.order == "rnnc" else batches(n, batch, rng):
            idx = torch.tensor(idx)
            opt.zero_grad()
            loss = step(idx)
            loss.backward()
            clip(model, clip_norm)
            opt.step()
            first = loss.item() if first is None else first
            total += loss.item() * len(idx)
            count += len(idx)
        if epoch % max(1, a.epochs // 20) == 0 or epoch == a.epochs:
            print(f"epoch {epoch}: training loss {total / count:.4f}", flush=True)
    model.eval()
    put(result, "first_step_loss", first)
    put(result, "train_loss", total / count)


def put(result, key, value):
    result[key] = float(f"{value:.6g}")
    print(f"{key}: {value:.4f}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sample", choices=sorted(DEFAULT_EPOCHS))
    p.add_argument("--epochs", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--padded", action="store_true", help="read padding as data, as a model without lengths does")
    p.add_argument("--train-limit", type=int)
    p.add_argument("--eval-limit", type=int)
    p.add_argument("--root", default=ROOT)
    p.add_argument("--init", help="start from these weights (safetensors, e.g. from SampleRun --save-init)")
    p.add_argument("--order", choices=("pytorch", "rnnc"), default="pytorch",
                   help="batch order: this script's shuffle, or rnnc's (the runtime's Batches with the same seed)")
    a = p.parse_args()
    a.epochs = a.epochs or DEFAULT_EPOCHS[a.sample]
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    result = {"sample": a.sample, "seed": a.seed, "epochs": a.epochs, "lengths": "padded" if a.padded else "packed"}
    t0 = time.time()
    {"char_lm": char_lm, "g2p": g2p, "names": names, "sensor": sensor, "digit_drawer": digit_drawer, "xor": xor,
     "sunspots": lambda a, r: forecast(a, r, "sunspots", ["sunspots"], 11),
     "births": lambda a, r: forecast(a, r, "births", ["births", "day_of_week"], 7),
     "air_passengers": air_passengers}[a.sample](a, result)
    result["seconds"] = round(time.time() - t0, 1)
    print("result " + json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
