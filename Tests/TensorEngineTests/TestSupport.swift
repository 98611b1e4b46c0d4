import Foundation
import Testing
@testable import TensorEngine

/// Uniform values in [lower, upper), Double, from a fixed seed.
func uniform(_ shape: [Int], _ lower: Double, _ upper: Double, seed: UInt64) -> Tensor<Double> {
    Tensor<Double>(randomUniform: shape, lower: lower, upper: upper, generator: SeededGenerator(seed: seed))
}

/// Values with |x| in [0.2, 2] and a random sign: at least 0.2 away from the kink of relu, abs, …
func signedAwayFromZero(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    let generator = SeededGenerator(seed: seed)
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ -> Double in
        let magnitude = 0.2 + 1.8 * generator.nextUniform()
        return generator.nextUniform() < 0.5 ? -magnitude : magnitude
    }
    return Tensor(shape: shape, scalars: values)
}

/// Fixed weights in [0.5, 1.5] shaped like `shape`: Σ w ⊙ f(x) gives every element its own,
/// non-zero upstream gradient, so a wrong index or a missed broadcast axis cannot cancel out.
func weights(_ shape: [Int], seed: UInt64 = 99) -> Tensor<Double> { uniform(shape, 0.5, 1.5, seed: seed) }

/// Checks `function`'s gradients against central differences (step 1e-6 by default) and expects the
/// largest relative error to be below `tolerance` (1e-6 by default). Functions that sum hundreds of
/// terms use a larger step: their rounding error, divided by 2h, would otherwise swamp small gradients.
func expectGradientsMatch(
    _ label: String, _ inputs: [(name: String, tensor: Tensor<Double>)], tolerance: Double = 1e-6, step: Double = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation, _ function: () -> Tensor<Double>
) {
    let report = checkGradients(of: function, withRespectTo: inputs, step: step)
    #expect(report.rows.count == inputs.count, sourceLocation: sourceLocation)
    #expect(report.maximumRelativeError < tolerance, "\(label):\n\(report)", sourceLocation: sourceLocation)
}

/// Largest |a − b| over two arrays of equal length; NaN when any difference is NaN, so a tolerance
/// check fails on it (`max()` would keep or drop a NaN depending on where it stands).
func maximumDifference<S: BinaryFloatingPoint>(_ a: [S], _ b: [S]) -> S {
    precondition(a.count == b.count)
    var largest: S = 0
    for (x, y) in zip(a, b) {
        let difference = Swift.abs(x - y)
        if difference.isNaN { return .nan }
        largest = Swift.max(largest, difference)
    }
    return largest
}

/// The root of every suite here, run one test at a time: the determinism test sets the engine's
/// thread count, which is one process-wide setting (`withoutGradients` is task-local and needs no
/// serialising).
@Suite(.serialized) struct TensorEngineTests {}
