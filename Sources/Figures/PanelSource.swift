import Foundation

// Where a chart's data meets the layout: the extent of the data and the protocol of one-panel charts.

/// The finite extent of a set of points.
struct DataBounds {
    var x: ClosedRange<Double>?
    var y: ClosedRange<Double>?

    mutating func include(x value: Double) {
        guard value.isFinite else { return }
        x = x.map { min($0.lowerBound, value)...max($0.upperBound, value) } ?? value...value
    }

    mutating func include(y value: Double) {
        guard value.isFinite else { return }
        y = y.map { min($0.lowerBound, value)...max($0.upperBound, value) } ?? value...value
    }

    /// Includes a point if both coordinates are finite (and positive where `positiveX` / `positiveY`).
    mutating func include(x xValue: Double, y yValue: Double, positiveX: Bool = false, positiveY: Bool = false) {
        guard xValue.isFinite, yValue.isFinite, !positiveX || xValue > 0, !positiveY || yValue > 0 else { return }
        include(x: xValue)
        include(y: yValue)
    }

    mutating func include(_ lines: [ReferenceLine]) {
        for line in lines {
            switch line.orientation {
            case .horizontal: include(y: line.value)
            case .vertical: include(x: line.value)
            }
        }
    }

    mutating func formUnion(_ other: DataBounds) {
        if let ox = other.x { include(x: ox.lowerBound); include(x: ox.upperBound) }
        if let oy = other.y { include(y: oy.lowerBound); include(y: oy.upperBound) }
    }
}

/// Converts any floating-point array to `[Double]`.
func doubles<Value: BinaryFloatingPoint>(_ values: [Value]) -> [Double] {
    values.map { Double($0) }
}

/// Throws unless `array` has `expected` elements.
func requireCount(_ chart: String, _ name: String, _ count: Int, equals expected: Int, _ expectedName: String) throws {
    guard count == expected else {
        throw FigureError("\(chart): \(name) has \(count) values but \(expectedName) has \(expected)")
    }
}

/// Throws unless `classes` (when given) has one non-negative index per point.
func requireClassIndices(_ chart: String, _ name: String, _ classes: [Int]?, count: Int, _ countName: String) throws {
    guard let classes else { return }
    try requireCount(chart, name, classes.count, equals: count, countName)
    if let negative = classes.first(where: { $0 < 0 }) {
        throw FigureError("\(chart): class indices must be non-negative, found \(negative)")
    }
}

// MARK: - Single-panel charts

/// A chart made of one x/y panel (scatter, line, histogram, vector field); such charts can also be
/// combined side by side by `SmallMultiples`.
protocol PanelSource {
    var title: String { get }
    var xLabel: String { get }
    var yLabel: String { get }
    /// The caller's range, scale and tick values for each axis.
    var xAxis: AxisOptions { get }
    var yAxis: AxisOptions { get }
    /// Whether the y axis starts exactly at zero (counts, densities).
    var yStartsAtZero: Bool { get }
    var legendPlacement: LegendPlacement { get }
    var referenceLines: [ReferenceLine] { get }
    /// Throws a `FigureError` naming the problem if the data is empty or inconsistent.
    func validate() throws
    /// The extent of the finite data (reference lines are added by the caller).
    func dataBounds() -> DataBounds
    func legendEntries() -> [LegendEntry]
    /// Points the legend should avoid, in data units.
    func occupancy() -> [(Double, Double)]
    func drawContent(on canvas: Canvas, frame: PlotFrame)
}

extension PanelSource {
    /// The type name, used in error messages.
    var chartName: String { String(describing: Self.self) }
    var yStartsAtZero: Bool { false }

    /// Renders the chart as its one-panel figure; the `Chart` requirement of every single-panel chart.
    public func render(width: Int, height: Int, scale: Int) throws -> RasterImage {
        try figure(width: width, height: height).render(width: width, height: height, scale: scale)
    }

    /// Data bounds including the reference lines.
    func fullBounds() -> DataBounds {
        var bounds = dataBounds()
        bounds.include(referenceLines)
        return bounds
    }

    /// Axes fitted to `bounds` (and to the caller's tick values), honouring explicit ranges, the
    /// log-scale options and the caller's ticks.
    func axes(for bounds: DataBounds, plotWidth: Double, plotHeight: Double) throws -> (AxisSpec, AxisSpec) {
        guard let xSpan = xAxis.span(fitting: bounds.x), let ySpan = yAxis.span(fitting: bounds.y) else {
            throw FigureError("\(chartName): no finite values to plot")
        }
        let x = try xAxis.axis(over: xSpan, direction: "x", of: chartName, length: plotWidth, spacing: 55)
        let y = try yAxis.axis(over: ySpan, direction: "y", of: chartName, length: plotHeight, spacing: 50,
                               pinLower: yStartsAtZero && ySpan.lowerBound >= 0)
        return (x, y)
    }

    func panel(x: AxisSpec, y: AxisSpec, title: String = "") -> Panel {
        Panel(title: title, x: x, y: y, referenceLines: referenceLines, occupancy: occupancy()) { canvas, frame in
            drawContent(on: canvas, frame: frame)
        }
    }

    /// The one-panel figure for this chart at the given logical size.
    func figure(width: Int, height: Int) throws -> Figure {
        try validate()
        let legend = legendPlacement == .hidden ? [] : legendEntries()
        let legendAllowance = legendPlacement == .outsideRight && !legend.isEmpty ? 120.0 : 0
        let (x, y) = try axes(for: fullBounds(), plotWidth: Double(width) - 110 - legendAllowance,
                              plotHeight: Double(height) - 90)
        return Figure(title: title, xLabel: xLabel, yLabel: yLabel, panels: [panel(x: x, y: y)],
                      legend: legend, legendPlacement: legendPlacement)
    }
}
