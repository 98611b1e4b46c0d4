import KernelCore

// Convolutional layers with PyTorch's names, weight layouts and default initialisation, so a model
// built from them saves a checkpoint that `load_state_dict` takes: `Conv2d` weight [out, in, kH, kW],
// `ConvTranspose2d` weight [in, out, kH, kW], and the reshapes between convolutional and dense layers.

/// PyTorch's default for convolutions (kaiming_uniform with a = √5): weight and bias ~ U(−1/√f, 1/√f),
/// where f is the weight's `size(1) · kH · kW` (in·k² for a convolution, out·k² for a transposed one).
private func convolutionParameters<Scalar: TensorScalar>(
    weightShape: [Int], biasCount: Int, generator: SeededGenerator
) -> (weight: Tensor<Scalar>, bias: Tensor<Scalar>) {
    let bound = 1 / Scalar(weightShape[1] * weightShape[2] * weightShape[3]).squareRoot()
    let weight = Tensor<Scalar>(randomUniform: weightShape, lower: -bound, upper: bound, generator: generator)
    let bias = Tensor<Scalar>(randomUniform: [biasCount], lower: -bound, upper: bound, generator: generator)
    weight.requiresGradient = true
    bias.requiresGradient = true
    return (weight, bias)
}

/// A 2-D convolution layer (PyTorch's `nn.Conv2d`): [N, in, H, W] → [N, out, H′, W′] with
/// H′ = ⌊(H + 2p − k) / s⌋ + 1, computing y = W ⋆ x + b (see ``convolution2D(_:weight:bias:geometry:activation:)``).
public final class Conv2d<Scalar: TensorScalar>: FusesActivation {
    /// The kernels, [out, in, kH, kW].
    public let weight: Tensor<Scalar>
    /// One bias per output channel, [out].
    public let bias: Tensor<Scalar>
    /// Kernel size, stride and padding.
    public let geometry: ConvolutionGeometry
    /// Channels in.
    public var inChannels: Int { weight.shape[1] }
    /// Channels out.
    public var outChannels: Int { weight.shape[0] }

    /// A layer with a square kernel, drawn from `generator` as PyTorch initialises it. Sizes are
    /// checked by ``outputShape(for:)`` (and when the layer runs), not here, so a bad size from a flag
    /// becomes a one-line error rather than a crash.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                generator: SeededGenerator) {
        geometry = ConvolutionGeometry(kernelSize: kernelSize, stride: stride, padding: padding)
        (weight, bias) = convolutionParameters(weightShape: [max(outChannels, 0), max(inChannels, 0), max(kernelSize, 0), max(kernelSize, 0)],
                                               biasCount: max(outChannels, 0), generator: generator)
    }

    /// W ⋆ x + b.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { callAsFunction(input, activation: nil) }

    /// f(W ⋆ x + b) in one fused pass.
    public func callAsFunction(_ input: Tensor<Scalar>, activation: UnaryFunction?) -> Tensor<Scalar> {
        convolution2D(input, weight: weight, bias: bias, geometry: geometry, activation: activation)
    }

    /// `weight` and `bias`.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weight", weight), ("bias", bias)] }

    /// [N, out, H′, W′], or why the input does not fit.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inChannels >= 1, outChannels >= 1 else { throw ShapeError("channels must be at least 1") }
        return try convolutionOutputShape(input: inputShape, weight: weight.shape, geometry: geometry, transposed: false)
    }

    /// `Conv2d(1, 32, kernel 3, stride 2, padding 1)`.
    public var summary: String { "Conv2d(\(inChannels), \(outChannels), \(geometry))" }
}

/// A 2-D transposed convolution layer (PyTorch's `nn.ConvTranspose2d`): [N, in, H, W] →
/// [N, out, (H − 1)·s − 2p + k + outputPadding, …], the adjoint of a `Conv2d` with the same geometry
/// (see ``transposedConvolution2D(_:weight:bias:geometry:outputPadding:activation:)``).
public final class ConvTranspose2d<Scalar: TensorScalar>: FusesActivation {
    /// The kernels, [in, out, kH, kW] (PyTorch's layout for transposed convolutions).
    public let weight: Tensor<Scalar>
    /// One bias per output channel, [out].
    public let bias: Tensor<Scalar>
    /// Kernel size, stride and padding (of the convolution this layer is the transpose of).
    public let geometry: ConvolutionGeometry
    /// Extra rows and columns on one side of the output, to pick among the sizes a stride maps to the
    /// same input size (must be below the stride).
    public let outputPadding: PlaneSize
    /// Channels in.
    public var inChannels: Int { weight.shape[0] }
    /// Channels out.
    public var outChannels: Int { weight.shape[1] }

