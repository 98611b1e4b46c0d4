# The inputs and printing the reference scripts share: exact binary fractions from a formula, so
# PyTorch and the Swift tests start from identical values.
import torch


def pattern(shape, multiplier, modulus, offset, scale):
    """((i * multiplier) % modulus - offset) / scale for i = 0, 1, ... in row-major order."""
    count = 1
    for extent in shape:
        count *= extent
    values = [((i * multiplier) % modulus - offset) / scale for i in range(count)]
    return torch.tensor(values).reshape(shape)


def show(name, tensor):
    flat = tensor.flatten().tolist()
    print(f"{name} {list(tensor.shape)}: [" + ", ".join(repr(v) for v in flat) + "]")
