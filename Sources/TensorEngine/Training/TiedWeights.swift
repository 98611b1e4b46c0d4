import KernelCore

/// A decoder layer that reuses an encoder layer's weight, transposed: y = x W + b, where W [out, in]
/// belongs to `encoderLayer` (which computes x Wᵀ + b_e, in → out), so this layer maps out → in.
/// Only the bias b is its own parameter; the weight's gradient from both uses adds up in W.
public final class TiedLinear<Scalar: TensorScalar>: FusesActivation {
    /// The encoder layer whose weight is shared.
    public let encoderLayer: Linear<Scalar>
    /// The decoder's own bias b, [encoderLayer.inputSize].
    public let bias: Tensor<Scalar>

    /// The transpose of `encoderLayer`, with a bias drawn like PyTorch's `nn.Linear` default for
    /// this layer's fan-in, U(−1/√out, 1/√out).
    public init(transposing encoderLayer: Linear<Scalar>, generator: SeededGenerator) {
        self.encoderLayer = encoderLayer
        let bound = 1 / Scalar(encoderLayer.outputSize).squareRoot()
        bias = Tensor(randomUniform: [encoderLayer.inputSize], lower: -bound, upper: bound, generator: generator)
        bias.requiresGradient = true
    }

    /// x W + b.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { callAsFunction(input, activation: nil) }

    /// f(x W + b).
    public func callAsFunction(_ input: Tensor<Scalar>, activation: UnaryFunction?) -> Tensor<Scalar> {
        let output = matmul(input, encoderLayer.weight) + bias
        guard let activation else { return output }
        return output.applying(activation, "\(activation)")
    }

    /// Only `bias`: the weight is the encoder's.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [("bias", bias)] }

    /// [rows, in] for an input [rows, out].
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == encoderLayer.outputSize else {
            throw ShapeError("input \(describe(inputShape)) is not [rows, \(encoderLayer.outputSize)]")
        }
        return [inputShape[0], encoderLayer.inputSize]
    }

    /// `TiedLinear(out, in)`.
    public var summary: String { "TiedLinear(\(encoderLayer.outputSize), \(encoderLayer.inputSize))" }
}

extension Autoencoder {
    /// Mirrored perceptrons, with or without activations and tied weights: the encoder is Linear
    /// layers through `sizes` with `activation` between them (none on the code), the decoder goes
    /// back through the reversed sizes with `activation` between its layers and none on its output
    /// (logits). `activation` nil gives a linear model; `tiedWeights` makes the decoder's layers
    /// ``TiedLinear``s of the encoder's (about half the parameters). Untied and with an activation,
    /// this is ``init(sizes:activation:codeActivation:generator:)`` draw for draw.
    public convenience init(sizes: [Int], activation: UnaryFunction?, tiedWeights: Bool, generator: SeededGenerator) {
        precondition(sizes.count >= 2, "Autoencoder(sizes:): needs at least an input and a code size, got \(sizes)")
        func linears(_ sizes: [Int]) -> [Linear<Float>] {
            zip(sizes, sizes.dropFirst()).map { Linear<Float>(inputSize: $0, outputSize: $1, generator: generator) }
        }
        func withActivations(_ layers: [any Layer<Float>]) -> Sequential<Float> {
            guard let activation else { return Sequential(layers) }
            return Sequential(layers.enumerated().flatMap { index, layer -> [any Layer<Float>] in
                index < layers.count - 1 ? [layer, Activation<Float>(activation)] : [layer]
            })
        }
        let encoder = linears(sizes)
        let decoder: [any Layer<Float>] = tiedWeights
            ? encoder.reversed().map { TiedLinear(transposing: $0, generator: generator) }
            : linears(sizes.reversed())
        self.init(encoder: withActivations(encoder), decoder: withActivations(decoder))
    }
}
