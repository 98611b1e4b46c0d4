import Foundation

/// A scatter plot, optionally coloured by class with a legend, optionally over a light-grey
/// "background" point set (e.g. prior samples drawn under the codes).
///
/// Markers and legend swatches take class `k`'s colour from `Palette.categorical` (Tableau 10).
/// Dots shrink and become more transparent as the number of points grows (up to ~10 000 points
/// stay readable). Points are drawn in input order, so shuffled data does not bury one class under
/// another. Points with a non-finite coordinate are skipped.
///
/// ```swift
/// let chart = ScatterPlot(title: "Codes", xLabel: "z₁", yLabel: "z₂",
///                         x: xs, y: ys, classes: labels, classNames: names)
/// try chart.write(to: url, width: 800, height: 600)
/// ```
public struct ScatterPlot: Chart {
    /// Title above the plot (also the panel title inside `SmallMultiples`).
    public var title: String
    /// Label under the x axis.
    public var xLabel: String
    /// Label left of the y axis.
    public var yLabel: String
    /// Point x coordinates.
    public var x: [Double]
    /// Point y coordinates (same count as `x`).
    public var y: [Double]
    /// Class index (≥ 0) of each point, or `nil` for a single colour.
    public var classes: [Int]?
    /// Legend names for classes 0, 1, …; when empty the legend shows "class k" for the classes present.
    /// Without `classes`, a single name here labels all points.
    public var classNames: [String]
    /// x coordinates of the light-grey background points (drawn first, underneath).
    public var backgroundX: [Double]
    /// y coordinates of the background points (same count as `backgroundX`).
    public var backgroundY: [Double]
    /// Legend name of the background points; empty means no legend entry.
    public var backgroundName: String
    /// Dot radius in points; `nil` chooses from the number of points.
    public var pointRadius: Double?
    /// Dot opacity in (0, 1]; `nil` chooses from the number of points.
    public var opacity: Double?
    /// Where the legend goes (default outside on the right).
    public var legendPlacement: LegendPlacement
    /// Dashed reference lines (e.g. x = 0).
    public var referenceLines: [ReferenceLine]
    /// The x axis' range, scale and tick values (`xTickValues` of the initialiser); a fitted range has a
    /// 5 % margin, and a logarithmic axis skips the points that are not positive.
    public var xAxis: AxisOptions
    /// The y axis' range and tick values.
    public var yAxis: AxisOptions

    /// Creates a scatter plot of Float or Double coordinates.
    /// - Parameters:
    ///   - x, y: Point coordinates (equal counts).
    ///   - classes: Optional class index per point (same count), coloured by `Palette.categorical`.
    ///   - classNames: Legend names for classes 0, 1, ….
    ///   - backgroundX, backgroundY: Optional light-grey points drawn underneath.
    ///   - backgroundName: Legend name of the background points.
    ///   - xTickValues, yTickValues: Optional tick positions instead of automatic ones.
    public init<Value: BinaryFloatingPoint>(
        title: String = "", xLabel: String = "", yLabel: String = "",
        x: [Value], y: [Value], classes: [Int]? = nil, classNames: [String] = [],
        backgroundX: [Value] = [], backgroundY: [Value] = [], backgroundName: String = "",
        legendPlacement: LegendPlacement = .outsideRight, referenceLines: [ReferenceLine] = [],
        xTickValues: [Double]? = nil, yTickValues: [Double]? = nil
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = doubles(x)
        self.y = doubles(y)
        self.classes = classes
        self.classNames = classNames
        self.backgroundX = doubles(backgroundX)
        self.backgroundY = doubles(backgroundY)
        self.backgroundName = backgroundName
        self.legendPlacement = legendPlacement
        self.referenceLines = referenceLines
        self.xAxis = AxisOptions(tickValues: xTickValues)
        self.yAxis = AxisOptions(tickValues: yTickValues)
    }
}

extension ScatterPlot: PanelSource {
    func validate() throws {
        guard !x.isEmpty else { throw FigureError("\(chartName): no points (x is empty)") }
        try requireCount(chartName, "y", y.count, equals: x.count, "x")
        try requireCount(chartName, "backgroundY", backgroundY.count, equals: backgroundX.count, "backgroundX")
        try requireClassIndices(chartName, "classes", classes, count: x.count, "x")
    }

    func dataBounds() -> DataBounds {
        var bounds = DataBounds()
        for (px, py) in Array(zip(x, y)) + Array(zip(backgroundX, backgroundY)) {
            bounds.include(x: px, y: py, positiveX: xAxis.logarithmic, positiveY: yAxis.logarithmic)
        }
        return bounds
    }

    func legendEntries() -> [LegendEntry] {
        var entries = classLegend(classes: classes, names: classNames)
        if !backgroundName.isEmpty {
            entries.append(LegendEntry(name: backgroundName, color: Palette.backgroundPoints, swatch: .marker))
        }
        return entries
    }

    func occupancy() -> [(Double, Double)] {
        Array(zip(x, y)) + Array(zip(backgroundX, backgroundY))
    }

    func drawContent(on canvas: Canvas, frame: PlotFrame) {
        let count = x.count + backgroundX.count
        let radius = pointRadius ?? automaticPointRadius(count: count)
        let alpha = opacity ?? automaticOpacity(count: count)
        drawPoints(x: backgroundX, y: backgroundY, classes: nil, color: Palette.backgroundPoints,
                   radius: radius, alpha: min(1, alpha * 0.9), on: canvas, frame: frame)
        drawPoints(x: x, y: y, classes: classes, color: Palette.color(at: 0),
                   radius: radius, alpha: alpha, on: canvas, frame: frame)
    }
}

// MARK: - Shared point drawing (scatter plots and vector fields)

/// Dot radius in points for a plot of `count` points.
func automaticPointRadius(count: Int) -> Double {
    count <= 200 ? 3.2 : count <= 1_000 ? 2.4 : count <= 4_000 ? 1.7 : 1.3
}

/// Dot opacity for a plot of `count` points.
func automaticOpacity(count: Int) -> Double {
    count <= 300 ? 0.9 : count <= 2_000 ? 0.7 : count <= 6_000 ? 0.55 : 0.45
}

/// Draws dots in input order, coloured by class (or `color` when `classes` is nil); points that
/// cannot be placed on the axes are skipped.
func drawPoints(x: [Double], y: [Double], classes: [Int]?, color: Color, radius: Double, alpha: Double,
                on canvas: Canvas, frame: PlotFrame) {
    for index in x.indices where frame.isPlottable(x[index], y[index]) {
        let pointColor = classes.map { Palette.color(at: $0[index]) } ?? color
        canvas.fillCircle(x: frame.px(x[index]), y: frame.py(y[index]), radius: radius, color: pointColor, alpha: alpha)
    }
}

/// Legend entries for class-coloured points: every named class, else the classes present as
/// "class k"; without classes, one entry if a single name is given.
func classLegend(classes: [Int]?, names: [String]) -> [LegendEntry] {
    guard let classes else {
        return names.prefix(1).map { LegendEntry(name: $0, color: Palette.color(at: 0), swatch: .marker) }
    }
    let present = Set(classes)
    let indices = names.isEmpty ? present.sorted() : Array(names.indices) + present.filter { $0 >= names.count }.sorted()
    return indices.map { index in
        LegendEntry(name: index < names.count ? names[index] : "class \(index)", color: Palette.color(at: index), swatch: .marker)
    }
}
