import Foundation

/// One axis of a panel: its visible range, scale and ticks.
struct AxisSpec {
    var lower: Double
    var upper: Double
    var logarithmic = false
    var ticks: [Tick] = []
    var minorTicks: [Double] = []
    var gridLines = true
    /// Draw tick labels at 45° when they would collide horizontally (set by the layout, x axes only).
    var rotatedLabels = false

    /// Position of `value` along the axis as a fraction of its length (0 at `lower`, 1 at `upper`).
    func fraction(_ value: Double) -> Double {
        if logarithmic { return (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) }
        return (value - lower) / (upper - lower)
    }

    /// A linear axis over `range` (padded by `margin` of its span on each side unless the bound is
    /// pinned), with about one tick per `spacing` points of `length`.
    static func linear(_ range: ClosedRange<Double>, length: Double, spacing: Double,
                       margin: Double = 0.05, pinLower: Bool = false) -> AxisSpec {
        var lower = range.lowerBound, upper = range.upperBound
        if upper - lower <= 0 {
            let half = lower == 0 ? 1 : abs(lower) * 0.1
            lower -= half
            upper += half
        }
        let span = upper - lower
        if !pinLower { lower -= span * margin }
        upper += span * margin
        let count = max(2, Int(length / spacing))
        return AxisSpec(lower: lower, upper: upper, ticks: Ticks.linear(lower: lower, upper: upper, maximumCount: count))
    }

    /// A logarithmic axis over a positive `range`; `padded` widens it by a small factor on each side
    /// (a caller-fixed range is used as it is).
    static func logarithmic(_ range: ClosedRange<Double>, padded: Bool = true) -> AxisSpec {
        var lower = range.lowerBound, upper = range.upperBound
        if padded {
            if upper <= lower { lower /= 2; upper *= 2 }
            let ratio = pow(upper / lower, 0.04)
            lower /= ratio
            upper *= ratio
        }
        let ticks = Ticks.logarithmic(lower: lower, upper: upper)
        return AxisSpec(lower: lower, upper: upper, logarithmic: true, ticks: ticks.major, minorTicks: ticks.minor)
    }

    /// This axis with labelled ticks at `values` (e.g. 1, 2, 4, …, 32 on a logarithmic axis) instead of
    /// its automatic ticks, and no minor ticks. Values outside the axis, or not positive on a logarithmic
    /// axis, are left out.
    func withTicks(at values: [Double]) -> AxisSpec {
        var axis = self
        let low = min(lower, upper), high = max(lower, upper)
        axis.ticks = values.filter { $0.isFinite && $0 >= low && $0 <= high && (!logarithmic || $0 > 0) }
            .map { Tick(value: $0, label: Ticks.compact($0)) }
        axis.minorTicks = []
        return axis
    }

    /// An exact (unpadded) linear axis over a caller-chosen range.
    static func fixed(_ range: ClosedRange<Double>, length: Double, spacing: Double) -> AxisSpec {
        linear(range, length: length, spacing: spacing, margin: 0)
    }
}

extension AxisOptions {
    /// The span the axis must show: the caller's fixed range, else the data's extent widened to the
    /// caller's tick values (only the positive ones on a logarithmic axis); `nil` when nothing is finite.
    func span(fitting data: ClosedRange<Double>?) -> ClosedRange<Double>? {
        if let range { return range }
        var bounds = DataBounds(x: data)
        for value in tickValues ?? [] where !logarithmic || value > 0 { bounds.include(x: value) }
        return bounds.x
    }

    /// The axis over `span`: logarithmic (padded unless the caller fixed the range), exactly the
    /// caller's range, or fitted to the data with a margin (the lower bound pinned when `pinLower`),
    /// labelled at the caller's tick values if any. Throws, naming `chart` and `direction` ("x" or
    /// "y"), when a logarithmic span is not positive.
    func axis(over span: ClosedRange<Double>, direction: String, of chart: String,
              length: Double, spacing: Double, pinLower: Bool = false) throws -> AxisSpec {
        let axis: AxisSpec
        if logarithmic {
            guard span.lowerBound > 0 else {
                throw FigureError("\(chart): a logarithmic \(direction) axis needs positive values")
            }
            axis = AxisSpec.logarithmic(span, padded: range == nil)
        } else {
            axis = range != nil ? AxisSpec.fixed(span, length: length, spacing: spacing)
                : AxisSpec.linear(span, length: length, spacing: spacing, pinLower: pinLower)
        }
        return tickValues.map { axis.withTicks(at: $0) } ?? axis
    }
}

/// A panel's rectangle on the canvas together with its axes: maps data to canvas coordinates.
struct PlotFrame {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var x: AxisSpec
    var y: AxisSpec

    var right: Double { left + width }
    var bottom: Double { top + height }
    func px(_ value: Double) -> Double { left + x.fraction(value) * width }
    func py(_ value: Double) -> Double { bottom - y.fraction(value) * height }
    /// Whether a data point can be placed on this frame's axes (finite, positive on log axes).
    func isPlottable(_ xValue: Double, _ yValue: Double) -> Bool {
        xValue.isFinite && yValue.isFinite && (!x.logarithmic || xValue > 0) && (!y.logarithmic || yValue > 0)
    }
}
