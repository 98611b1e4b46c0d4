// Exercise sparse.1: the KL sparsity penalty, and its gradient by hand.
// Check with `make check-exercise E=sparse.1`.
import TensorEngine

/// The sparse autoencoder's penalty (Ng, "Sparse autoencoder", CS294A notes): with ρ̂_j the mean
/// activation of hidden unit j over the batch (the mean of column j of `activations`),
///
///     penalty = Σ_j KL(ρ ‖ ρ̂_j),   KL(ρ ‖ ρ̂) = ρ log(ρ / ρ̂) + (1 − ρ) log((1 − ρ) / (1 − ρ̂))
///
/// summed over the units j (not averaged). `activations` is [rows, hidden] with values in (0, 1);
/// `target` is ρ in (0, 1). The result is one number (shape []); gradients must reach the
/// activations.
public func sparsityPenalty<Scalar>(activations: Tensor<Scalar>,
                                    target: Scalar) throws -> Tensor<Scalar> {
    throw NotWrittenYet("sparsityPenalty(activations:target:)",
                        exercise: "sparse.1", file: "Sparse.swift")
}

/// The penalty's gradient with respect to the mean activations, derived by hand:
///
///     ∂ KL(ρ ‖ ρ̂_j) / ∂ρ̂_j = −ρ / ρ̂_j + (1 − ρ) / (1 − ρ̂_j)
///
/// `meanActivation` is ρ̂ [hidden], values in (0, 1); the result has the same shape. Values only:
/// the checker compares it with what autodiff computes through the library's penalty.
public func sparsityPenaltyGradient<Scalar>(meanActivation: Tensor<Scalar>,
                                            target: Scalar) throws -> Tensor<Scalar> {
    throw NotWrittenYet("sparsityPenaltyGradient(meanActivation:target:)",
                        exercise: "sparse.1", file: "Sparse.swift")
}
