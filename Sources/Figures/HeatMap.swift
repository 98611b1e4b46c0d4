import Foundation

/// A matrix or 2-D grid of values drawn as coloured cells with a colour bar (e.g. a 10×10
/// confusion or similarity matrix, or a 20×20 grid over the latent plane).
///
/// Two layouts:
/// - **Matrix** (no extents): row 0 at the top, one tick per row and column labelled with
///   `rowLabels` / `columnLabels` (or indices); cells are square.
/// - **Grid** (`xExtent` and `yExtent` set): the cells tile the given data ranges with row 0 at
///   the *bottom* (y increases upwards), with numeric axes.
///
/// Non-finite cells are left blank (white) and ignored by the colour scale.
public struct HeatMap: Chart {
    /// Title above the plot.
    public var title: String
    /// Label under the x axis (columns).
    public var xLabel: String
    /// Label left of the y axis (rows).
    public var yLabel: String
    /// The values, `values[row][column]`; all rows the same length.
    public var values: [[Double]]
    /// Names of the rows (matrix layout); empty means indices.
    public var rowLabels: [String]
    /// Names of the columns (matrix layout); empty means indices.
    public var columnLabels: [String]
    /// The colour map (default viridis).
    public var colorMap: ColorMap
    /// Values mapped to the ends of the colour map; `nil` uses the finite min and max
    /// (symmetric about zero for `.diverging`).
    public var valueRange: ClosedRange<Double>?
    /// Print each cell's value; `nil` does so when there are at most 12×12 cells.
    public var showsValues: Bool?
    /// Decimals of printed values; `nil` prints integers when all values are whole, else 2 decimals.
    public var valueDecimals: Int?
    /// Label beside the colour bar.
    public var colorBarLabel: String
    /// Data range spanned by the columns (grid layout).
    public var xExtent: ClosedRange<Double>?
    /// Data range spanned by the rows (grid layout).
    public var yExtent: ClosedRange<Double>?

    /// Creates a heat map from Float or Double rows.
    public init<Value: BinaryFloatingPoint>(title: String = "", xLabel: String = "", yLabel: String = "",
                                            values: [[Value]], rowLabels: [String] = [], columnLabels: [String] = [],
                                            colorMap: ColorMap = .viridis, colorBarLabel: String = "",
                                            xExtent: ClosedRange<Double>? = nil, yExtent: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.values = values.map(doubles)
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.colorMap = colorMap
        self.colorBarLabel = colorBarLabel
        self.xExtent = xExtent
        self.yExtent = yExtent
    }

    private var isGrid: Bool { xExtent != nil && yExtent != nil }

    /// Renders the chart; see `Chart.render(width:height:scale:)`.
    public func render(width: Int, height: Int, scale: Int = 2) throws -> RasterImage {
        let rows = values.count, columns = values.first?.count ?? 0
        guard rows > 0, columns > 0 else { throw FigureError("HeatMap: no values") }
        if let row = values.firstIndex(where: { $0.count != columns }) {
            throw FigureError("HeatMap: row \(row) has \(values[row].count) values but row 0 has \(columns)")
        }
        guard rowLabels.isEmpty || rowLabels.count == rows else {
            throw FigureError("HeatMap: rowLabels has \(rowLabels.count) names but there are \(rows) rows")
        }
        guard columnLabels.isEmpty || columnLabels.count == columns else {
            throw FigureError("HeatMap: columnLabels has \(columnLabels.count) names but there are \(columns) columns")
        }
        guard (xExtent == nil) == (yExtent == nil) else { throw FigureError("HeatMap: set both xExtent and yExtent, or neither") }
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { throw FigureError("HeatMap: no finite values") }
        var range = valueRange ?? low...high
        if valueRange == nil, colorMap == .diverging {
            let extreme = max(abs(low), abs(high))
            range = -extreme...extreme
        }
        if range.upperBound <= range.lowerBound { range = (range.lowerBound - 0.5)...(range.lowerBound + 0.5) }

        let x: AxisSpec, y: AxisSpec
        if let xExtent, let yExtent {
            x = AxisSpec.fixed(xExtent, length: Double(width) - 200, spacing: 55)
            y = AxisSpec.fixed(yExtent, length: Double(height) - 90, spacing: 50)
        } else {
            x = categoricalAxis(count: columns, labels: columnLabels, reversed: false, length: Double(width) - 200)
            y = categoricalAxis(count: rows, labels: rowLabels, reversed: true, length: Double(height) - 90)
        }
        var noGrid = (x, y)
        noGrid.0.gridLines = false
        noGrid.1.gridLines = false
        let annotate = showsValues ?? (rows <= 12 && columns <= 12)
        let panel = Panel(x: noGrid.0, y: noGrid.1, boxed: true) { canvas, frame in
            drawCells(on: canvas, frame: frame, range: range, annotate: annotate)
        }
        var figure = Figure(title: title, xLabel: xLabel, yLabel: yLabel, panels: [panel],
                            colorBar: ColorBar(colorMap: colorMap, lower: range.lowerBound, upper: range.upperBound, label: colorBarLabel))
        if let xExtent, let yExtent {
            figure.aspectRatio = (xExtent.upperBound - xExtent.lowerBound) / (yExtent.upperBound - yExtent.lowerBound)
        } else {
            figure.aspectRatio = Double(columns) / Double(rows)
        }
        return try figure.render(width: width, height: height, scale: scale)
    }

