// Exercise adversarial.1: the two losses of the adversarial autoencoder's regularisation phase.
// Check with `make check-exercise E=adversarial.1`.
import TensorEngine

/// The discriminator's loss (Makhzani et al. 2016, §2): samples of the prior p(z) are
/// "real" (label 1), the encoder's codes are "fake" (label 0), and the loss is the mean of the two
/// binary cross-entropies,
///
///     L_D = ½ (BCE(D(z_prior), 1) + BCE(D(code), 0)),
///     BCE(z, y) = mean of −y log σ(z) − (1 − y) log(1 − σ(z))
///
/// with each BCE averaged over its batch. `priorLogits` and `codeLogits` are the discriminator's
/// logits [rows, 1]; the result is one number (shape []). Gradients must reach both (the library's
/// `sigmoidCrossEntropy(logits:labels:)` is allowed).
public func discriminatorLoss<Scalar>(priorLogits: Tensor<Scalar>,
                                      codeLogits: Tensor<Scalar>) throws -> Tensor<Scalar> {
    throw NotWrittenYet("discriminatorLoss(priorLogits:codeLogits:)",
                        exercise: "adversarial.1", file: "Adversarial.swift")
}

/// The encoder's ("generator's") loss in the non-saturating form of Goodfellow et al. (2014): the
/// encoder wants its codes taken for prior samples, so it minimises
/// BCE(D(code), 1) = mean −log σ(D(code)), not log(1 − σ(D(code))), whose gradient vanishes while
/// the discriminator wins.
/// `codeLogits` is [rows, 1]; the result is one number. Gradients must reach the logits.
public func generatorLoss<Scalar>(codeLogits: Tensor<Scalar>) throws -> Tensor<Scalar> {
    throw NotWrittenYet("generatorLoss(codeLogits:)",
                        exercise: "adversarial.1", file: "Adversarial.swift")
}
