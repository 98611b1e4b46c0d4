# Prints the expected values of Tests/TensorEngineTests/ConvolutionTests.swift, computed by PyTorch.
# Run with any PyTorch (the numbers in the test came from PyTorch 2.15, CPU, float64):
#   python3 Tests/TensorEngineTests/References/convolution.py
# Inputs are exact binary fractions from a formula, so both sides start from identical values.
import torch

from inputs import pattern, show
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

x = pattern([2, 2, 5, 5], 7, 11, 5, 4)
w = pattern([3, 2, 3, 3], 5, 9, 4, 8)
b = torch.tensor([0.25, -0.5, 0.125])
show("conv2d stride 1 padding 0", F.conv2d(x, w, b, stride=1, padding=0))
show("conv2d stride 2 padding 1", F.conv2d(x, w, b, stride=2, padding=1))

xt = pattern([2, 3, 2, 3], 7, 11, 5, 4)
wt = pattern([3, 2, 3, 3], 5, 9, 4, 8)
bt = torch.tensor([0.5, -0.25])
show("conv_transpose2d stride 2 padding 1 output_padding 1",
     F.conv_transpose2d(xt, wt, bt, stride=2, padding=1, output_padding=1))
show("conv_transpose2d stride 1 padding 0", F.conv_transpose2d(xt, wt, bt, stride=1, padding=0))

xp = pattern([1, 2, 4, 6], 7, 11, 5, 4)
values, indices = F.max_pool2d(xp, kernel_size=2, stride=2, return_indices=True)
show("max_pool2d kernel 2 values", values)
show("max_pool2d kernel 2 indices", indices)
show("max_unpool2d back to 4x6", F.max_unpool2d(values, indices, kernel_size=2, stride=2, output_size=(4, 6)))
values3, indices3 = F.max_pool2d(xp, kernel_size=3, stride=1, return_indices=True)
show("max_pool2d kernel 3 stride 1 values", values3)
show("max_pool2d kernel 3 stride 1 indices", indices3)
