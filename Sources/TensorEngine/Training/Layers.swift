import KernelCore
import Foundation

/// A piece of a network: maps a batch ([rows, features], or [batch, channels, height, width] for
/// convolutional layers) to a batch, and owns named parameters.
///
/// Parameter names follow PyTorch's `state_dict` (`weight`, `bias`, and `0.weight` inside a
/// ``Sequential``), so a checkpoint loads into the equivalent `torch.nn` module.
public protocol Layer<Scalar>: AnyObject {
    /// The element type.
    associatedtype Scalar: TensorScalar
    /// Applies the layer to a batch.
    func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar>
    /// Parameters with their PyTorch-style names, in a fixed order.
    var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { get }
    /// Switches training-only behaviour (dropout) on or off; most layers ignore it.
    func setTraining(_ training: Bool)
    /// The shape of the output for an input of `inputShape`, or a ``ShapeError`` naming what does not
    /// fit: a model checks its whole stack once, before training, with ``Sequential/outputShape(for:)``.
    func outputShape(for inputShape: [Int]) throws -> [Int]
    /// The layer as PyTorch prints it, e.g. `Linear(784, 256)`, for messages.
    var summary: String { get }
}

extension Layer {
    /// The parameters without their names, for an optimizer.
    public var parameters: [Tensor<Scalar>] { namedParameters.map(\.tensor) }
    /// Does nothing: the layer behaves the same in training and evaluation.
    public func setTraining(_ training: Bool) {}
    /// The input's shape: the layer does not change shapes.
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }
    /// The type's name.
    public var summary: String { "\(type(of: self))" }
}

/// A fully connected layer y = x Wᵀ + b, with W of shape [out, in] as in PyTorch.
public final class Linear<Scalar: TensorScalar>: FusesActivation {
    /// The weight matrix W, [outputSize, inputSize].
    public let weight: Tensor<Scalar>
    /// The bias b, [outputSize].
    public let bias: Tensor<Scalar>
    /// Features in.
    public var inputSize: Int { weight.shape[1] }
    /// Features out.
    public var outputSize: Int { weight.shape[0] }

    /// A layer initialised as PyTorch's `nn.Linear`: weight and bias ~ U(−1/√in, 1/√in), drawn from
    /// `generator` (so a checkpoint's first steps match PyTorch's statistics).
    public init(inputSize: Int, outputSize: Int, generator: SeededGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Linear: sizes must be positive, got \(inputSize) → \(outputSize)")
        let bound = 1 / Scalar(inputSize).squareRoot()
        weight = Tensor(randomUniform: [outputSize, inputSize], lower: -bound, upper: bound, generator: generator)
        bias = Tensor(randomUniform: [outputSize], lower: -bound, upper: bound, generator: generator)
        weight.requiresGradient = true
        bias.requiresGradient = true
    }

    /// x Wᵀ + b.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { callAsFunction(input, activation: nil) }

    /// f(x Wᵀ + b) in one fused pass (see ``linear(_:weight:bias:activation:)``).
    public func callAsFunction(_ input: Tensor<Scalar>, activation: UnaryFunction?) -> Tensor<Scalar> {
        linear(input, weight: weight, bias: bias, activation: activation)
    }

    /// `weight` and `bias`.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weight", weight), ("bias", bias)] }

    /// [rows, out] for an input [rows, in].
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 2, inputShape[1] == inputSize else {
            throw ShapeError("input \(describe(inputShape)) is not [rows, \(inputSize)]")
        }
        return [inputShape[0], outputSize]
    }

    /// `Linear(in, out)`.
    public var summary: String { "Linear(\(inputSize), \(outputSize))" }
}

/// An element-wise activation as a layer (PyTorch's `nn.ReLU()`, `nn.Sigmoid()`, …). Inside a
/// ``Sequential``, an activation right after a ``Linear`` is fused into it.
public final class Activation<Scalar: TensorScalar>: Layer {
    /// The function applied.
    public let function: UnaryFunction

    /// An activation layer applying `function`.
    public init(_ function: UnaryFunction) { self.function = function }
    /// `nn.ReLU()`.
    public static var relu: Activation { Activation(.relu) }
    /// `nn.Sigmoid()`.
    public static var sigmoid: Activation { Activation(.sigmoid) }
    /// `nn.Tanh()`.
    public static var tanh: Activation { Activation(.tanh) }
    /// `nn.LeakyReLU(slope)`.
    public static func leakyRelu(slope: Double = 0.01) -> Activation { Activation(.leakyRelu(slope: slope)) }

    /// f(x).
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { input.applying(function, "\(function)") }
    /// The function's name, e.g. `relu`.
    public var summary: String { "\(function)" }
    /// None.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [] }
}

