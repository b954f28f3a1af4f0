"""The seed model and its LSTM and GRU twins, built in PyTorch exactly as rnnc's MNIST specs.

Shared by pytorch_bench.py (speed) and pytorch_mnist.py (learning fidelity), so both measure the same
network. Shapes follow samples/mnist/mnist_{rnn,lstm,gru}.rnn: 28 steps of 28 inputs, 2 stacked layers
of 100 units, the last step's output through a dense layer of 10 (softmax at inference, cross-entropy
on logits in training), Adam with PyTorch defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8).

The module layout mirrors the seed model of the origin document (`self.rnn`, `self.fc`, an explicit zero
initial state), so state_dict names match rnnc's (`rnn.weight_ih_l0`, ..., `fc.weight`, `fc.bias`).
"""

import torch
from torch import nn

INPUT_SIZE = 28
SEQUENCE_LENGTH = 28
HIDDEN_SIZE = 100
NUM_LAYERS = 2
NUM_CLASSES = 10

# Gate blocks per cell: the number of H-wide rows in weight_ih / weight_hh.
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
MODEL_NAMES = tuple(GATES)


class SeqClassifier(nn.Module):
    """Stacked recurrent layers, many-to-one, then a dense output layer (logits)."""

    def __init__(self, cell, input_size=INPUT_SIZE, hidden_size=HIDDEN_SIZE,
                 num_layers=NUM_LAYERS, num_classes=NUM_CLASSES):
        super().__init__()
        if cell not in GATES:
            raise ValueError(f"unknown cell '{cell}'; expected one of {', '.join(MODEL_NAMES)}")
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        kwargs = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        self.rnn = layer(input_size, hidden_size, num_layers, batch_first=True, **kwargs)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        # Zero initial state, passed explicitly as the seed model does (same cost as a user would pay).
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        state = (h0, torch.zeros_like(h0)) if self.cell == "lstm" else h0
        out, _ = self.rnn(x, state)
        return self.fc(out[:, -1, :])


def build(cell):
    """Returns (model, loss function, optimizer) for one of 'rnn', 'lstm', 'gru'."""
    model = SeqClassifier(cell)
    return model, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=1e-3)


def forward_flops_per_sample(cell, input_size=INPUT_SIZE, hidden_size=HIDDEN_SIZE,
                             num_layers=NUM_LAYERS, steps=SEQUENCE_LENGTH, num_classes=NUM_CLASSES):
    """Matmul FLOPs of one forward pass per sample (issue 7's convention).

    2 * sum over layers and steps of (in_l + H) * G * H, plus 2 * H * O for the dense layer.
    Elementwise work (activations, biases, softmax, loss, Adam) is not counted.
    """
    g = GATES[cell]
    total = 0
    for layer in range(num_layers):
        in_l = input_size if layer == 0 else hidden_size
        total += 2 * steps * (in_l + hidden_size) * g * hidden_size
    return total + 2 * hidden_size * num_classes


def train_flops_per_sample(cell):
    """A training step counts as 3 forward passes (forward, and backward's two matmuls per forward one)."""
    return 3 * forward_flops_per_sample(cell)
