import Foundation

/// Arrows over a 2-D plane (e.g. the denoising autoencoder's reconstruction direction r(x) − x on
/// a grid), with optional data points drawn underneath, coloured by class.
///
/// Arrow `i` starts at (`x[i]`, `y[i]`) and points along (`dx[i]`, `dy[i]`). By default arrows are
/// scaled so the longest spans 0.9 of the typical grid spacing; set `arrowScale` to draw the
/// vectors at a fixed multiple instead (1 = true data length). Arrows or points with a
/// non-finite coordinate are skipped.
public struct VectorField: Chart {
    /// Title above the plot.
    public var title: String
    /// Label under the x axis.
    public var xLabel: String
    /// Label left of the y axis.
    public var yLabel: String
    /// Arrow tails, x.
    public var x: [Double]
    /// Arrow tails, y.
    public var y: [Double]
    /// Arrow vectors, x component.
    public var dx: [Double]
    /// Arrow vectors, y component.
    public var dy: [Double]
    /// Data points under the arrows, x.
    public var pointX: [Double]
    /// Data points under the arrows, y.
    public var pointY: [Double]
    /// Class of each data point (colours from `Palette.categorical`), or `nil` for grey points.
    public var pointClasses: [Int]?
    /// Legend names of the classes (or of the points, when there are no classes).
    public var classNames: [String]
    /// Multiplier from vector length to drawn length in data units; `nil` scales automatically.
    public var arrowScale: Double?
    /// Arrow colour (default near-black).
    public var arrowColor = Palette.ink
    /// Where the legend goes (default outside on the right).
    public var legendPlacement: LegendPlacement = .outsideRight
    /// Dashed reference lines.
    public var referenceLines: [ReferenceLine] = []
    /// The x axis' range (`nil` fits arrows and points), scale and tick values.
    public var xAxis = AxisOptions()
    /// The y axis' range, scale and tick values.
    public var yAxis = AxisOptions()

    /// Creates a vector field from Float or Double arrays.
    /// - Parameters:
    ///   - x, y: Arrow tails; `dx`, `dy`: arrow vectors (all four the same count).
    ///   - pointX, pointY: Optional data points drawn underneath (same count).
    ///   - pointClasses: Optional class per data point.
    ///   - classNames: Legend names for the point classes.
    public init<Value: BinaryFloatingPoint>(
        title: String = "", xLabel: String = "", yLabel: String = "",
        x: [Value], y: [Value], dx: [Value], dy: [Value],
        pointX: [Value] = [], pointY: [Value] = [], pointClasses: [Int]? = nil, classNames: [String] = []
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = doubles(x)
        self.y = doubles(y)
        self.dx = doubles(dx)
        self.dy = doubles(dy)
        self.pointX = doubles(pointX)
        self.pointY = doubles(pointY)
        self.pointClasses = pointClasses
        self.classNames = classNames
    }

    private var finiteArrows: [Int] {
        x.indices.filter { x[$0].isFinite && y[$0].isFinite && dx[$0].isFinite && dy[$0].isFinite }
    }

    /// Drawn length per unit of vector length, in data units.
    private var effectiveScale: Double {
        if let arrowScale { return arrowScale }
        let arrows = finiteArrows
        var bounds = DataBounds()
        for i in arrows { bounds.include(x: x[i], y: y[i]) }
        guard let bx = bounds.x, let by = bounds.y else { return 1 }
        let perSide = Double(arrows.count).squareRoot()
        let spacingX = bx.upperBound > bx.lowerBound ? (bx.upperBound - bx.lowerBound) / max(perSide - 1, 1) : 1
        let spacingY = by.upperBound > by.lowerBound ? (by.upperBound - by.lowerBound) / max(perSide - 1, 1) : spacingX
        let longest = arrows.map { i in ((dx[i] / spacingX) * (dx[i] / spacingX) + (dy[i] / spacingY) * (dy[i] / spacingY)).squareRoot() }.max() ?? 0
        return longest > 0 ? 0.9 / longest : 1
    }
}

extension VectorField: PanelSource {
    func validate() throws {
        guard !x.isEmpty else { throw FigureError("\(chartName): no arrows (x is empty)") }
        try requireCount(chartName, "y", y.count, equals: x.count, "x")
        try requireCount(chartName, "dx", dx.count, equals: x.count, "x")
        try requireCount(chartName, "dy", dy.count, equals: x.count, "x")
        try requireCount(chartName, "pointY", pointY.count, equals: pointX.count, "pointX")
        try requireClassIndices(chartName, "pointClasses", pointClasses, count: pointX.count, "pointX")
    }

    func dataBounds() -> DataBounds {
        var bounds = DataBounds()
        let scale = effectiveScale
        for i in finiteArrows {
            bounds.include(x: x[i], y: y[i])
            bounds.include(x: x[i] + scale * dx[i], y: y[i] + scale * dy[i])
        }
        for (px, py) in zip(pointX, pointY) { bounds.include(x: px, y: py) }
        return bounds
    }

    func legendEntries() -> [LegendEntry] {
        pointClasses == nil
            ? classNames.prefix(1).map { LegendEntry(name: $0, color: Palette.unclassifiedPoints, swatch: .marker) }
            : classLegend(classes: pointClasses, names: classNames)
    }

    func occupancy() -> [(Double, Double)] { Array(zip(x, y)) + Array(zip(pointX, pointY)) }

    func drawContent(on canvas: Canvas, frame: PlotFrame) {
        let count = pointX.count
        drawPoints(x: pointX, y: pointY, classes: pointClasses, color: Palette.unclassifiedPoints,
                   radius: automaticPointRadius(count: count), alpha: pointClasses == nil ? 0.8 : 0.4,
                   on: canvas, frame: frame)
        let scale = effectiveScale
        for i in finiteArrows {
            canvas.arrow(from: (frame.px(x[i]), frame.py(y[i])),
                         to: (frame.px(x[i] + scale * dx[i]), frame.py(y[i] + scale * dy[i])),
                         width: 0.9, color: arrowColor, alpha: 0.85)
        }
    }
}
