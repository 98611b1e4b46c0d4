import KernelCore
import Foundation

/// Something that updates parameters from their accumulated gradients.
public protocol Optimizer {
    /// The element type.
    associatedtype Scalar: TensorScalar
    /// The parameters this optimizer updates.
    var parameters: [Tensor<Scalar>] { get }
    /// Applies one update using each parameter's ``Tensor/gradient`` (parameters without one are skipped).
    mutating func step()
}

extension Optimizer {
    /// Forgets every parameter's gradient; call before each step's `backward()`.
    public func zeroGradients() { parameters.forEach { $0.zeroGradient() } }

    /// One training step on the loss `loss()` computes: forget the old gradients, compute the loss,
    /// `backward()`, `step()`. Returns the loss's value (the closure form of PyTorch's
    /// `optimizer.step(closure)`).
    @discardableResult
    public mutating func minimize(_ loss: () -> Tensor<Scalar>) -> Double {
        zeroGradients()
        let value = loss()
        value.backward()
        step()
        return Double(value.scalarValue)
    }
}

/// Adam (Kingma & Ba 2015) with the same update as `torch.optim.Adam`:
///
/// g ← ∇ + λ θ;  m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
/// θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
///
/// Weight decay λ is PyTorch's L2 form (added to the gradient), not AdamW's decoupled decay.
public struct Adam<Scalar: TensorScalar>: Optimizer {
    /// The parameters updated.
    public let parameters: [Tensor<Scalar>]
    /// Step size lr.
    public var learningRate: Scalar
    /// Decay rate β₁ of the first moment.
    public let beta1: Scalar
    /// Decay rate β₂ of the second moment.
    public let beta2: Scalar
    /// ε added to the denominator.
    public let epsilon: Scalar
    /// L2 weight decay λ.
    public let weightDecay: Scalar
    /// Steps taken so far (t).
    public private(set) var stepCount = 0
    private let firstMoments: [Tensor<Scalar>]
    private let secondMoments: [Tensor<Scalar>]

    /// An optimizer for `parameters` with PyTorch's defaults.
    public init(parameters: [Tensor<Scalar>], learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
                epsilon: Scalar = 1e-8, weightDecay: Scalar = 0) {
        precondition(learningRate > 0, "Adam: learning rate \(learningRate) must be positive")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = parameters.map { Tensor(zeros: $0.shape) }
        secondMoments = parameters.map { Tensor(zeros: $0.shape) }
    }

    /// One Adam update of every parameter that has a gradient.
    public mutating func step() {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = Scalar(1 - Foundation.pow(Double(beta1), t))
        let correction2 = Scalar(1 - Foundation.pow(Double(beta2), t))
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradient else { continue }
            Scalar.adamStep(parameter: parameter.mutablePointer, gradient: gradient.pointer,
                            firstMoment: firstMoments[index].mutablePointer, secondMoment: secondMoments[index].mutablePointer,
                            count: parameter.count, learningRate: learningRate, beta1: beta1, beta2: beta2,
                            epsilon: epsilon, weightDecay: weightDecay,
                            biasCorrection1: correction1, biasCorrection2: correction2)
        }
    }
}
