import Foundation
import TensorEngine

/// vae.1: the reparameterisation against μ + e^(v/2) ε computed element by element, the KL against
/// the library's `gaussianKLDivergence`, and both gradients against finite differences.
func checkVAE(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "vae.1")
    // 8 rows and 5 units: a factor of 8 (summed over rows) and of 1/5 (averaged over units) differ.
    let mean = randomTensor([8, 5], seed: 1), logVariance = randomTensor([8, 5], seed: 2, scale: 0.7)
    let noise = randomTensor([8, 5], seed: 3)
    func elementwise(_ sigma: (Double) -> Double) -> Tensor<Double> {
        let values = zip(zip(mean.scalars, logVariance.scalars), noise.scalars).map { pair, epsilon in pair.0 + sigma(pair.1) * epsilon }
        return Tensor(shape: mean.shape, scalars: values)
    }
    recorder.compareValues("reparameterise: values vs μ + e^(v/2) ⊙ ε", mistakes: [
        KnownMistake(elementwise { Foundation.exp($0) }, "you used e^v, the variance: σ = e^(v/2)"),
        KnownMistake(elementwise { $0 }, "you used v itself as σ: v is the log-variance, σ = e^(v/2)"),
        KnownMistake(elementwise { Foundation.exp(-$0 / 2) }, "you used e^(−v/2) = 1/σ: σ = e^(v/2)"),
        KnownMistake(elementwise { _ in 1 }, "σ is missing: z = μ + σ ⊙ ε"),
    ]) {
        (try implementation.reparameterise(mean, logVariance, noise), elementwise { Foundation.exp($0 / 2) })
    }
    recorder.compareGradients("reparameterise: gradients wrt μ and v vs finite differences",
                              inputs: [("μ", mean), ("v", logVariance)]) {
        try implementation.reparameterise(mean, logVariance, noise)
    }
    let reference = gaussianKLDivergence(mean: mean, logVariance: logVariance)
    recorder.compareValues("gaussianKL: value vs the library's gaussianKLDivergence", mistakes: [
        KnownMistake(2 * reference, "your KL is off by a factor of 2 in every unit: did you drop the ½?"),
        KnownMistake(0.5 * reference, "your KL is half the reference: is the ½ there twice?"),
        KnownMistake(-reference, "your KL has the wrong sign: it is −½ Σ (1 + v − μ² − e^v), never negative"),
        KnownMistake(8 * reference, "your KL is 8 times too large (8 rows): average over the rows, do not sum"),
        KnownMistake(reference / 5, "your KL is 5 times too small (5 units): sum over the units, do not average"),
    ]) {
        (try implementation.gaussianKL(mean, logVariance), reference)
    }
    recorder.compareGradients("gaussianKL: gradients wrt μ and v vs finite differences",
                              inputs: [("μ", mean), ("v", logVariance)]) {
        try implementation.gaussianKL(mean, logVariance)
    }
    return recorder.results
}
