// Exercise contractive.1: the contractive penalty in closed form, without building the Jacobian.
// Check with `make check-exercise E=contractive.1`.
import TensorEngine

/// The squared Frobenius norm of a sigmoid encoder's Jacobian (Rifai et al. 2011, eq. 4), averaged
/// over the batch. For h = σ(x Wᵀ + b), ∂h_j/∂x_i = h_j (1 − h_j) W_ji, so for each row
///
///     ‖J(x)‖²_F = Σ_j (h_j (1 − h_j))² Σ_i W_ji²
///
/// `code` is h [rows, hidden] (the encoder's sigmoid outputs), `encoderWeight` is W [hidden,
/// input]. The result is the mean over rows, one number (shape []). Gradients must reach h and W.
public func squaredJacobianNorm<Scalar>(code: Tensor<Scalar>,
                                        encoderWeight: Tensor<Scalar>) throws -> Tensor<Scalar> {
    throw NotWrittenYet("squaredJacobianNorm(code:encoderWeight:)",
                        exercise: "contractive.1", file: "Contractive.swift")
}
