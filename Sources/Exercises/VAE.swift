// Exercise vae.1: the two pieces that make an autoencoder variational.
// Check with `make check-exercise E=vae.1`; the chapter explains how to run it with yours.
import TensorEngine

/// The reparameterisation trick (Kingma & Welling 2014, §2.4): a sample of q(z|x) = N(μ, σ²)
/// written as a differentiable function of μ and the log-variance v = log σ², with the randomness
/// outside:
///
///     z = μ + σ ⊙ ε,   σ = e^(v/2),   ε ~ N(0, I) given as `noise`
///
/// All three tensors are [rows, latent]; so is the result. Gradients must reach μ and v (build z
/// from tensor operations: `exp`, `*`, `+`). Used by the VAE chapter to sample the code of every
/// image.
public func reparameterise<Scalar>(mean: Tensor<Scalar>,
                                   logVariance: Tensor<Scalar>,
                                   noise: Tensor<Scalar>) throws -> Tensor<Scalar> {
    throw NotWrittenYet("reparameterise(mean:logVariance:noise:)",
                        exercise: "vae.1", file: "VAE.swift")
}

/// KL(N(μ, σ²) ‖ N(0, I)) of a diagonal Gaussian, in closed form (Kingma & Welling 2014,
/// appendix B), with v = log σ²:
///
///     KL(row) = −½ Σ_j (1 + v_j − μ_j² − e^(v_j))
///
/// summed over the latent units j of each row, then averaged over the rows (nats per image). `mean`
/// and `logVariance` are [rows, latent]; the result is one number (a tensor of shape []). Gradients
/// must reach μ and v.
public func gaussianKL<Scalar>(mean: Tensor<Scalar>,
                               logVariance: Tensor<Scalar>) throws -> Tensor<Scalar> {
    throw NotWrittenYet("gaussianKL(mean:logVariance:)", exercise: "vae.1", file: "VAE.swift")
}
