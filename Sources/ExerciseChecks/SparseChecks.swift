import TensorEngine

/// sparse.1: the penalty against the library's `bernoulliKLDivergence` of the column means, its
/// gradient against finite differences, and the hand-derived gradient against autodiff.
func checkSparse(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "sparse.1")
    let target = 0.1
    // 16 rows, 6 units, activations in (0.02, 0.6): ρ̂ near and far from ρ.
    let activations = randomTensor([16, 6], seed: 41, range: 0.02...0.6)
    let meanActivation = activations.mean(alongAxis: 0)
    let reference = bernoulliKLDivergence(target: target, meanActivation: meanActivation)
    let firstTermOnly = (target * log(target / meanActivation)).sum()
    let swapped = (meanActivation * log(meanActivation / target) + (1 - meanActivation) * log((1 - meanActivation) / (1 - target))).sum()
    let perActivation = (target * log(target / activations) + (1 - target) * log((1 - target) / (1 - activations))).sum(alongAxis: 1).mean()
    recorder.compareValues("sparsityPenalty: value vs the library's bernoulliKLDivergence", mistakes: [
        KnownMistake(firstTermOnly, "the (1 − ρ) log((1 − ρ)/(1 − ρ̂)) term is missing"),
        KnownMistake(swapped, "you computed KL(ρ̂ ‖ ρ): the target ρ comes first, KL(ρ ‖ ρ̂)"),
        KnownMistake(reference / 6, "your penalty is 6 times too small (6 units): sum over the units, do not average"),
        KnownMistake(perActivation, "you took the KL of each activation: take each unit's mean activation ρ̂ first"),
    ]) {
        (try implementation.sparsityPenalty(activations, target), reference)
    }
    recorder.compareGradients("sparsityPenalty: gradient wrt the activations vs finite differences",
                              inputs: [("activations", activations)]) {
        try implementation.sparsityPenalty(activations, target)
    }
    // The gradient by autodiff through the library's penalty, at a leaf ρ̂.
    let leaf = meanActivation.detached()
    leaf.requiresGradient = true
    bernoulliKLDivergence(target: target, meanActivation: leaf).backward()
    let autodiff = leaf.gradient?.detached() ?? Tensor(zeros: leaf.shape)
    recorder.compareValues("sparsityPenaltyGradient: values vs autodiff of bernoulliKLDivergence", mistakes: [
        KnownMistake(-autodiff, "your gradient has the wrong sign: ∂/∂ρ̂ = −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂)"),
        KnownMistake(-target / meanActivation, "the (1 − ρ)/(1 − ρ̂) term is missing"),
    ]) {
        (try implementation.sparsityPenaltyGradient(meanActivation.detached(), target), autodiff)
    }
    return recorder.results
}