    /// One tick per cell (thinned to at most ~20 labels), with row 0 at the top when `reversed`.
    private func categoricalAxis(count: Int, labels: [String], reversed: Bool, length: Double) -> AxisSpec {
        let stride = max(1, Int((Double(count) / 20).rounded(.up)))
        let ticks = Swift.stride(from: 0, to: count, by: stride).map { index in
            Tick(value: Double(index), label: labels.isEmpty ? "\(index)" : labels[index])
        }
        let lower = -0.5, upper = Double(count) - 0.5
        return reversed ? AxisSpec(lower: upper, upper: lower, ticks: ticks) : AxisSpec(lower: lower, upper: upper, ticks: ticks)
    }

    private func drawCells(on canvas: Canvas, frame: PlotFrame, range: ClosedRange<Double>, annotate: Bool) {
        let rows = values.count, columns = values[0].count
        let decimals = valueDecimals ?? (values.allSatisfy { $0.allSatisfy { !$0.isFinite || $0 == $0.rounded() } } ? 0 : 2)
        // Cell edges in axis units, snapped to device pixels so neighbouring cells share edges exactly.
        func columnEdge(_ column: Int) -> Double {
            guard let xExtent else { return canvas.snap(frame.px(Double(column) - 0.5), lineWidth: 0) }
            return canvas.snap(frame.px(xExtent.lowerBound + (xExtent.upperBound - xExtent.lowerBound) * Double(column) / Double(columns)), lineWidth: 0)
        }
        func rowEdge(_ row: Int) -> Double {
            guard let yExtent else { return canvas.snap(frame.py(Double(row) - 0.5), lineWidth: 0) }
            return canvas.snap(frame.py(yExtent.lowerBound + (yExtent.upperBound - yExtent.lowerBound) * Double(row) / Double(rows)), lineWidth: 0)
        }
        let fontSize = min(Style.tickLabelSize, abs(rowEdge(1) - rowEdge(0)) * 0.38, abs(columnEdge(1) - columnEdge(0)) * 0.3)
        for row in 0..<rows {
            for column in 0..<columns where values[row][column].isFinite {
                let value = values[row][column]
                let color = colorMap.color(at: (value - range.lowerBound) / (range.upperBound - range.lowerBound))
                let left = columnEdge(column), right = columnEdge(column + 1)
                let top = min(rowEdge(row), rowEdge(row + 1)), bottom = max(rowEdge(row), rowEdge(row + 1))
                canvas.fillRectangle(x: left, y: top, width: right - left, height: bottom - top, color: color)
                if annotate {
                    let label = Ticks.format(value, step: pow(10, Double(-decimals)), magnitude: abs(value))
                    canvas.text(label, x: (left + right) / 2, y: (top + bottom) / 2, size: fontSize,
                                color: color.luminance < 0.5 ? Palette.white : Palette.ink, horizontal: .center, vertical: .middle)
                }
            }
        }
    }
}
