import Foundation
import TensorEngine

/// denoising.1: masking noise is deterministic for a seed, zeroes the right fraction of elements
/// independently, keeps the rest unchanged, and equals the library's `maskingCorruption`.
func checkDenoising(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "denoising.1")
    let fraction = 0.3
    let images = Tensor<Float>(randomUniform: [200, 500], lower: 0.1, upper: 1, generator: SeededGenerator(seed: 61))
    func masked(_ clean: Tensor<Float>, _ fraction: Double, seed: UInt64 = 62) throws -> Tensor<Double> {
        asDouble(try implementation.maskingNoise(clean, fraction, SeededGenerator(seed: seed)))
    }
    recorder.compareValues("maskingNoise: the same seed twice gives the same result") {
        (try masked(images, fraction), try masked(images, fraction))
    }
    recorder.check("maskingNoise: share of zeroed elements vs fraction 0.3 (n = 100 000)") {
        let output = try masked(images, fraction).scalars
        let zeroed = Double(output.filter { $0 == 0 }.count) / Double(output.count)
        // Four binomial standard deviations: a correct mask fails this once in ~16 000 seeds.
        let tolerance = 4 * (fraction * (1 - fraction) / Double(output.count)).squareRoot()
        let hint = Swift.abs(zeroed - (1 - fraction)) < tolerance
            ? "you zeroed with probability 1 − fraction: zero when u < fraction"
            : String(format: "%.4f of the elements are zero, expected 0.3 ± %.4f", zeroed, tolerance)
        return (Swift.abs(zeroed - fraction), Swift.abs(zeroed - fraction) <= tolerance, hint)
    }
    recorder.check("maskingNoise: every kept element is unchanged") {
        let clean = asDouble(images).scalars, output = try masked(images, fraction).scalars
        guard clean.count == output.count else { return (.infinity, false, "the result has \(output.count) elements, expected \(clean.count)") }
        let kept = zip(output, clean).filter { $0.0 != 0 }
        let error = kept.reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
        let rescaled = kept.allSatisfy { Swift.abs($0.0 - $0.1 / (1 - fraction)) < 1e-5 }
        return (error, error == 0, rescaled && !kept.isEmpty ? "kept elements were divided by 1 − fraction: masking noise does not rescale (dropout does)"
                                                             : "kept elements must keep their clean value")
    }
    recorder.check("maskingNoise: rows get different masks (share of rows masked like row 1)") {
        let output = try masked(Tensor<Float>(repeating: 1, shape: [50, 100]), fraction).scalars
        guard output.count == 5000 else { return (.infinity, false, "the result has \(output.count) elements, expected 5000") }
        let first = Array(output[0..<100])
        let same = (1..<50).filter { Array(output[($0 * 100)..<($0 * 100 + 100)]) == first }.count
        return (Double(same) / 49, same == 0, "rows share one mask: draw one number per element, not per column")
    }
    recorder.compareValues("maskingNoise: fraction 0 keeps everything, fraction 1 zeroes everything") {
        let small = Tensor<Float>(randomUniform: [4, 6], lower: 0.1, upper: 1, generator: SeededGenerator(seed: 63))
        let both = Tensor(shape: [2, 24], scalars: try masked(small, 0).scalars + masked(small, 1).scalars)
        return (both, Tensor(shape: [2, 24], scalars: asDouble(small).scalars + [Double](repeating: 0, count: 24)))
    }
    recorder.compareValues("maskingNoise: values vs the library's maskingCorruption, same seed") {
        (try masked(images, fraction), asDouble(maskingCorruption(images, fraction: fraction, generator: SeededGenerator(seed: 62))))
    }
    return recorder.results
}

/// A Float tensor's values in Double.
func asDouble(_ tensor: Tensor<Float>) -> Tensor<Double> {
    Tensor(shape: tensor.shape, scalars: tensor.scalars.map(Double.init))
}
