import TensorEngine

/// adversarial.1: both losses against the library's `sigmoidCrossEntropy` with the chapter's labels,
/// and their gradients against finite differences.
func checkAdversarial(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "adversarial.1")
    let priorLogits = randomTensor([10, 1], seed: 81, scale: 2), codeLogits = randomTensor([10, 1], seed: 82, scale: 2)
    let ones = Tensor<Double>(repeating: 1, shape: [10, 1]), zeros = Tensor<Double>(zeros: [10, 1])
    func crossEntropy(_ logits: Tensor<Double>, _ labels: Tensor<Double>) -> Tensor<Double> {
        sigmoidCrossEntropy(logits: logits.detached(), labels: labels)
    }
    let discriminator = 0.5 * (crossEntropy(priorLogits, ones) + crossEntropy(codeLogits, zeros))
    recorder.compareValues("discriminatorLoss: value vs ½ (BCE(prior, 1) + BCE(codes, 0))", mistakes: [
        KnownMistake(2 * discriminator, "your loss is twice the reference: the two halves are averaged, multiply by ½"),
        KnownMistake(0.5 * (crossEntropy(priorLogits, zeros) + crossEntropy(codeLogits, ones)),
                     "the labels are swapped: prior samples are real (label 1), codes are fake (label 0)"),
    ]) {
        (try implementation.discriminatorLoss(priorLogits, codeLogits), discriminator)
    }
    recorder.compareGradients("discriminatorLoss: gradients wrt both logits vs finite differences",
                              inputs: [("prior logits", priorLogits), ("code logits", codeLogits)]) {
        try implementation.discriminatorLoss(priorLogits, codeLogits)
    }
    recorder.compareValues("generatorLoss: value vs BCE(codes, 1)", mistakes: [
        KnownMistake(-crossEntropy(codeLogits, zeros),
                     "this is the saturating loss log(1 − σ(D)): minimise −log σ(D) instead, BCE with label 1"),
        KnownMistake(crossEntropy(codeLogits, zeros), "label 0 trains the discriminator's side: the encoder's codes want label 1"),
    ]) {
        (try implementation.generatorLoss(codeLogits), crossEntropy(codeLogits, ones))
    }
    recorder.compareGradients("generatorLoss: gradient wrt the code logits vs finite differences",
                              inputs: [("code logits", codeLogits)]) {
        try implementation.generatorLoss(codeLogits)
    }
    return recorder.results
}
