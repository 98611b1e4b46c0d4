import Foundation
import KernelCore

// The two losses of a GAN's game (Goodfellow et al., "Generative Adversarial Nets", 2014), the R1
// gradient penalty that keeps a discriminator smooth (Mescheder, Geiger & Nowozin, "Which Training
// Methods for GANs do actually Converge?", 2018), the minibatch features that let a discriminator
// see how crowded a batch is (Salimans et al., "Improved Techniques for Training GANs", 2016), and
// a discriminator's accuracy. The adversarial chapter plays this game in the code space, with the
// encoder as the generator.

// ANCHOR: losses
/// The discriminator's loss: the mean of its batch-mean cross-entropies on real samples (label
/// 1 − s, s the one-sided label smoothing of Salimans et al. 2016) and on fakes (label 0),
///
/// L_D = −½ [ mean((1 − s) log D(real) + s log(1 − D(real))) + mean log(1 − D(fake)) ],
///
/// with D = σ(logit). ln 2 when every logit is 0 and s = 0.
public func discriminatorLoss<Scalar>(realLogits: Tensor<Scalar>, fakeLogits: Tensor<Scalar>,
                                      smoothing: Double = 0) -> Tensor<Scalar> {
    precondition(smoothing >= 0 && smoothing < 0.5,
                 "discriminatorLoss: smoothing \(smoothing) not in [0, 0.5)")
    let realLabels = Tensor<Scalar>(repeating: Scalar(1 - smoothing), shape: realLogits.shape)
    let fakeLabels = Tensor<Scalar>(zeros: fakeLogits.shape)
    return Scalar(0.5) * (sigmoidCrossEntropy(logits: realLogits, labels: realLabels)
        + sigmoidCrossEntropy(logits: fakeLogits, labels: fakeLabels))
}

/// The generator's non-saturating loss, L_G = −mean log D(fake): large and steep while the
/// discriminator rejects the fakes, where the minimax form log(1 − D(fake)) would be flat.
public func generatorLoss<Scalar>(fakeLogits: Tensor<Scalar>) -> Tensor<Scalar> {
    sigmoidCrossEntropy(logits: fakeLogits, labels: Tensor(repeating: 1, shape: fakeLogits.shape))
}
// ANCHOR_END: losses

// ANCHOR: penalty
/// The R1 penalty before its weight: mean over the rows of `input` of ‖∇ₓ logit(x)‖², for
/// a `discriminator` made by `Sequential.perceptron` with ReLU inside and one output. Its input
/// gradient is a product of weights, ∇ₓ = W₁ᵀ(m₁ ⊙ W₂ᵀ(m₂ ⊙ ⋯ wₗ)),
/// m the 0/1 masks of the units active at x, so it is built from ordinary differentiable ops
/// and its gradient reaches every weight. With `firstColumns` = k only the slopes along the first
/// k columns count: those of the sample itself, when the others are features of its batch.
public func meanSquaredInputGradient<Scalar>(_ discriminator: Sequential<Scalar>,
                                             at input: Tensor<Scalar>,
                                             firstColumns: Int? = nil) -> Tensor<Scalar> {
    let layers = discriminator.layers.compactMap { $0 as? Linear<Scalar> }
    precondition(layers.count >= 1 && layers.last!.weight.shape[0] == 1,
                 "meanSquaredInputGradient: needs a perceptron with one output")
    let columns = input.columnCount, counted = firstColumns ?? columns
    precondition(counted >= 1 && counted <= columns,
                 "meanSquaredInputGradient: firstColumns \(counted) not in 1...\(columns)")
    var masks: [Tensor<Scalar>] = [], hidden = input
    for layer in layers.dropLast() {
        hidden = withoutGradients { layer(hidden, activation: .relu) }
        masks.append(Tensor(shape: hidden.shape, scalars: hidden.scalars.map { $0 > 0 ? 1 : 0 }))
    }
    var gradient = matmul(Tensor(repeating: 1, shape: [input.rowCount, 1]), layers.last!.weight)
    for (layer, mask) in zip(layers.dropLast(), masks).reversed() {
        gradient = matmul(gradient * mask, layer.weight)
    }
    if counted < columns {
        gradient = gradient * Tensor(shape: [1, columns],
                                     scalars: (0..<columns).map { $0 < counted ? 1 : 0 })
    }
    return square(gradient).sum(alongAxis: 1).mean()
}
// ANCHOR_END: penalty

// ANCHOR: minibatch
/// What a minibatch discriminator sees of each row zᵢ of a batch Z [n, d]: the row, the batch's
/// mean z̄, and for each bandwidth h the log of a leave-one-out kernel density estimate at zᵢ,
///
/// fᵢ(h) = log( 1/(n − 1) Σ_{j≠i} exp(−‖zᵢ − zⱼ‖² / 2h²) + 10⁻³ ),
///
/// so the result is [n, 2d + bandwidths] (a lone row has no others: its estimate is 0). A code
/// in a crowded arm has a larger fᵢ than a prior sample at the same place: a difference a
/// function of zᵢ alone sees only through steep slopes. Every term is an ordinary op, so a loss
/// on the features reaches every row of the batch.
public func minibatchFeatures<Scalar>(_ rows: Tensor<Scalar>,
                                      bandwidths: [Double]) -> Tensor<Scalar> {
    let n = rows.rowCount
    precondition(rows.shape.count == 2 && n >= 1,
                 "minibatchFeatures: needs a matrix with rows, got \(describe(rows.shape))")
    precondition(bandwidths.allSatisfy { $0 > 0 }, "minibatchFeatures: bandwidths must be positive")
    let norms = square(rows).sum(alongAxis: 1)   // [n, 1]
    // ‖zᵢ − zⱼ‖² = ‖zᵢ‖² + ‖zⱼ‖² − 2 zᵢ·zⱼ;
    // the mask below leaves out j = i.
    let squaredDistances = (Scalar(-2) * matmul(rows, rows, transposeB: true) + norms)
        + norms.reshaped(to: [1, n])
    let others = Tensor<Scalar>(shape: [n, n],
                                scalars: (0..<n * n).map { $0 % (n + 1) == 0 ? 0 : 1 })
    var parts = [rows, Tensor<Scalar>(zeros: rows.shape) + rows.mean(alongAxis: 0)]
    for bandwidth in bandwidths {
        let kernel = exp(squaredDistances * Scalar(-1 / (2 * bandwidth * bandwidth))) * others
        parts.append(log(kernel.sum(alongAxis: 1) / Scalar(Swift.max(n - 1, 1)) + Scalar(1e-3)))
    }
    return concatenateColumns(parts)
}
// ANCHOR_END: minibatch

/// The fraction of real samples called real (logit > 0) and of fakes called fake (logit ≤ 0),
/// averaged: 0.5 is chance when there are as many of each.
public func discriminatorAccuracy<Scalar>(realLogits: Tensor<Scalar>,
                                          fakeLogits: Tensor<Scalar>) -> Double {
    let realRight = realLogits.scalars.filter { $0 > 0 }.count
    let fakeRight = fakeLogits.scalars.filter { $0 <= 0 }.count
    return (Double(realRight) / Double(realLogits.count)
        + Double(fakeRight) / Double(fakeLogits.count)) / 2
}
