// Solution of exercise adversarial.1 (the task: Sources/Exercises/Adversarial.swift).
import TensorEngine

// ANCHOR: solution
/// Solution of adversarial.1: ½ (BCE(prior, 1) + BCE(codes, 0)).
public func discriminatorLoss<Scalar>(priorLogits: Tensor<Scalar>,
                                      codeLogits: Tensor<Scalar>) throws -> Tensor<Scalar> {
    let realLabels = Tensor<Scalar>(repeating: 1, shape: priorLogits.shape)
    let fakeLabels = Tensor<Scalar>(zeros: codeLogits.shape)
    let real = sigmoidCrossEntropy(logits: priorLogits, labels: realLabels)
    let fake = sigmoidCrossEntropy(logits: codeLogits, labels: fakeLabels)
    return 0.5 * (real + fake)
}

/// Solution of adversarial.1: BCE(codes, 1), the non-saturating loss.
public func generatorLoss<Scalar>(codeLogits: Tensor<Scalar>) throws -> Tensor<Scalar> {
    sigmoidCrossEntropy(logits: codeLogits, labels: Tensor(repeating: 1, shape: codeLogits.shape))
}
// ANCHOR_END: solution
