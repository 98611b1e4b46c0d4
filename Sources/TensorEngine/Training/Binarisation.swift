import Foundation

// Binary images from grey-level ones, the setting in which the likelihoods of generative models of
// MNIST are usually reported (introduced in the VAE chapter).

// ANCHOR: binarisation
/// Dynamic binarisation: each value x ∈ [0, 1] becomes 1 with probability x and 0 otherwise,
/// independently. Called anew each time an image is used, a grey pixel becomes a coin the model
/// must predict, so the Bernoulli likelihood of the result is a true probability.
public func binarised(_ probabilities: Tensor<Float>, generator: SeededGenerator) -> Tensor<Float> {
    let bits = Tensor<Float>(uninitializedShape: probabilities.shape, operation: "binarised")
    // 1 where the element's uniform draw u < x, else 0
    generator.fillBernoulli(bits.mutablePointer, probabilities: probabilities.pointer,
                            count: bits.count, value: 1, otherwise: 0)
    return bits
}

/// The entropy of those coins, Σᵢ h(xᵢ) with h(x) = −x log x − (1 − x) log(1 − x),
/// summed over each row, [n, 1] (nats). It is the least cross-entropy any prediction of a
/// binarised row can have on average, and the least Bernoulli cross-entropy against the grey
/// values themselves.
public func binaryEntropy(_ probabilities: Tensor<Float>) -> Tensor<Float> {
    withoutGradients {
        let clamped = clamp(probabilities, lower: 1e-7, upper: 1 - 1e-7)
        // The logits of x itself: the cross-entropy of x against σ(logit x) = x is h(x).
        let logits = log(clamped) - log(1 - clamped)
        return sigmoidCrossEntropy(logits: logits, labels: probabilities, reduction: .none)
            .sum(alongAxis: 1)
    }
}
// ANCHOR_END: binarisation
