// Solution of exercise vae.1 (the task and formulas: Sources/Exercises/VAE.swift).
import TensorEngine

// ANCHOR: solution
/// Solution of vae.1: z = μ + e^(v/2) ⊙ ε.
public func reparameterise<Scalar>(mean: Tensor<Scalar>,
                                   logVariance: Tensor<Scalar>,
                                   noise: Tensor<Scalar>) throws -> Tensor<Scalar> {
    let standardDeviation = exp(0.5 * logVariance)
    return mean + standardDeviation * noise
}

/// Solution of vae.1: −½ Σ_j (1 + v_j − μ_j² − e^(v_j)) per row, averaged over rows.
public func gaussianKL<Scalar>(mean: Tensor<Scalar>,
                               logVariance: Tensor<Scalar>) throws -> Tensor<Scalar> {
    let perUnit = -0.5 * (1 + logVariance - square(mean) - exp(logVariance))
    return perUnit.sum(alongAxis: 1).mean()
}
// ANCHOR_END: solution
