import KernelCore
import Foundation

// Losses as free functions with role-named arguments. Each states its reduction: what is summed,
// what is averaged. The two per-element losses every chapter uses (sigmoid cross-entropy and squared
// error) compute their gradient in the same pass as the loss.

/// How a loss turns per-element values into the number it returns.
public enum Reduction: Sendable {
    /// Mean over every element (PyTorch's default `reduction='mean'`).
    case mean
    /// Sum over every element (`reduction='sum'`).
    case sum
    /// Sum over each row, then mean over rows: "per example, averaged over the batch"
    /// (PyTorch's `'batchmean'`). The VAE's loss is stated this way.
    case batchMean
    /// No reduction: the per-element losses, shaped like the input.
    case none
}

/// Applies a fused per-element loss of `input` against `target` with the given reduction.
private func fusedLoss<Scalar>(
    _ name: String, _ kind: ElementwiseLoss, _ input: Tensor<Scalar>, _ target: Tensor<Scalar>, reduction: Reduction
) -> Tensor<Scalar> {
    func kernel(_ losses: UnsafeMutablePointer<Scalar>?, _ gradient: UnsafeMutablePointer<Scalar>?, _ scale: Scalar) -> Double {
        Scalar.elementwiseLoss(kind, input.pointer, target.pointer, count: input.count, losses: losses, gradient: gradient,
                               gradientScale: scale)
    }
    precondition(input.shape == target.shape, "\(name): shapes \(describe(input.shape)) and \(describe(target.shape)) differ")
    precondition(input.count > 0, "\(name): empty tensors")
    if reduction == .none {
        let losses = Tensor<Scalar>(uninitializedShape: input.shape, operation: name)
        let local = input.requiresGradient && isRecordingGradients ? Tensor<Scalar>(uninitializedShape: input.shape) : nil
        _ = kernel(losses.mutablePointer, local?.mutablePointer, 1)
        return losses.recording(name, inputs: [input]) { output in
            let product = Tensor<Scalar>(uninitializedShape: input.shape)
            Scalar.applyBinary(.multiply, output.gradient!.pointer, local!.pointer, product.mutablePointer, count: input.count)
            input.accumulateGradient { dx, accumulate in
                Scalar.accumulate(product.pointer, scaledBy: 1, into: dx, count: input.count, accumulate: accumulate)
            }
        }
    }
    let divisor: Double
    switch reduction {
    case .mean: divisor = Double(input.count)
    case .sum: divisor = 1
    case .batchMean: divisor = Double(input.rowCount)
    case .none: divisor = 1
    }
    let scale = Scalar(1 / divisor)
    let gradient = input.requiresGradient && isRecordingGradients ? Tensor<Scalar>(uninitializedShape: input.shape) : nil
    let total = kernel(nil, gradient?.mutablePointer, scale)
    let result = Tensor(Scalar(total / divisor))
    return result.recording(name, inputs: [input]) { output in
        let upstream = output.gradient!.pointer[0]
        input.accumulateGradient { dx, accumulate in
            Scalar.accumulate(gradient!.pointer, scaledBy: upstream, into: dx, count: input.count, accumulate: accumulate)
        }
    }
}

/// Sigmoid cross-entropy from logits z against targets y in [0, 1], numerically stable:
/// ℓ = max(z, 0) − z y + log(1 + e^−|z|)  (= −y log σ(z) − (1 − y) log(1 − σ(z))),
/// ∂ℓ/∂z = σ(z) − y. Reduction `.mean` (default) averages over every element (per pixel);
/// `.batchMean` sums over each image's pixels and averages over the batch (the VAE's nats per image).
/// The labels are data: no gradient flows to them (use the unfused ops if you need one).
public func sigmoidCrossEntropy<Scalar>(logits: Tensor<Scalar>, labels: Tensor<Scalar>, reduction: Reduction = .mean) -> Tensor<Scalar> {
    fusedLoss("sigmoidCrossEntropy", .sigmoidCrossEntropy, logits, labels, reduction: reduction)
}

