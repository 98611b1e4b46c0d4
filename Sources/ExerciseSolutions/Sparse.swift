// Solution of exercise sparse.1 (the task and formulas: Sources/Exercises/Sparse.swift).
import Foundation
import TensorEngine

// ANCHOR: solution
/// Solution of sparse.1: ρ̂ = column means, then
/// Σ_j ρ log(ρ/ρ̂_j) + (1 − ρ) log((1 − ρ)/(1 − ρ̂_j)).
public func sparsityPenalty<Scalar>(activations: Tensor<Scalar>,
                                    target: Scalar) throws -> Tensor<Scalar> {
    let meanActivation = activations.mean(alongAxis: 0)
    let rho = Tensor<Scalar>(target), oneMinusRho = Tensor<Scalar>(1 - target)
    let first = rho * log(rho / meanActivation)
    let second = oneMinusRho * log(oneMinusRho / (1 - meanActivation))
    return (first + second).sum()
}

/// Solution of sparse.1: −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂), element by element.
public func sparsityPenaltyGradient<Scalar>(meanActivation: Tensor<Scalar>,
                                            target: Scalar) throws -> Tensor<Scalar> {
    -target / meanActivation + (1 - target) / (1 - meanActivation)
}
// ANCHOR_END: solution
