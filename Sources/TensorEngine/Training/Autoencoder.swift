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
///
/// Inputs and outputs are batches of rows [batch, features]. A convolutional autoencoder gives an
/// `imageShape` ([1, 28, 28]): each row is then seen as an image [batch, 1, 28, 28] by the encoder, and
/// the decoder's images come back as rows, so losses and figures treat both kinds alike.
public final class Autoencoder {
    /// f: input → code.
    public let encoder: Sequential<Float>
    /// g: code → reconstruction (logits).
    public let decoder: Sequential<Float>
    /// [channels, height, width] of one input image for a convolutional encoder; `nil` for rows.
    public let imageShape: [Int]?

    /// An autoencoder from an encoder and a decoder; `imageShape` for convolutional ones.
    public init(encoder: Sequential<Float>, decoder: Sequential<Float>, imageShape: [Int]? = nil) {
        self.encoder = encoder
        self.decoder = decoder
        self.imageShape = imageShape
    }

    /// Checks the whole model on an input of `features` values per row before any training: the
    /// decoder must give back rows of the same length. Throws a ``ShapeError`` naming the first layer
    /// that does not fit (for example a kernel size from a flag that the image cannot take).
    public func checkShapes(features: Int) throws {
        let input = imageShape.map { [1] + $0 } ?? [1, features]
        let code = try encoder.outputShape(for: input)
        do {
            let output = try decoder.outputShape(for: code)
            guard output.reduce(1, *) == features else {
                throw ShapeError("decoder output \(describe(output)) does not match the input \(describe(input))")
            }
        } catch let error as ShapeError {
            throw ShapeError("decoder: \(error.description)")
        }
    }

    /// Mirrored perceptrons: `sizes` [784, 256, 20] gives the encoder 784-256-20 and the decoder
    /// 20-256-784, with `activation` after every hidden layer, `codeActivation` (if any) on the code and
    /// no activation on the decoder's output (logits).
    public convenience init(sizes: [Int], activation: UnaryFunction = .relu, codeActivation: UnaryFunction? = nil,
                            generator: SeededGenerator) {
        self.init(
            encoder: .perceptron(sizes: sizes, activation: activation, outputActivation: codeActivation,
                                 generator: generator),
            decoder: .perceptron(sizes: sizes.reversed(), activation: activation, generator: generator))
    }

    /// The code and the reconstruction logits of a batch of rows.
    public func callAsFunction(_ input: Tensor<Float>) -> AutoencoderOutput {
        guard let imageShape else {
            let code = encoder(input)
            return AutoencoderOutput(code: code, logits: decoder(code))
        }
        let rows = input.shape[0]
        let code = encoder(input.reshaped(to: [rows] + imageShape))
        let images = decoder(code)
        return AutoencoderOutput(code: code, logits: images.reshaped(to: [rows, images.count / max(rows, 1)]))
    }

    /// Encoder and decoder parameters, for an optimizer.
    public var parameters: [Tensor<Float>] { encoder.parameters + decoder.parameters }

    /// `encoder.…` and `decoder.…` names, for checkpoints.
    public var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        prefixed("encoder", encoder.namedParameters) + prefixed("decoder", decoder.namedParameters)
    }

    /// The number of parameters (weights and biases).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Training or evaluation mode for both parts (dropout).
    public func setTraining(_ training: Bool) {
        encoder.setTraining(training)
        decoder.setTraining(training)
    }
}