/// Inverted dropout: in training, each element is zeroed with probability p and the survivors are
/// scaled by 1/(1 − p), so evaluation (which passes x through) needs no rescaling.
public final class Dropout<Scalar: TensorScalar>: Layer {
    /// The probability of zeroing an element.
    public let probability: Double
    /// Whether the layer is in training mode (dropping) or evaluation mode (identity).
    public private(set) var isTraining = true
    private let generator: SeededGenerator

    /// A dropout layer drawing its masks from `generator`.
    public init(probability: Double, generator: SeededGenerator) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability \(probability) must lie in [0, 1)")
        self.probability = probability
        self.generator = generator
    }

    /// x ⊙ mask / (1 − p) in training; x in evaluation.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard isTraining, probability > 0 else { return input }
        let mask = Tensor<Scalar>(uninitializedShape: input.shape, operation: "dropoutMask")
        let keep = 1 - probability, scale = Scalar(1 / keep)
        // scale where the element's uniform draw u < 1 − p, else 0
        generator.fillBernoulli(mask.mutablePointer, count: mask.count, probability: keep, value: scale, otherwise: 0)
        return input * mask
    }

    /// None.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [] }
    /// Training drops; evaluation passes through.
    public func setTraining(_ training: Bool) { isTraining = training }
}

/// A layer that can apply an activation in the same pass as its own computation (``Linear``,
/// ``Conv2d``, ``ConvTranspose2d``): inside a ``Sequential`` it runs fused with the activation after it.
public protocol FusesActivation<Scalar>: Layer {
    /// f(layer(x)) in one pass.
    func callAsFunction(_ input: Tensor<Scalar>, activation: UnaryFunction?) -> Tensor<Scalar>
}

/// Layers applied in order, named `0`, `1`, … as `nn.Sequential` names them. A layer that
/// ``FusesActivation`` followed by an ``Activation`` runs as one fused operation.
public final class Sequential<Scalar: TensorScalar>: Layer {
    /// The layers, in order.
    public let layers: [any Layer<Scalar>]

    /// A sequence of layers.
    public init(_ layers: [any Layer<Scalar>]) { self.layers = layers }

    /// Each layer's output feeds the next.
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        var value = input
        var index = 0
        while index < layers.count {
            let next = index + 1 < layers.count ? layers[index + 1] as? Activation<Scalar> : nil
            if let activation = next, let fusable = layers[index] as? any FusesActivation<Scalar> {
                value = fusable(value, activation: activation.function)
                index += 2
            } else {
                value = layers[index](value)
                index += 1
            }
        }
        return value
    }

    /// `<index>.<name>` for every parameter of every layer.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        layers.enumerated().flatMap { index, layer in
            layer.namedParameters.map { (name: "\(index).\($0.name)", tensor: $0.tensor) }
        }
    }

    /// Passes the mode to every layer.
    public func setTraining(_ training: Bool) { layers.forEach { $0.setTraining(training) } }

    /// The shape after every layer in turn; the error names the first layer that does not fit, by its
    /// index (as in the parameter names) and PyTorch-style summary.
    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        var shape = inputShape
        for (index, layer) in layers.enumerated() {
            do {
                shape = try layer.outputShape(for: shape)
            } catch let error as ShapeError {
                throw ShapeError("layer \(index) \(layer.summary): \(error.description)")
            }
        }
        return shape
    }

    /// `Sequential(Linear(784, 256), relu, …)`.
    public var summary: String { "Sequential(" + layers.map(\.summary).joined(separator: ", ") + ")" }

    /// A multilayer perceptron: Linear layers through `sizes`, `activation` after every hidden layer,
    /// and `outputActivation` (if any) after the last. `[784, 256, 20]` with ReLU gives
    /// Linear(784, 256), ReLU, Linear(256, 20).
    public static func perceptron(
        sizes: [Int], activation: UnaryFunction = .relu, outputActivation: UnaryFunction? = nil,
        generator: SeededGenerator
    ) -> Sequential<Scalar> {
        precondition(sizes.count >= 2, "Sequential.perceptron: needs at least an input and an output size, got \(sizes)")
        var layers: [any Layer<Scalar>] = []
        for index in 0..<(sizes.count - 1) {
            layers.append(Linear<Scalar>(inputSize: sizes[index], outputSize: sizes[index + 1],
                                         generator: generator))
            if index < sizes.count - 2 {
                layers.append(Activation<Scalar>(activation))
            } else if let outputActivation {
                layers.append(Activation<Scalar>(outputActivation))
            }
        }
        return Sequential(layers)
    }
}

/// Prefixes parameter names, for models made of named parts:
/// `prefixed("encoder", encoder.namedParameters)` gives `encoder.0.weight`, ….
public func prefixed<Scalar>(_ prefix: String, _ parameters: [(name: String, tensor: Tensor<Scalar>)]) -> [(name: String, tensor: Tensor<Scalar>)] {
    parameters.map { (name: "\(prefix).\($0.name)", tensor: $0.tensor) }
}
