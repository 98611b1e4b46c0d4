import Foundation

/// Grouped bars: one group per category, one bar per series (e.g. precision@10 of three methods on
/// several data sets). The y axis starts at zero unless a value is negative.
public struct BarChart: Chart {
    /// Title above the plot.
    public var title: String
    /// Label under the category axis.
    public var xLabel: String
    /// Label left of the value axis.
    public var yLabel: String
    /// Category names along the x axis, one group of bars each.
    public var categories: [String]
    /// The series; each has one value per category.
    public var series: [BarSeries]
    /// Print each bar's value above it.
    public var showsValues: Bool
    /// Decimals of the printed values (default 2).
    public var valueDecimals: Int
    /// Fixed value-axis range; `nil` fits the values (and zero).
    public var yRange: ClosedRange<Double>?
    /// Where the legend goes (default: the emptiest inside corner).
    public var legendPlacement: LegendPlacement
    /// Dashed reference lines (e.g. a horizontal chance level).
    public var referenceLines: [ReferenceLine]

    /// Creates a grouped bar chart.
    public init(title: String = "", xLabel: String = "", yLabel: String = "", categories: [String],
                series: [BarSeries], showsValues: Bool = false, valueDecimals: Int = 2,
                legendPlacement: LegendPlacement = .best, referenceLines: [ReferenceLine] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
        self.showsValues = showsValues
        self.valueDecimals = valueDecimals
        self.legendPlacement = legendPlacement
        self.referenceLines = referenceLines
    }

    private static let groupWidth = 0.8

    private func color(of index: Int) -> Color { series[index].color ?? Palette.color(at: index) }

    /// The centre and width of bar `seriesIndex` in category `category`, in axis units.
    private func bar(_ category: Int, _ seriesIndex: Int) -> (centre: Double, width: Double) {
        let width = BarChart.groupWidth / Double(series.count)
        return (Double(category) - BarChart.groupWidth / 2 + (Double(seriesIndex) + 0.5) * width, width)
    }

    /// Renders the chart; see `Chart.render(width:height:scale:)`.
    public func render(width: Int, height: Int, scale: Int = 2) throws -> RasterImage {
        guard !categories.isEmpty else { throw FigureError("BarChart: no categories") }
        guard !series.isEmpty else { throw FigureError("BarChart: no series") }
        for group in series {
            try requireCount("BarChart", "series \"\(group.name)\"", group.values.count, equals: categories.count, "categories")
        }
        var bounds = DataBounds()
        bounds.include(y: 0)
        for value in series.flatMap(\.values) { bounds.include(y: value) }
        bounds.include(referenceLines)
        guard let yBounds = yRange ?? bounds.y else { throw FigureError("BarChart: no finite values") }
        let plotHeight = Double(height) - 90
        var y = yRange != nil ? AxisSpec.fixed(yBounds, length: plotHeight, spacing: 50)
            : AxisSpec.linear(yBounds, length: plotHeight, spacing: 50, margin: showsValues ? 0.1 : 0.05,
                              pinLower: yBounds.lowerBound >= 0)
        if yRange == nil, yBounds.lowerBound >= 0 { y.lower = 0 }
        let x = AxisSpec(lower: -0.5, upper: Double(categories.count) - 0.5,
                         ticks: categories.enumerated().map { Tick(value: Double($0.offset), label: $0.element) },
                         gridLines: false)

        var occupancy: [(Double, Double)] = []
        for (seriesIndex, group) in series.enumerated() {
            for (category, value) in group.values.enumerated() where value.isFinite {
                let centre = bar(category, seriesIndex).centre
                occupancy += stride(from: 0.0, through: 1.0, by: 0.2).map { (centre, value * $0) }
                if showsValues { occupancy.append((centre, value + (y.upper - y.lower) * 0.04)) }
            }
        }
        let panel = Panel(x: x, y: y, referenceLines: referenceLines, occupancy: occupancy) { canvas, frame in
            drawBars(on: canvas, frame: frame)
        }
        let legend = series.indices.filter { !series[$0].name.isEmpty }.map {
            LegendEntry(name: series[$0].name, color: color(of: $0), swatch: .patch(alpha: 0.9))
        }
        let figure = Figure(title: title, xLabel: xLabel, yLabel: yLabel, panels: [panel],
                            legend: legend, legendPlacement: legendPlacement)
        return try figure.render(width: width, height: height, scale: scale)
    }

    private func drawBars(on canvas: Canvas, frame: PlotFrame) {
        let baseline = frame.py(max(frame.y.lower, 0))
        for (seriesIndex, group) in series.enumerated() {
            for (category, value) in group.values.enumerated() where value.isFinite {
                let (centre, width) = bar(category, seriesIndex)
                let left = frame.px(centre - width * 0.46), right = frame.px(centre + width * 0.46)
                let top = frame.py(value)
                canvas.fillRectangle(x: left, y: min(top, baseline), width: right - left, height: abs(baseline - top),
                                     color: color(of: seriesIndex), alpha: 0.9)
                if showsValues {
                    let label = Ticks.format(value, step: pow(10, Double(-valueDecimals)), magnitude: abs(value))
                    canvas.text(label, x: (left + right) / 2, y: value >= 0 ? top - 3 : top + 3, size: Style.tickLabelSize - 1,
                                horizontal: .center, vertical: value >= 0 ? .bottom : .top)
                }
            }
        }
    }
}