/// Mean squared error: ℓ = (p − t)², ∂ℓ/∂p = 2 (p − t). Reduction `.mean` (default) averages over
/// every element, as `torch.nn.MSELoss`. The expected values are data: no gradient flows to them.
public func meanSquaredError<Scalar>(predicted: Tensor<Scalar>, expected: Tensor<Scalar>, reduction: Reduction = .mean) -> Tensor<Scalar> {
    fusedLoss("meanSquaredError", .squaredError, predicted, expected, reduction: reduction)
}

/// Softmax cross-entropy of logits z [rows, classes] against target distributions y (each row sums
/// to 1, or word counts for a multinomial likelihood): ℓ_row = −Σ_j y_j log softmax(z)_j.
/// Reduction over rows: `.batchMean` (default) averages the per-row losses; `.sum` adds them;
/// `.mean` divides the total by the number of elements (rarely what you want).
public func softmaxCrossEntropy<Scalar>(logits: Tensor<Scalar>, labels: Tensor<Scalar>, reduction: Reduction = .batchMean) -> Tensor<Scalar> {
    precondition(logits.shape == labels.shape && logits.shape.count == 2,
                 "softmaxCrossEntropy: logits \(describe(logits.shape)) and labels \(describe(labels.shape)) must be equal-shaped matrices")
    let perElement = -(labels * logSoftmax(logits))
    return reduce(perElement, reduction)
}

/// Softmax cross-entropy against class indices: ℓ_row = −log softmax(z)_label, averaged over rows.
public func softmaxCrossEntropy<Scalar>(logits: Tensor<Scalar>, classIndices: [Int]) -> Tensor<Scalar> {
    precondition(logits.shape.count == 2 && classIndices.count == logits.shape[0],
                 "softmaxCrossEntropy: \(classIndices.count) labels for logits \(describe(logits.shape))")
    let classes = logits.shape[1]
    var oneHot = [Scalar](repeating: 0, count: logits.count)
    for (row, label) in classIndices.enumerated() {
        precondition(label >= 0 && label < classes, "softmaxCrossEntropy: label \(label) outside 0..<\(classes)")
        oneHot[row * classes + label] = 1
    }
    return softmaxCrossEntropy(logits: logits, labels: Tensor(shape: logits.shape, scalars: oneHot))
}

/// The sparse autoencoder's penalty: Σ_j KL(ρ ‖ ρ̂_j) with
/// KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 − ρ) log((1 − ρ)/(1 − ρ̂)), summed over units j.
/// `meanActivation` holds ρ̂ (each unit's mean activation over the batch, in (0, 1));
/// ∂/∂ρ̂ = −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂). Zero exactly when every ρ̂_j = ρ.
public func bernoulliKLDivergence<Scalar>(target rho: Scalar, meanActivation rhoHat: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(rho > 0 && rho < 1, "bernoulliKLDivergence: target \(rho) must lie in (0, 1)")
    let first = rho * (Scalar(Foundation.log(Double(rho))) - log(rhoHat))
    let second = (1 - rho) * (Scalar(Foundation.log(Double(1 - rho))) - log1p(-rhoHat))
    return (first + second).sum()
}

/// KL(N(μ, σ²) ‖ N(0, I)) of a diagonal Gaussian with log-variance v = log σ²:
/// KL = −½ Σ_j (1 + v_j − μ_j² − e^(v_j)) per row (Kingma & Welling 2014, appendix B),
/// then reduced over rows: `.batchMean` (default) is the mean over the batch, `.sum` the total,
/// `.none` gives the per-unit terms [rows, latent] (for counting active units).
public func gaussianKLDivergence<Scalar>(mean: Tensor<Scalar>, logVariance: Tensor<Scalar>, reduction: Reduction = .batchMean) -> Tensor<Scalar> {
    precondition(mean.shape == logVariance.shape, "gaussianKLDivergence: mean \(describe(mean.shape)) and logVariance \(describe(logVariance.shape)) differ")
    let perUnit = -0.5 * (1 + logVariance - square(mean) - exp(logVariance))
    return reduce(perUnit, reduction)
}

/// Reduces per-element values as `reduction` says.
func reduce<Scalar>(_ values: Tensor<Scalar>, _ reduction: Reduction) -> Tensor<Scalar> {
    switch reduction {
    case .mean: return values.mean()
    case .sum: return values.sum()
    case .batchMean: return values.sum() * (1 / Scalar(values.rowCount))
    case .none: return values
    }
}

