import Foundation

/// The result of comparing autodiff gradients with finite differences, one row per input.
public struct GradientCheckReport: CustomStringConvertible {
    /// One input's comparison.
    public struct Row: Sendable {
        /// The name given to the input.
        public let name: String
        /// max |autodiff − numeric| over the input's elements.
        public let maximumAbsoluteError: Double
        /// max |autodiff − numeric| / max(|autodiff|, |numeric|) over elements whose gradient is
        /// not negligible (both below 1e-10 counts as agreement).
        public let maximumRelativeError: Double
    }
    /// One row per checked input, in the order given.
    public let rows: [Row]

    /// The largest relative error over all inputs.
    public var maximumRelativeError: Double { rows.map(\.maximumRelativeError).max() ?? 0 }
    /// The largest absolute error over all inputs.
    public var maximumAbsoluteError: Double { rows.map(\.maximumAbsoluteError).max() ?? 0 }

    /// A small table: name, max absolute error, max relative error.
    public var description: String {
        let width = max(9, rows.map(\.name.count).max() ?? 0)
        var lines = ["parameter".padding(toLength: width, withPad: " ", startingAt: 0) + "  max abs error  max rel error"]
        for row in rows {
            lines.append(row.name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + String(format: "  %13.3e  %13.3e", row.maximumAbsoluteError, row.maximumRelativeError))
        }
        return lines.joined(separator: "\n")
    }
}

/// Checks the gradients of a scalar function of Double tensors against central finite differences
/// (f(x + h) − f(x − h)) / 2h, element by element, and reports the worst errors per input.
///
/// `function` must rebuild its result from the inputs each time it is called. Example:
/// ```
/// let x = Tensor<Double>(randomNormal: [3, 4], generator: generator)
/// let report = checkGradients(of: { sigmoid(x).sum() }, withRespectTo: [("x", x)])
/// print(report)
/// ```
public func checkGradients(
    of function: () -> Tensor<Double>, withRespectTo inputs: [(name: String, tensor: Tensor<Double>)], step: Double = 1e-6
) -> GradientCheckReport {
    let saved = inputs.map { $0.tensor.requiresGradient }
    defer { for (input, flag) in zip(inputs, saved) { input.tensor.requiresGradient = flag } }
    for input in inputs {
        input.tensor.requiresGradient = true
        input.tensor.zeroGradient()
    }
    function().backward()
    let analytic = inputs.map { $0.tensor.gradientOrZeros.scalars }
    var rows: [GradientCheckReport.Row] = []
    withoutGradients {
        for (index, input) in inputs.enumerated() {
            var absoluteError = 0.0, relativeError = 0.0
            let values = input.tensor.mutablePointer
            for element in 0..<input.tensor.count {
                let original = values[element]
                values[element] = original + step
                let plus = function().scalarValue
                values[element] = original - step
                let minus = function().scalarValue
                values[element] = original
                let numeric = (plus - minus) / (2 * step)
                let difference = Swift.abs(numeric - analytic[index][element])
                let magnitude = max(Swift.abs(numeric), Swift.abs(analytic[index][element]))
                absoluteError = max(absoluteError, difference)
                if magnitude > 1e-10 { relativeError = max(relativeError, difference / magnitude) }
            }
            rows.append(.init(name: input.name, maximumAbsoluteError: absoluteError, maximumRelativeError: relativeError))
        }
    }
    for input in inputs { input.tensor.zeroGradient() }
    return GradientCheckReport(rows: rows)
}
