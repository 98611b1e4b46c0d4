# Prints the expected values of the PyTorch test in Tests/TensorEngineTests/ContractivePenaltyTests.swift:
# the contractive penalty mean_b Σ_j s′(a_bj)² Σ_i W_ji² of h = s(x Wᵀ + b) and its gradients, by
# PyTorch's autograd through the composed formula (the engine computes it as one fused operation).
# Run with any PyTorch (the numbers in the test came from PyTorch 2.15, CPU, float64):
#   python3 Tests/TensorEngineTests/References/contractive.py
import torch

from inputs import pattern, show

torch.set_default_dtype(torch.float64)

for name, activation, slope in [
    ("sigmoid", torch.sigmoid, lambda h: h * (1 - h)),
    ("tanh", torch.tanh, lambda h: 1 - h * h),
]:
    x = pattern([3, 5], 7, 11, 5, 4).requires_grad_()
    w = pattern([4, 5], 5, 9, 4, 8).requires_grad_()
    b = torch.tensor([0.25, -0.5, 0.125, 0.0], requires_grad=True)
    h = activation(x @ w.T + b)
    penalty = ((slope(h) ** 2) * (w ** 2).sum(dim=1)).sum(dim=1).mean()
    penalty.backward()
    show(f"{name} penalty", penalty.detach())
    show(f"{name} dW", w.grad)
    show(f"{name} db", b.grad)
    show(f"{name} dx", x.grad)
