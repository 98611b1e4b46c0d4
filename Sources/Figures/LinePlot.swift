import Foundation

/// One named line of a `LinePlot`.
public struct LineSeries: Sendable {
    /// Legend name.
    public var name: String
    /// x coordinates.
    public var x: [Double]
    /// y coordinates (same count as `x`).
    public var y: [Double]
    /// Line colour; `nil` takes the series' position in `Palette.categorical`.
    public var color: Color?
    /// Draw the line dashed (e.g. a baseline).
    public var dashed: Bool

    /// Creates a series from Float or Double coordinates.
    public init<Value: BinaryFloatingPoint>(name: String, x: [Value], y: [Value], color: Color? = nil, dashed: Bool = false) {
        self.name = name
        self.x = doubles(x)
        self.y = doubles(y)
        self.color = color
        self.dashed = dashed
    }

    /// Creates a series whose x coordinates are 1, 2, …, `y.count` (e.g. epochs).
    public init<Value: BinaryFloatingPoint>(name: String, y: [Value], color: Color? = nil, dashed: Bool = false) {
        self.init(name: name, x: (1...max(y.count, 1)).prefix(y.count).map(Double.init), y: doubles(y), color: color, dashed: dashed)
    }
}

/// A line plot of one or more named series (e.g. train / test loss), with optional logarithmic axes,
/// caller-chosen tick values and point markers.
///
/// A non-finite value (or a non-positive one on a logarithmic axis) is skipped and breaks the line.
/// The legend is placed in the corner that hides the fewest points unless told otherwise.
///
/// ```swift
/// let chart = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss",
///                      series: [LineSeries(name: "train", y: train), LineSeries(name: "test", y: test)],
///                      logarithmicY: true)
/// // Code sizes 1, 2, 4, …, 32 on a logarithmic axis labelled with the sizes themselves:
/// let sweep = LinePlot(xLabel: "code size", series: [LineSeries(name: "AE", x: sizes, y: errors)],
///                      logarithmicX: true, xTickValues: [1, 2, 4, 8, 16, 32])
/// ```
public struct LinePlot: Chart {
    /// Title above the plot (also the panel title inside `SmallMultiples`).
    public var title: String
    /// Label under the x axis.
    public var xLabel: String
    /// Label left of the y axis.
    public var yLabel: String
    /// The lines, drawn in order.
    public var series: [LineSeries]
    /// The x axis' range, scale and tick values (`logarithmicX` and `xTickValues` of the initialiser).
    public var xAxis: AxisOptions
    /// The y axis' range, scale and tick values.
    public var yAxis: AxisOptions
    /// Draw a dot at every data point.
    public var showsMarkers: Bool
    /// Line width in points (default 1.6).
    public var lineWidth = 1.6
    /// Where the legend goes (default: the emptiest inside corner).
    public var legendPlacement: LegendPlacement
    /// Dashed reference lines (e.g. y = 0).
    public var referenceLines: [ReferenceLine]

    /// Creates a line plot.
    public init(title: String = "", xLabel: String = "", yLabel: String = "", series: [LineSeries],
                logarithmicX: Bool = false, logarithmicY: Bool = false, showsMarkers: Bool = false,
                legendPlacement: LegendPlacement = .best, referenceLines: [ReferenceLine] = [],
                xTickValues: [Double]? = nil, yTickValues: [Double]? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xAxis = AxisOptions(logarithmic: logarithmicX, tickValues: xTickValues)
        self.yAxis = AxisOptions(logarithmic: logarithmicY, tickValues: yTickValues)
        self.showsMarkers = showsMarkers
        self.legendPlacement = legendPlacement
        self.referenceLines = referenceLines
    }

    private func color(of index: Int) -> Color { series[index].color ?? Palette.color(at: index) }
}

extension LinePlot: PanelSource {
    func validate() throws {
        guard !series.isEmpty else { throw FigureError("\(chartName): no series") }
        for line in series {
            guard !line.x.isEmpty else { throw FigureError("\(chartName): series \"\(line.name)\" is empty") }
            try requireCount(chartName, "series \"\(line.name)\" y", line.y.count, equals: line.x.count, "x")
        }
    }

    func dataBounds() -> DataBounds {
        var bounds = DataBounds()
        for line in series {
            for (px, py) in zip(line.x, line.y) { bounds.include(x: px, y: py, positiveX: xAxis.logarithmic, positiveY: yAxis.logarithmic) }
        }
        return bounds
    }

    func legendEntries() -> [LegendEntry] {
        series.indices.filter { !series[$0].name.isEmpty }.map {
            LegendEntry(name: series[$0].name, color: color(of: $0), swatch: .line(dashed: series[$0].dashed, marker: showsMarkers))
        }
    }

    func occupancy() -> [(Double, Double)] {
        var points: [(Double, Double)] = []
        for line in series {
            let pairs = Array(zip(line.x, line.y))
            points += pairs
            guard pairs.count < 200 else { continue }
            for (a, b) in zip(pairs, pairs.dropFirst()) {
                for step in 1..<8 {
                    let t = Double(step) / 8
                    let x = xAxis.logarithmic && a.0 > 0 && b.0 > 0 ? a.0 * pow(b.0 / a.0, t) : a.0 + (b.0 - a.0) * t
                    let y = yAxis.logarithmic && a.1 > 0 && b.1 > 0 ? a.1 * pow(b.1 / a.1, t) : a.1 + (b.1 - a.1) * t
                    points.append((x, y))
                }
            }
        }
        return points
    }

    func drawContent(on canvas: Canvas, frame: PlotFrame) {
        for (index, line) in series.enumerated() {
            let color = color(of: index)
            var penDown = false
            for (px, py) in zip(line.x, line.y) {
                guard frame.isPlottable(px, py) else {
                    penDown = false
                    continue
                }
                if penDown { canvas.lineTo(frame.px(px), frame.py(py)) } else { canvas.moveTo(frame.px(px), frame.py(py)) }
                penDown = true
            }
            canvas.stroke(width: lineWidth, color: color, dash: line.dashed ? [5, 3] : [])
            if showsMarkers {
                for (px, py) in zip(line.x, line.y) where frame.isPlottable(px, py) {
                    canvas.fillCircle(x: frame.px(px), y: frame.py(py), radius: lineWidth + 1, color: color)
                }
            }
        }
    }
}
