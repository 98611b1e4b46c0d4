// Exercise convolutional.1: the transposed convolution is an ordinary convolution in disguise.
// Check with `make check-exercise E=convolutional.1`.
import TensorEngine

/// The transposed convolution (PyTorch's `F.conv_transpose2d`, the engine's
/// `transposedConvolution2D`) written as an ordinary stride-1 convolution (Dumoulin & Visin 2016,
/// §4):
///
/// 1. insert s − 1 zeros between neighbouring pixels of every input plane (H → (H − 1)·s + 1);
/// 2. pad every plane with k − 1 − p zeros on each side;
/// 3. flip every kernel left–right and top–bottom, and swap the weight's channel axes
///    ([in, out, k, k] → [out, in, k, k]);
/// 4. run `convolution2D(_:weight:bias:geometry:)` with stride 1 and no padding.
///
/// `input` is [N, C, H, W], `weight` [C, Cout, k, k] (square kernels), `bias` [Cout] or nil; needs
/// p ≤ k − 1. The output is [N, Cout, (H − 1)·s − 2p + k, (W − 1)·s − 2p + k]. Values only: build
/// the stretched input from `.scalars` and `Tensor(shape:scalars:)`.
public func transposedConvolutionAsConvolution<Scalar>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?,
    stride: Int, padding: Int
) throws -> Tensor<Scalar> {
    throw NotWrittenYet("transposedConvolutionAsConvolution(_:weight:bias:stride:padding:)",
                        exercise: "convolutional.1", file: "Convolutional.swift")
}
