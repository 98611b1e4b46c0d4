import Foundation

/// A row of panels sharing their axes, each a scatter plot, a line plot or a probability map: e.g. the codes of a plain and
/// an adversarial autoencoder side by side. Each panel's `title` becomes its panel title; one
/// legend (the union of the panels' legend entries, by name) is drawn for the whole row.
///
/// ```swift
/// let row = SmallMultiples(title: "Codes of the test set",
///                          panels: [ScatterPlot(title: "plain AE", x: x1, y: y1, classes: c, classNames: names),
///                                   ScatterPlot(title: "adversarial AE", x: x2, y: y2, classes: c, classNames: names)])
/// try row.write(to: url, width: 1000, height: 460)
/// ```
public struct SmallMultiples: Chart {
    /// Title above the row of panels.
    public var title: String
    /// Shared x-axis label; `nil` takes the first panel's.
    public var xLabel: String?
    /// Shared y-axis label; `nil` takes the first panel's.
    public var yLabel: String?
    /// Give all panels the same x and y ranges (the union of their data, or the first panel's
    /// explicit ranges); y tick labels are then drawn on the first panel only.
    public var sharesAxes: Bool
    /// Where the common legend goes (default outside on the right).
    public var legendPlacement: LegendPlacement
    private let sources: [PanelSource]

    /// Renders the row; see `Chart.render(width:height:scale:)`.
    public func render(width: Int, height: Int, scale: Int) throws -> RasterImage {
        guard let first = sources.first else { throw FigureError("SmallMultiples: no panels") }
        for source in sources { try source.validate() }
        var legend: [LegendEntry] = []
        if legendPlacement != .hidden {
            for entry in sources.flatMap({ $0.legendEntries() }) where !legend.contains(where: { $0.name == entry.name }) {
                legend.append(entry)
            }
        }
        let legendAllowance = legendPlacement == .outsideRight && !legend.isEmpty ? 120.0 : 0
        let plotWidth = (Double(width) - 110 - legendAllowance) / Double(sources.count) - 20
        let plotHeight = Double(height) - 110
        var shared = DataBounds()
        for source in sources { shared.formUnion(source.fullBounds()) }
        let sharedAxes = try first.axes(for: shared, plotWidth: plotWidth, plotHeight: plotHeight)
        let panels = try sources.map { source -> Panel in
            let (x, y) = sharesAxes ? sharedAxes : try source.axes(for: source.fullBounds(), plotWidth: plotWidth, plotHeight: plotHeight)
            return source.panel(x: x, y: y, title: source.title)
        }
        let figure = Figure(title: title, xLabel: xLabel ?? first.xLabel, yLabel: yLabel ?? first.yLabel, panels: panels,
                            sharesYAxis: sharesAxes, legend: legend, legendPlacement: legendPlacement)
        return try figure.render(width: width, height: height, scale: scale)
    }
}

// In an extension, so that the struct keeps the memberwise initialiser these three call.
extension SmallMultiples {
    /// A row of scatter plots.
    public init(title: String = "", xLabel: String? = nil, yLabel: String? = nil, panels: [ScatterPlot],
                sharesAxes: Bool = true, legendPlacement: LegendPlacement = .outsideRight) {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, sharesAxes: sharesAxes,
                  legendPlacement: legendPlacement, sources: panels)
    }

    /// A row of probability maps.
    public init(title: String = "", xLabel: String? = nil, yLabel: String? = nil, panels: [ProbabilityMap],
                sharesAxes: Bool = true, legendPlacement: LegendPlacement = .outsideRight) {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, sharesAxes: sharesAxes,
                  legendPlacement: legendPlacement, sources: panels)
    }

    /// A row of line plots.
    public init(title: String = "", xLabel: String? = nil, yLabel: String? = nil, panels: [LinePlot],
                sharesAxes: Bool = true, legendPlacement: LegendPlacement = .outsideRight) {
        self.init(title: title, xLabel: xLabel, yLabel: yLabel, sharesAxes: sharesAxes,
                  legendPlacement: legendPlacement, sources: panels)
    }
}
