"""Loads the convolutional chapter's checkpoint into PyTorch and evaluates it on the test images.

The chapter saves its main model under `nn.Sequential`'s names and PyTorch's weight layouts. This
builds the same model in PyTorch, loads the checkpoint with `load_state_dict(strict=True)` (every name
and shape must match), and prints the test BCE per pixel, to compare with `test_loss` in the run's
metrics.json. Not part of the workbook's build: run it from any Python with torch and safetensors.

    python3 bench/pytorch_checkpoint.py runs/convolutional [--data /usr/share/datasets/fashion-mnist]
"""
import argparse
import gzip
import json
import os
import sys

import numpy
import torch
from safetensors.torch import load_file
from torch import nn

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("run", help="the chapter's output folder (holds convolutional.safetensors, metrics.json)")
parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
parser.add_argument("--channels", type=int, default=32)
parser.add_argument("--kernel-size", type=int, default=3)
parser.add_argument("--code-size", type=int, default=20)
arguments = parser.parse_args()

c, k, code = arguments.channels, arguments.kernel_size, arguments.code_size
p = k // 2
encoder = nn.Sequential(nn.Conv2d(1, c, k, 2, p), nn.ReLU(), nn.Conv2d(c, 2 * c, k, 2, p), nn.ReLU(),
                        nn.Flatten(), nn.Linear(98 * c, code))
decoder = nn.Sequential(nn.Linear(code, 98 * c), nn.ReLU(), nn.Unflatten(1, (2 * c, 7, 7)),
                        nn.ConvTranspose2d(2 * c, c, k, 2, p, 1), nn.ReLU(),
                        nn.ConvTranspose2d(c, 1, k, 2, p, 1))
model = nn.ModuleDict({"encoder": encoder, "decoder": decoder})
model.load_state_dict(load_file(os.path.join(arguments.run, "convolutional.safetensors")), strict=True)

with gzip.open(os.path.join(arguments.data, "t10k-images-idx3-ubyte.gz")) as file:
    images = numpy.frombuffer(file.read(), dtype=numpy.uint8, offset=16).reshape(-1, 1, 28, 28)
metrics = json.load(open(os.path.join(arguments.run, "metrics.json")))
if metrics["quick"]:  # the harness's quick subset: the first 50 test images of each class
    with gzip.open(os.path.join(arguments.data, "t10k-labels-idx1-ubyte.gz")) as file:
        labels = numpy.frombuffer(file.read(), dtype=numpy.uint8, offset=8)
    images = images[sorted(i for label in range(10) for i in numpy.flatnonzero(labels == label)[:50])]
test = torch.from_numpy(images.astype(numpy.float32) / 255)
with torch.no_grad():
    losses = [nn.functional.binary_cross_entropy_with_logits(decoder(encoder(batch)), batch).item() * len(batch)
              for batch in test.split(500)]
pytorch_loss = sum(losses) / len(test)
recorded = metrics["metrics"]["test_loss"]
print(f"strict load: ok; test BCE per pixel in PyTorch {pytorch_loss:.6f}, recorded by the chapter {recorded:.6f}, "
      f"difference {abs(pytorch_loss - recorded):.1e}")
sys.exit(0 if abs(pytorch_loss - recorded) < 1e-4 else 1)
