import Foundation

/// A labelled position on an axis.
struct Tick: Equatable {
    var value: Double
    var label: String
}

/// Tick placement: "nice" 1-2-5 steps on linear axes, decades (plus 2 and 5 when the range is short)
/// on logarithmic axes.
enum Ticks {
    /// The smallest step of the form {1, 2, 5} × 10^k that divides `span` into at most `maximumCount` intervals.
    static func niceStep(span: Double, maximumCount: Int) -> Double {
        let raw = span / Double(max(maximumCount, 1))
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        let factor: Double = residual <= 1 + 1e-9 ? 1 : residual <= 2 + 1e-9 ? 2 : residual <= 5 + 1e-9 ? 5 : 10
        return factor * magnitude
    }

    /// Ticks at multiples of a nice step inside `lower...upper`.
    static func linear(lower: Double, upper: Double, maximumCount: Int) -> [Tick] {
        let low = min(lower, upper), high = max(lower, upper)
        let step = niceStep(span: high - low, maximumCount: maximumCount)
        let first = Int((low / step - 1e-9).rounded(.up))
        let last = Int((high / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        let magnitude = max(abs(low), abs(high))
        return (first...last).map { k in
            let value = Double(k) * step
            return Tick(value: value, label: format(value, step: step, magnitude: magnitude))
        }
    }

    /// Major ticks (labelled) and minor tick positions for a logarithmic axis; both bounds must be positive.
    static func logarithmic(lower: Double, upper: Double) -> (major: [Tick], minor: [Double]) {
        let lowExponent = Int(floor(log10(lower) + 1e-9))
        let highExponent = Int(ceil(log10(upper) - 1e-9))
        let decades = highExponent - lowExponent
        let inside = { (v: Double) in v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) }
        let stride = max(1, Int((Double(decades) / 7).rounded(.up)))
        // Decades alone, or 1-2-5, or every multiple: the first choice that gives three labels.
        let choices: [[Int]] = [[1], [1, 2, 5], Array(1...9)]
        var major: [Tick] = []
        var minor: [Double] = []
        for multipliers in choices {
            major = []
            minor = []
            for exponent in lowExponent...highExponent {
                let decade = pow(10, Double(exponent))
                for multiplier in 1...9 {
                    let value = Double(multiplier) * decade
                    guard inside(value) else { continue }
                    if multipliers.contains(multiplier) && (multiplier != 1 || (exponent - lowExponent) % stride == 0) {
                        major.append(Tick(value: value, label: logLabel(multiplier: multiplier, exponent: exponent)))
                    } else {
                        minor.append(value)
                    }
                }
            }
            if major.count >= 3 { break }
        }
        return (major, minor)
    }

    /// `value` with as many decimals as `step` needs; a typographic minus sign; scientific notation
    /// for very large or very small magnitudes.
    static func format(_ value: Double, step: Double, magnitude: Double) -> String {
        if magnitude >= 1e6 || (step < 1e-4 && magnitude < 1e-3) {
            return typographic(String(format: "%.3g", value))
        }
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        var text = String(format: "%.\(decimals)f", value)
        if Double(text) == 0 { text = String(format: "%.\(decimals)f", 0.0) }
        return typographic(text)
    }

    /// A compact label for a value in a colour bar, legend or cell annotation.
    static func compact(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e6 { return typographic(String(format: "%.0f", value)) }
        return typographic(String(format: "%.3g", value))
    }

    private static func logLabel(multiplier: Int, exponent: Int) -> String {
        if (-3...4).contains(exponent) {
            let value = Double(multiplier) * pow(10, Double(exponent))
            return format(value, step: pow(10, Double(min(exponent, 0))), magnitude: value)
        }
        let power = "10" + superscript(exponent)
        return multiplier == 1 ? power : "\(multiplier)×\(power)"
    }

    private static func superscript(_ exponent: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(String(abs(exponent)).map { digits[Int(String($0))!] })
        return exponent < 0 ? "⁻" + body : body
    }

    private static func typographic(_ text: String) -> String {
        text.replacingOccurrences(of: "-", with: "\u{2212}")
    }
}
