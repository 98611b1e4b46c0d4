import Foundation

/// Overlaid histograms of one or more series on shared bins (e.g. reconstruction errors of normal
/// and anomalous examples), drawn as translucent bars with a solid outline.
///
/// Non-finite values are skipped; values outside an explicit `range` are ignored.
public struct Histogram: Chart {
    /// Title above the plot.
    public var title: String
    /// Label under the x axis.
    public var xLabel: String
    /// Label left of the y axis (default "count", or "density" when `density` is set).
    public var yLabel: String
    /// The overlaid series, drawn in order.
    public var series: [HistogramSeries]
    /// Number of equal-width bins spanning `range` (default 30).
    public var binCount: Int
    /// Range covered by the bins; `nil` spans all finite values of all series.
    public var range: ClosedRange<Double>?
    /// Plot densities (each series integrates to 1) instead of counts, so groups of different
    /// sizes can be compared.
    public var density: Bool
    /// Fill opacity of the bars (default 0.45).
    public var opacity = 0.45
    /// Where the legend goes (default: the emptiest inside corner).
    public var legendPlacement: LegendPlacement
    /// Dashed reference lines (e.g. a detection threshold).
    public var referenceLines: [ReferenceLine]

    /// Creates a histogram.
    public init(title: String = "", xLabel: String = "", yLabel: String? = nil, series: [HistogramSeries],
                binCount: Int = 30, range: ClosedRange<Double>? = nil, density: Bool = false,
                legendPlacement: LegendPlacement = .best, referenceLines: [ReferenceLine] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel ?? (density ? "density" : "count")
        self.series = series
        self.binCount = binCount
        self.range = range
        self.density = density
        self.legendPlacement = legendPlacement
        self.referenceLines = referenceLines
    }

    /// The bins' lower edge and width, spanning `range` or all finite values.
    private var binning: (lower: Double, width: Double)? {
        var bounds = DataBounds()
        for value in series.flatMap(\.values) { bounds.include(x: value) }
        guard let span = range ?? bounds.x else { return nil }
        let width = span.upperBound > span.lowerBound ? (span.upperBound - span.lowerBound) / Double(binCount) : 1.0 / Double(binCount)
        let lower = span.upperBound > span.lowerBound ? span.lowerBound : span.lowerBound - 0.5
        return (lower, width)
    }

    /// Bin heights (counts or densities) of every series.
    private func heights() -> [[Double]] {
        guard let (lower, width) = binning else { return [] }
        return series.map { group in
            var counts = [Double](repeating: 0, count: binCount)
            var total = 0.0
            for value in group.values where value.isFinite {
                let position = (value - lower) / width
                guard position >= 0, position <= Double(binCount) + 1e-9 else { continue }
                counts[min(Int(position), binCount - 1)] += 1
                total += 1
            }
            return density && total > 0 ? counts.map { $0 / (total * width) } : counts
        }
    }

    private func color(of index: Int) -> Color { series[index].color ?? Palette.color(at: index) }
}

extension Histogram: PanelSource {
    var xAxis: AxisOptions { AxisOptions() }
    var yAxis: AxisOptions { AxisOptions() }
    var yStartsAtZero: Bool { true }

    func validate() throws {
        guard !series.isEmpty else { throw FigureError("\(chartName): no series") }
        guard binCount >= 1 else { throw FigureError("\(chartName): binCount must be at least 1, got \(binCount)") }
        for group in series where !group.values.contains(where: \.isFinite) {
            throw FigureError("\(chartName): series \"\(group.name)\" has no finite values")
        }
    }

    func dataBounds() -> DataBounds {
        var bounds = DataBounds()
        guard let (lower, width) = binning else { return bounds }
        bounds.include(x: lower)
        bounds.include(x: lower + width * Double(binCount))
        bounds.include(y: 0)
        for value in heights().flatMap({ $0 }) { bounds.include(y: value) }
        return bounds
    }

    func legendEntries() -> [LegendEntry] {
        series.indices.filter { !series[$0].name.isEmpty }.map {
            LegendEntry(name: series[$0].name, color: color(of: $0), swatch: .patch(alpha: opacity))
        }
    }

    func occupancy() -> [(Double, Double)] {
        guard let (lower, width) = binning else { return [] }
        var points: [(Double, Double)] = []
        for bars in heights() {
            for (bin, height) in bars.enumerated() where height > 0 {
                for fraction in stride(from: 0.0, through: 1.0, by: 0.25) {
                    points.append((lower + (Double(bin) + 0.5) * width, height * fraction))
                }
            }
        }
        return points
    }

    func drawContent(on canvas: Canvas, frame: PlotFrame) {
        guard let (lower, width) = binning else { return }
        for (index, bars) in heights().enumerated() {
            let color = color(of: index)
            let baseline = frame.py(0)
            // One stepped outline along the bar tops, filled translucently (no seams between
            // bars), then stroked in the solid colour.
            func tracePath() {
                canvas.moveTo(frame.px(lower), baseline)
                for (bin, height) in bars.enumerated() {
                    canvas.lineTo(frame.px(lower + Double(bin) * width), frame.py(height))
                    canvas.lineTo(frame.px(lower + Double(bin + 1) * width), frame.py(height))
                }
                canvas.lineTo(frame.px(lower + Double(bars.count) * width), baseline)
            }
            tracePath()
            canvas.fill(color: color, alpha: opacity)
            tracePath()
            canvas.stroke(width: 1.2, color: color)
        }
    }
}
