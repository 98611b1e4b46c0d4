import Foundation
import TensorEngine

// What every exercise check is built from: one result line per comparison, the value comparison with
// its list of recognisable mistakes, and the gradient comparison by the engine's gradient check.

/// One comparison of the student's function with the reference: one line of the checker's output.
public struct CheckResult: Sendable, CustomStringConvertible {
    /// The exercise, e.g. `vae.1`.
    public let exercise: String
    /// What was compared, e.g. "reparameterise: values vs μ + e^(v/2) ⊙ ε".
    public let what: String
    /// The largest error found, or nil when the comparison could not be made (the function threw).
    public let largestError: Double?
    /// Whether the largest error is within the tolerance.
    public let passed: Bool
    /// Why it failed, or what the mistake probably is; nil when it passed.
    public let hint: String?

    /// `exercise  what  largest error  pass|FAIL`, then `  → hint` on failure.
    public var description: String { line(showingHint: true) }

    /// The result line, with the hint below it when `showingHint` (a repeated hint is left out).
    public func line(showingHint: Bool) -> String {
        let error = largestError.map { $0.isFinite ? String(format: "largest error %.1e", $0) : "largest error ∞" }
            ?? "not compared"
        var line = "\(exercise)  \(what)  \(error)  \(passed ? "pass" : "FAIL")"
        if let hint, showingHint { line += "\n    → \(hint)" }
        return line
    }
}

/// A recognisable wrong answer: if the student's values match `values`, the check says `hint`.
public struct KnownMistake {
    /// What the mistake would produce on the check's inputs.
    public let values: Tensor<Double>
    /// What to tell the student, e.g. "did you drop the ½?".
    public let hint: String
    /// A mistake the checker recognises when the student's output matches `values`.
    public init(_ values: Tensor<Double>, _ hint: String) {
        self.values = values
        self.hint = hint
    }
}

/// Collects the result lines of one exercise's checks. A throwing student function (a stub not yet
/// written, or a check the student's code refuses) ends that check with its message as the hint.
public struct CheckRecorder {
    /// The exercise being checked.
    public let exercise: String
    /// The lines so far.
    public private(set) var results: [CheckResult] = []

    /// Starts an empty record for `exercise`.
    public init(exercise: String) { self.exercise = exercise }

    /// Records a result computed by `body`; an error thrown by the student's code becomes a failed
    /// line whose hint is the error's message.
    public mutating func check(_ what: String, _ body: () throws -> (largestError: Double, passed: Bool, hint: String?)) {
        do {
            let outcome = try body()
            results.append(CheckResult(exercise: exercise, what: what, largestError: outcome.largestError,
                                       passed: outcome.passed, hint: outcome.passed ? nil : outcome.hint))
        } catch {
            results.append(CheckResult(exercise: exercise, what: what, largestError: nil, passed: false, hint: "\(error)"))
        }
    }

    /// Compares values element by element: passes when max |actual − expected| ≤ tolerance. On failure
    /// the hint names a shape mismatch, a NaN, or the first of `mistakes` the values match.
    public mutating func compareValues(
        _ what: String, tolerance: Double = 1e-9, mistakes: [KnownMistake] = [], _ compute: () throws -> (actual: Tensor<Double>, expected: Tensor<Double>)
    ) {
        check(what) {
            let (actual, expected) = try compute()
            guard actual.shape == expected.shape else {
                return (.infinity, false, "your result has shape \(actual.shape), expected \(expected.shape)")
            }
            let error = largestDifference(actual, expected)
            if error <= tolerance { return (error, true, nil) }
            if actual.scalars.contains(where: { !$0.isFinite }) {
                return (error, false, "your result contains NaN or ∞: a log or division of something not positive?")
            }
            let recognised = mistakes.first { $0.values.shape == actual.shape && largestDifference(actual, $0.values) <= tolerance }
            return (error, false, recognised?.hint ?? "the values differ from the reference; compare your formula with the doc comment")
        }
    }

    /// Checks the gradients of Σ w ⊙ f(inputs) (fixed weights w in [0.5, 1.5]) against central
    /// differences with the engine's ``checkGradients(of:withRespectTo:step:)``: passes when the largest
    /// relative error is below `tolerance`. Fails with a hint when no gradient reaches the inputs.
    public mutating func compareGradients(
        _ what: String, inputs: [(name: String, tensor: Tensor<Double>)], tolerance: Double = 1e-5,
        _ function: @escaping () throws -> Tensor<Double>
    ) {
        check(what) {
            for input in inputs { input.tensor.requiresGradient = true }
            defer { for input in inputs { input.tensor.requiresGradient = false } }
            let output = try function()
            guard output.requiresGradient else {
                return (.infinity, false, "no gradient reaches the inputs: build the result with tensor operations, not from .scalars")
            }
            let weights = Tensor<Double>(randomUniform: output.shape, lower: 0.5, upper: 1.5, generator: SeededGenerator(seed: 99))
            let report = checkGradients(of: { (((try? function()) ?? Tensor(0)) * weights).sum() }, withRespectTo: inputs)
            let error = report.maximumRelativeError
            let worst = report.rows.max { $0.maximumRelativeError < $1.maximumRelativeError }?.name ?? "?"
            return (error, error < tolerance, "the gradient with respect to \(worst) is wrong: is every step a tensor operation?")
        }
    }
}

/// max |a − b| over two tensors of the same shape; ∞ when a difference is NaN (Swift.max would skip it).
public func largestDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    zip(a.scalars, b.scalars).reduce(0.0) { (largest: Double, pair: (Double, Double)) -> Double in
        let difference = Swift.abs(pair.0 - pair.1)
        return difference.isNaN ? .infinity : Swift.max(largest, difference)
    }
}

/// Random Double values from `seed`: normal with standard deviation `scale`, or uniform in `range`.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor<Double> {
    Tensor<Double>(randomNormal: shape, standardDeviation: scale, generator: SeededGenerator(seed: seed))
}

/// Uniform Double values in `range` from `seed`.
func randomTensor(_ shape: [Int], seed: UInt64, range: ClosedRange<Double>) -> Tensor<Double> {
    Tensor<Double>(randomUniform: shape, lower: range.lowerBound, upper: range.upperBound, generator: SeededGenerator(seed: seed))
}