    /// A layer with a square kernel, drawn from `generator` as PyTorch initialises it.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, generator: SeededGenerator) {
        geometry = ConvolutionGeometry(kernelSize: kernelSize, stride: stride, padding: padding)
        self.outputPadding = PlaneSize(outputPadding)
        (weight, bias) = convolutionParameters(weightShape: [max(inChannels, 0), max(outChannels, 0), max(kernelSize, 0), max(kernelSize, 0)],
                                               biasCount: max(outChannels, 0), generator: generator)
    }

    /// Wᵀ ⋆ x + b.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { callAsFunction(input, activation: nil) }

    /// f(Wᵀ ⋆ x + b) in one fused pass.
    public func callAsFunction(_ input: Tensor<Scalar>, activation: UnaryFunction?) -> Tensor<Scalar> {
        transposedConvolution2D(input, weight: weight, bias: bias, geometry: geometry, outputPadding: outputPadding,
                                activation: activation)
    }

    /// `weight` and `bias`.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weight", weight), ("bias", bias)] }

    /// [N, out, H′, W′], or why the input does not fit.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inChannels >= 1, outChannels >= 1 else { throw ShapeError("channels must be at least 1") }
        return try convolutionOutputShape(input: inputShape, weight: weight.shape, geometry: geometry, transposed: true,
                                          outputPadding: outputPadding)
    }

    /// `ConvTranspose2d(64, 32, kernel 3, stride 2, padding 1, output padding 1)`.
    public var summary: String { "ConvTranspose2d(\(inChannels), \(outChannels), \(geometry), output padding \(outputPadding))" }
}

/// Max-pooling that keeps where each maximum was (PyTorch's `nn.MaxPool2d(k, s, return_indices=True)`),
/// for a ``MaxUnpool2d`` to put values back there. Not a ``Layer``: it returns two things.
public final class MaxPool2d<Scalar: TensorScalar> {
    /// Window size.
    public let kernelSize: PlaneSize
    /// Step between windows (PyTorch's default: the window size).
    public let stride: PlaneSize

    /// Square windows of `kernelSize`, moved by `stride` (default `kernelSize`).
    public init(kernelSize: Int, stride: Int? = nil) {
        self.kernelSize = PlaneSize(kernelSize)
        self.stride = PlaneSize(stride ?? kernelSize)
    }

    /// The maxima and their positions.
    public func callAsFunction(_ input: Tensor<Scalar>) -> MaxPoolOutput<Scalar> {
        maxPool2D(input, kernel: kernelSize, stride: stride)
    }

    /// [N, C, ⌊(H − k) / s⌋ + 1, …], or why the input does not fit.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        let output = try poolingOutputSize(input: inputShape, kernel: kernelSize, stride: stride)
        return [inputShape[0], inputShape[1], output.height, output.width]
    }
}

/// Max-unpooling (PyTorch's `nn.MaxUnpool2d`): puts each value back where its ``MaxPool2d`` found the
/// maximum, zeros elsewhere.
public final class MaxUnpool2d<Scalar: TensorScalar> {
    /// An unpooling layer (it has no parameters: the positions come with each call).
    public init() {}

    /// Values at their recorded positions in a plane of `outputSize` (the pooling input's size).
    public func callAsFunction(_ input: Tensor<Scalar>, indices: PoolingIndices, outputSize: PlaneSize) -> Tensor<Scalar> {
        maxUnpool2D(input, indices: indices, outputSize: outputSize)
    }
}

/// Nearest-neighbour upsampling by a whole factor (PyTorch's `nn.Upsample(scale_factor=s)`).
public final class Upsample<Scalar: TensorScalar>: Layer {
    /// The factor on both axes.
    public let scale: Int

    /// Upsampling by `scale` on both axes.
    public init(scale: Int) { self.scale = scale }

    /// Every pixel repeated `scale` × `scale` times.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { upsampleNearest2D(input, scale: PlaneSize(scale)) }

    /// None.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [] }

    /// [N, C, H·s, W·s].
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 4 else { throw ShapeError("input \(describe(inputShape)) is not [batch, channels, height, width]") }
        guard scale >= 1 else { throw ShapeError("scale must be at least 1, got \(scale)") }
        return [inputShape[0], inputShape[1], inputShape[2] * scale, inputShape[3] * scale]
    }

    /// `Upsample(scale 2)`.
    public var summary: String { "Upsample(scale \(scale))" }
}

/// [N, C, H, W] → [N, C·H·W] in channel, row, column order, as `nn.Flatten` gives it, so a ``Linear``
/// after it has PyTorch's weight layout. A view: nothing is copied.
public final class Flatten<Scalar: TensorScalar>: Layer {
    /// A flattening layer.
    public init() {}

    /// The same values as [N, everything else].
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        input.reshaped(to: [input.shape.first ?? 1, input.count / max(input.shape.first ?? 1, 1)])
    }

    /// None.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [] }

    /// [N, product of the rest].
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let batch = inputShape.first else { throw ShapeError("cannot flatten a scalar") }
        return [batch, inputShape.dropFirst().reduce(1, *)]
    }
}

/// [N, C·H·W] → [N, C, H, W] (PyTorch's `nn.Unflatten(1, (C, H, W))`). A view: nothing is copied.
public final class Unflatten<Scalar: TensorScalar>: Layer {
    /// The shape each row becomes, e.g. [64, 7, 7].
    public let shape: [Int]

    /// Rows become tensors of `shape`.
    public init(_ shape: [Int]) { self.shape = shape }

    /// The same values as [N] + `shape`.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        input.reshaped(to: [input.shape.first ?? 1] + shape)
    }

    /// None.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [] }

    /// [N] + `shape`, when the row length matches.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == shape.reduce(1, *) else {
            throw ShapeError("input \(describe(inputShape)) does not unflatten to rows of \(describe(shape))")
        }
        return [inputShape[0]] + shape
    }

    /// `Unflatten([64, 7, 7])`.
    public var summary: String { "Unflatten(\(describe(shape)))" }
}
