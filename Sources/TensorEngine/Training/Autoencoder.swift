import KernelCore
/// What an autoencoder computes for a batch: the code h = f(x) and the decoder's output g(h) —
/// logits when the decoder ends without an activation (σ of them gives pixels).
public struct AutoencoderOutput {
    /// The code h = f(x), [batch, code size].
    public var code: Tensor<Float>
    /// The decoder's output g(h), [batch, input size].
    public var logits: Tensor<Float>

    /// An output from its two parts.
    public init(code: Tensor<Float>, logits: Tensor<Float>) {
        self.code = code
        self.logits = logits
    }
}

/// An encoder f and a decoder g trained together: x → h = f(x) → g(h). Parameters are named
/// `encoder.0.weight`, …, `decoder.0.weight`, … like a PyTorch module whose `encoder` and `decoder`
/// attributes are `nn.Sequential`s, so its checkpoint loads there.
public final class Autoencoder {
    /// f: input → code.
    public let encoder: Sequential<Float>
    /// g: code → reconstruction (logits).
    public let decoder: Sequential<Float>

    /// An autoencoder from an encoder and a decoder.
    public init(encoder: Sequential<Float>, decoder: Sequential<Float>) {
        self.encoder = encoder
        self.decoder = decoder
    }

    /// Mirrored perceptrons: `sizes` [784, 256, 20] gives the encoder 784-256-20 and the decoder
    /// 20-256-784, with `activation` after every hidden layer, `codeActivation` (if any) on the code and
    /// no activation on the decoder's output (logits).
    public convenience init(sizes: [Int], activation: UnaryFunction = .relu, codeActivation: UnaryFunction? = nil,
                            initialization: Initialization = .pytorchDefault, generator: SeededGenerator) {
        self.init(
            encoder: .perceptron(sizes: sizes, activation: activation, outputActivation: codeActivation,
                                 initialization: initialization, generator: generator),
            decoder: .perceptron(sizes: sizes.reversed(), activation: activation, initialization: initialization,
                                 generator: generator))
    }

    /// The code and the reconstruction logits of a batch.
    public func callAsFunction(_ input: Tensor<Float>) -> AutoencoderOutput {
        let code = encoder(input)
        return AutoencoderOutput(code: code, logits: decoder(code))
    }

    /// Encoder and decoder parameters, for an optimizer.
    public var parameters: [Tensor<Float>] { encoder.parameters + decoder.parameters }

    /// `encoder.…` and `decoder.…` names, for checkpoints.
    public var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        prefixed("encoder", encoder.namedParameters) + prefixed("decoder", decoder.namedParameters)
    }

    /// Training or evaluation mode for both parts (dropout).
    public func setTraining(_ training: Bool) {
        encoder.setTraining(training)
        decoder.setTraining(training)
    }
}
