import Foundation

/// A chart that renders itself with Cairo (DejaVu Sans) into a PNG.
///
/// Sizes are logical points; the PNG has `scale` pixels per point (default 2, so an 800×600 chart
/// becomes a 1600×1200 PNG that stays sharp on GitHub). Rendering is deterministic: the same chart
/// gives the same bytes. Non-finite values (NaN, ±∞) in chart data are skipped, not plotted.
public protocol Chart {
    /// Renders the chart at `width`×`height` logical points into an RGB raster of
    /// `width·scale`×`height·scale` pixels.
    /// - Throws: `FigureError` for empty or inconsistent data, or a non-positive size.
    func render(width: Int, height: Int, scale: Int) throws -> RasterImage
}

extension Chart {
    /// Renders the chart at 2 pixels per point; see `render(width:height:scale:)`.
    public func render(width: Int, height: Int) throws -> RasterImage {
        try render(width: width, height: height, scale: 2)
    }

    /// The chart encoded as PNG (`width·scale`×`height·scale` pixels).
    public func pngData(width: Int = 800, height: Int = 600, scale: Int = 2) throws -> Data {
        try render(width: width, height: height, scale: scale).pngData()
    }

    /// Renders the chart and writes it atomically as a PNG; the directory must exist.
    /// - Throws: `FigureError` for invalid data, or naming the path and reason if it cannot be written.
    public func write(to url: URL, width: Int = 800, height: Int = 600, scale: Int = 2) throws {
        try writeFigure(pngData(width: width, height: height, scale: scale), to: url)
    }
}

/// Where a chart's legend goes.
public enum LegendPlacement: Sendable {
    /// Outside the plotting area, to the right, aligned with its top (never hides data).
    case outsideRight
    /// Inside the plotting area, in the corner covering the fewest data points.
    case best
    /// Inside, upper-left corner.
    case upperLeft
    /// Inside, upper-right corner.
    case upperRight
    /// Inside, lower-left corner.
    case lowerLeft
    /// Inside, lower-right corner.
    case lowerRight
    /// No legend.
    case hidden
}

/// A dashed horizontal or vertical reference line across the plotting area (e.g. y = 0, x = ρ),
/// with an optional label. Its position is always included in the axis range.
public struct ReferenceLine: Sendable {
    /// The direction of a reference line.
    public enum Orientation: Sendable {
        /// A line at a constant y.
        case horizontal
        /// A line at a constant x.
        case vertical
    }

    /// Horizontal (constant y) or vertical (constant x).
    public var orientation: Orientation
    /// The constant coordinate, in data units.
    public var value: Double
    /// Text drawn next to the line (may be empty).
    public var label: String

    /// Creates a reference line.
    public init(orientation: Orientation, value: Double, label: String = "") {
        self.orientation = orientation
        self.value = value
        self.label = label
    }

    /// A horizontal line at `y`.
    public static func horizontal(_ y: Double, label: String = "") -> ReferenceLine {
        ReferenceLine(orientation: .horizontal, value: y, label: label)
    }

    /// A vertical line at `x`.
    public static func vertical(_ x: Double, label: String = "") -> ReferenceLine {
        ReferenceLine(orientation: .vertical, value: x, label: label)
    }
}

/// What the caller fixes on one axis of a plot: its range, its scale and where its labelled ticks
/// go. The default fits a linear axis with automatic ticks to the data.
public struct AxisOptions: Sendable {
    /// Fixed range; `nil` fits the data with a small margin.
    public var range: ClosedRange<Double>?
    /// Use a logarithmic scale (values that are not positive are skipped).
    public var logarithmic: Bool
    /// Labelled ticks at these values instead of automatic ones (the axis widens to show them
    /// unless `range` is fixed); `nil` for automatic ticks.
    public var tickValues: [Double]?

    /// Creates the options of one axis.
    public init(range: ClosedRange<Double>? = nil, logarithmic: Bool = false, tickValues: [Double]? = nil) {
        self.range = range
        self.logarithmic = logarithmic
        self.tickValues = tickValues
    }
}

/// A named list of values with an optional colour: one group of a `Histogram` (values to bin).
/// Non-finite values are skipped.
public struct ValueSeries: Sendable {
    /// Legend name.
    public var name: String
    /// The values.
    public var values: [Double]
    /// Colour; `nil` takes the series' position in `Palette.categorical`.
    public var color: Color?

    /// Creates a series from Float or Double values.
    public init<Value: BinaryFloatingPoint>(name: String, values: [Value], color: Color? = nil) {
        self.name = name
        self.values = doubles(values)
        self.color = color
    }
}

/// One group of values in a `Histogram`.
public typealias HistogramSeries = ValueSeries
