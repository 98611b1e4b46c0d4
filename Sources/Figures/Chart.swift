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
    /// The chart encoded as PNG (`width·scale`×`height·scale` pixels).
    public func pngData(width: Int = 800, height: Int = 600, scale: Int = 2) throws -> Data {
        try render(width: width, height: height, scale: scale).pngData()
    }

    /// Renders the chart and writes it atomically as a PNG; the directory must exist.
    /// - Throws: `FigureError` for invalid data, or naming the path and reason if it cannot be written.
    public func write(to url: URL, width: Int = 800, height: Int = 600, scale: Int = 2) throws {
        try writeAtomically(pngData(width: width, height: height, scale: scale), to: url)
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

/// A named list of values with an optional colour: one group of a `Histogram` (values to bin) or
/// one set of bars of a `BarChart` (one value per category). Non-finite values are skipped.
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

/// One named set of bars in a `BarChart` (one value per category).
public typealias BarSeries = ValueSeries

// MARK: - Internal model

/// Text sizes and spacing, in points.
enum Style {
    static let titleSize = 14.0
    static let panelTitleSize = 12.0
    static let axisLabelSize = 12.0
    static let tickLabelSize = 10.5
    static let legendSize = 10.5
    static let margin = 10.0
    static let tickLength = 4.0
    static let axisWidth = 0.8
    static let gridWidth = 0.6
}

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

    /// A logarithmic axis over a positive `range`, padded by a small factor.
    static func logarithmic(_ range: ClosedRange<Double>) -> AxisSpec {
        var lower = range.lowerBound, upper = range.upperBound
        if upper <= lower { lower /= 2; upper *= 2 }
        let ratio = pow(upper / lower, 0.04)
        lower /= ratio
        upper *= ratio
        let ticks = Ticks.logarithmic(lower: lower, upper: upper)
        return AxisSpec(lower: lower, upper: upper, logarithmic: true, ticks: ticks.major, minorTicks: ticks.minor)
    }

    /// An exact (unpadded) linear axis over a caller-chosen range.
    static func fixed(_ range: ClosedRange<Double>, length: Double, spacing: Double) -> AxisSpec {
        linear(range, length: length, spacing: spacing, margin: 0)
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

/// A legend row: a coloured swatch and a name.
struct LegendEntry {
    enum Swatch { case marker, line(dashed: Bool, marker: Bool), patch(alpha: Double) }
    var name: String
    var color: Color
    var swatch: Swatch
}

/// A colour bar drawn to the right of the plotting area.
struct ColorBar {
    var colorMap: ColorMap
    var lower: Double
    var upper: Double
    var label: String
}

/// One plotting area: axes, an optional title, and a closure that draws the data.
struct Panel {
    var title = ""
    var x: AxisSpec
    var y: AxisSpec
    var referenceLines: [ReferenceLine] = []
    /// Data points (in data units) the legend should avoid when placed at `.best`.
    var occupancy: [(Double, Double)] = []
    /// Draw a full box instead of the left and bottom spines (heat maps).
    var boxed = false
    /// Clip the content to the plotting area.
    var clipsContent = true
    var draw: (Canvas, PlotFrame) -> Void
}

/// A complete chart description: titles, one or more panels in a row, a legend and/or colour bar.
/// `render` computes margins that fit the labels, then draws everything.
struct Figure {
    var title = ""
    var xLabel = ""
    var yLabel = ""
    var panels: [Panel]
    var sharesYAxis = false
    var legend: [LegendEntry] = []
    var legendPlacement: LegendPlacement = .outsideRight
    var colorBar: ColorBar?
    /// Width / height of the plotting area, if it must be fixed (square heat-map cells).
    var aspectRatio: Double?

    func render(width: Int, height: Int, scale: Int) throws -> RasterImage {
        let canvas = try Canvas(width: width, height: height, scale: scale)
        draw(on: canvas)
        return try canvas.rasterImage()
    }

    private func tickLabelWidth(_ axis: AxisSpec, _ canvas: Canvas) -> Double {
        axis.ticks.map { canvas.textWidth($0.label, size: Style.tickLabelSize) }.max() ?? 0
    }

    private var showsLegendOutside: Bool { !legend.isEmpty && legendPlacement == .outsideRight }

    func draw(on canvas: Canvas) {
        let hasPanelTitles = panels.contains { !$0.title.isEmpty }
        let yTickWidths = panels.map { tickLabelWidth($0.y, canvas) }
        let yAxisSpace = yTickWidths.map { $0 + Style.tickLength + 5 }
        var top = Style.margin + (title.isEmpty ? 4 : Style.titleSize * 1.25 + 6)
        if hasPanelTitles { top += Style.panelTitleSize * 1.25 + 4 }
        let left = Style.margin + (yLabel.isEmpty ? 0 : Style.axisLabelSize * 1.2 + 6) + yAxisSpace[0]
        var right = Style.margin
        if showsLegendOutside { right += legendSize(canvas).width + 12 }
        if let colorBar { right += colorBarWidth(colorBar, canvas) + 14 }
        let lastTickOverhang = (panels.last?.x.ticks.last).map { canvas.textWidth($0.label, size: Style.tickLabelSize) / 2 } ?? 0
        right = max(right, Style.margin + lastTickOverhang, 16)

        let gaps: [Double] = panels.indices.dropFirst().map { sharesYAxis ? 18 : yAxisSpace[$0] + 18 }
        var panelWidth = max((canvas.width - left - right - gaps.reduce(0, +)) / Double(panels.count), 10)

        // Rotate x tick labels that would collide; the bottom margin grows to fit them.
        var xAxes = panels.map(\.x)
        var xTickHeight = Style.tickLabelSize * 1.2
        for index in xAxes.indices where xAxes[index].ticks.count > 1 {
            let axis = xAxes[index]
            let widest = axis.ticks.map { canvas.textWidth($0.label, size: Style.tickLabelSize) }.max() ?? 0
            let spacing = panelWidth * abs(axis.fraction(axis.ticks[1].value) - axis.fraction(axis.ticks[0].value))
            if widest + 8 > spacing {
                xAxes[index].rotatedLabels = true
                xTickHeight = max(xTickHeight, (widest + Style.tickLabelSize) * 0.71)
            }
        }
        let bottom = Style.margin + Style.tickLength + 4 + xTickHeight
            + (xLabel.isEmpty ? 0 : Style.axisLabelSize * 1.2 + 4)
        var plotHeight = max(canvas.height - top - bottom, 10)

        // A fixed aspect ratio shrinks one dimension and centres the result.
        var x = left
        var verticalShift = 0.0
        if let aspectRatio, panels.count == 1 {
            if panelWidth / plotHeight > aspectRatio {
                let fitted = plotHeight * aspectRatio
                x += (panelWidth - fitted) / 2
                panelWidth = fitted
            } else {
                let fitted = panelWidth / aspectRatio
                verticalShift = (plotHeight - fitted) / 2
                top += verticalShift
                plotHeight = fitted
            }
        }
        var frames: [PlotFrame] = []
        for index in panels.indices {
            if index > 0 { x += gaps[index - 1] }
            frames.append(PlotFrame(left: x, top: top, width: panelWidth, height: plotHeight, x: xAxes[index], y: panels[index].y))
            x += panelWidth
        }

        for (index, (panel, frame)) in zip(panels, frames).enumerated() {
            drawPanel(panel, frame: frame, showsYTickLabels: index == 0 || !sharesYAxis, on: canvas)
        }

        let plotsLeft = frames[0].left, plotsRight = frames[frames.count - 1].right
        let centreX = (plotsLeft + plotsRight) / 2
        canvas.text(title, x: centreX, y: Style.margin + verticalShift, size: Style.titleSize, horizontal: .center, vertical: .top)
        canvas.text(xLabel, x: centreX, y: top + plotHeight + Style.tickLength + 8 + xTickHeight, size: Style.axisLabelSize,
                    horizontal: .center, vertical: .top)
        canvas.text(yLabel, x: frames[0].left - yAxisSpace[0] - Style.axisLabelSize * 1.2 - 6, y: top + plotHeight / 2, size: Style.axisLabelSize,
                    horizontal: .center, vertical: .top, rotation: -Double.pi / 2)
        if let colorBar { drawColorBar(colorBar, beside: frames[frames.count - 1], on: canvas) }
        if !legend.isEmpty && legendPlacement != .hidden {
            drawLegend(beside: frames[frames.count - 1], panel: panels[panels.count - 1], on: canvas)
        }
    }

    // MARK: Panels

    private func drawPanel(_ panel: Panel, frame: PlotFrame, showsYTickLabels: Bool, on canvas: Canvas) {
        // Grid lines under the data.
        if frame.x.gridLines {
            for tick in frame.x.ticks {
                let x = canvas.snap(frame.px(tick.value), lineWidth: Style.gridWidth)
                canvas.line(from: (x, frame.top), to: (x, frame.bottom), width: Style.gridWidth, color: Palette.grid)
            }
        }
        if frame.y.gridLines {
            for tick in frame.y.ticks {
                let y = canvas.snap(frame.py(tick.value), lineWidth: Style.gridWidth)
                canvas.line(from: (frame.left, y), to: (frame.right, y), width: Style.gridWidth, color: Palette.grid)
            }
        }
        if panel.clipsContent {
            canvas.clipped(x: frame.left, y: frame.top, width: frame.width, height: frame.height) {
                panel.draw(canvas, frame)
            }
        } else {
            panel.draw(canvas, frame)
        }
        canvas.clipped(x: frame.left, y: frame.top, width: frame.width, height: frame.height) {
            for line in panel.referenceLines { drawReferenceLine(line, frame: frame, on: canvas) }
        }
        for line in panel.referenceLines { drawReferenceLabel(line, frame: frame, on: canvas) }

        // Spines.
        let spineLeft = canvas.snap(frame.left, lineWidth: Style.axisWidth)
        let spineBottom = canvas.snap(frame.bottom, lineWidth: Style.axisWidth)
        if panel.boxed {
            canvas.strokeRectangle(x: spineLeft, y: canvas.snap(frame.top, lineWidth: Style.axisWidth),
                                   width: canvas.snap(frame.right, lineWidth: Style.axisWidth) - spineLeft,
                                   height: spineBottom - canvas.snap(frame.top, lineWidth: Style.axisWidth),
                                   lineWidth: Style.axisWidth, color: Palette.axis)
        } else {
            canvas.line(from: (spineLeft, frame.top), to: (spineLeft, frame.bottom + Style.axisWidth / 2),
                        width: Style.axisWidth, color: Palette.axis)
            canvas.line(from: (frame.left - Style.axisWidth / 2, spineBottom), to: (frame.right, spineBottom),
                        width: Style.axisWidth, color: Palette.axis)
        }

        // Ticks and their labels.
        for tick in frame.x.ticks {
            let x = canvas.snap(frame.px(tick.value), lineWidth: Style.axisWidth)
            canvas.line(from: (x, spineBottom), to: (x, spineBottom + Style.tickLength), width: Style.axisWidth, color: Palette.axis)
            if frame.x.rotatedLabels {
                canvas.text(tick.label, x: x + 2, y: spineBottom + Style.tickLength + 3, size: Style.tickLabelSize,
                            horizontal: .right, vertical: .top, rotation: -Double.pi / 4)
            } else {
                canvas.text(tick.label, x: x, y: spineBottom + Style.tickLength + 3, size: Style.tickLabelSize,
                            horizontal: .center, vertical: .top)
            }
        }
        for value in frame.x.minorTicks {
            let x = canvas.snap(frame.px(value), lineWidth: Style.axisWidth / 2)
            canvas.line(from: (x, spineBottom), to: (x, spineBottom + Style.tickLength * 0.6), width: Style.axisWidth / 2, color: Palette.axis)
        }
        for tick in frame.y.ticks {
            let y = canvas.snap(frame.py(tick.value), lineWidth: Style.axisWidth)
            canvas.line(from: (spineLeft - Style.tickLength, y), to: (spineLeft, y), width: Style.axisWidth, color: Palette.axis)
            if showsYTickLabels {
                canvas.text(tick.label, x: spineLeft - Style.tickLength - 3, y: y, size: Style.tickLabelSize,
                            horizontal: .right, vertical: .middle)
            }
        }
        for value in frame.y.minorTicks {
            let y = canvas.snap(frame.py(value), lineWidth: Style.axisWidth / 2)
            canvas.line(from: (spineLeft - Style.tickLength * 0.6, y), to: (spineLeft, y), width: Style.axisWidth / 2, color: Palette.axis)
        }
        canvas.text(panel.title, x: frame.left + frame.width / 2, y: frame.top - 6, size: Style.panelTitleSize,
                    horizontal: .center, vertical: .bottom)
    }

    private func drawReferenceLine(_ line: ReferenceLine, frame: PlotFrame, on canvas: Canvas) {
        let dash = [5.0, 3.0]
        switch line.orientation {
        case .horizontal:
            guard frame.isPlottable(frame.x.lower, line.value) else { return }
            let y = frame.py(line.value)
            canvas.line(from: (frame.left, y), to: (frame.right, y), width: 1, color: Palette.reference, dash: dash)
        case .vertical:
            guard frame.isPlottable(line.value, frame.y.lower) else { return }
            let x = frame.px(line.value)
            canvas.line(from: (x, frame.top), to: (x, frame.bottom), width: 1, color: Palette.reference, dash: dash)
        }
    }

    private func drawReferenceLabel(_ line: ReferenceLine, frame: PlotFrame, on canvas: Canvas) {
        guard !line.label.isEmpty else { return }
        switch line.orientation {
        case .horizontal:
            guard frame.isPlottable(frame.x.lower, line.value) else { return }
            canvas.text(line.label, x: frame.right - 4, y: frame.py(line.value) - 3, size: Style.tickLabelSize,
                        color: Palette.reference, horizontal: .right, vertical: .bottom)
        case .vertical:
            guard frame.isPlottable(line.value, frame.y.lower) else { return }
            canvas.text(line.label, x: frame.px(line.value) + 4, y: frame.top + 3, size: Style.tickLabelSize,
                        color: Palette.reference, horizontal: .left, vertical: .top)
        }
    }

    // MARK: Legend

    private static let legendPadding = 6.0
    private static let legendRowHeight = 16.0
    private static let swatchWidth = 20.0

    private func legendSize(_ canvas: Canvas) -> (width: Double, height: Double) {
        let textWidth = legend.map { canvas.textWidth($0.name, size: Style.legendSize) }.max() ?? 0
        return (Figure.swatchWidth + 6 + textWidth + 2 * Figure.legendPadding,
                Double(legend.count) * Figure.legendRowHeight + 2 * Figure.legendPadding - 2)
    }

    private func drawLegend(beside frame: PlotFrame, panel: Panel, on canvas: Canvas) {
        let size = legendSize(canvas)
        let inset = 8.0
        let corners: [LegendPlacement: (Double, Double)] = [
            .upperRight: (frame.right - inset - size.width, frame.top + inset),
            .upperLeft: (frame.left + inset, frame.top + inset),
            .lowerRight: (frame.right - inset - size.width, frame.bottom - inset - size.height),
            .lowerLeft: (frame.left + inset, frame.bottom - inset - size.height),
        ]
        let origin: (Double, Double)
        switch legendPlacement {
        case .outsideRight:
            origin = (frame.right + 12, frame.top)
        case .best:
            let order: [LegendPlacement] = [.upperRight, .upperLeft, .lowerRight, .lowerLeft]
            let covered = order.map { corner -> Int in
                let (x, y) = corners[corner]!
                return panel.occupancy.filter { point in
                    guard frame.isPlottable(point.0, point.1) else { return false }
                    let px = frame.px(point.0), py = frame.py(point.1)
                    return px >= x - 3 && px <= x + size.width + 3 && py >= y - 3 && py <= y + size.height + 3
                }.count
            }
            origin = corners[order[covered.firstIndex(of: covered.min()!)!]]!
        case .hidden:
            return
        default:
            origin = corners[legendPlacement]!
        }
        let (x, y) = origin
        canvas.fillRectangle(x: x, y: y, width: size.width, height: size.height, color: Palette.white, alpha: 0.88)
        canvas.strokeRectangle(x: canvas.snap(x, lineWidth: 0.5), y: canvas.snap(y, lineWidth: 0.5),
                               width: size.width, height: size.height, lineWidth: 0.5, color: Palette.legendBorder)
        for (index, entry) in legend.enumerated() {
            let rowCentre = y + Figure.legendPadding + (Double(index) + 0.5) * Figure.legendRowHeight - 1
            let swatchLeft = x + Figure.legendPadding, swatchCentre = swatchLeft + Figure.swatchWidth / 2
            switch entry.swatch {
            case .marker:
                canvas.fillCircle(x: swatchCentre, y: rowCentre, radius: 3.5, color: entry.color)
            case let .line(dashed, marker):
                canvas.line(from: (swatchLeft, rowCentre), to: (swatchLeft + Figure.swatchWidth, rowCentre), width: 1.6,
                            color: entry.color, dash: dashed ? [4, 2.5] : [])
                if marker { canvas.fillCircle(x: swatchCentre, y: rowCentre, radius: 2.6, color: entry.color) }
            case let .patch(alpha):
                canvas.fillRectangle(x: swatchLeft + 2, y: rowCentre - 5, width: Figure.swatchWidth - 4, height: 10,
                                     color: entry.color, alpha: alpha)
                canvas.strokeRectangle(x: swatchLeft + 2, y: rowCentre - 5, width: Figure.swatchWidth - 4, height: 10,
                                       lineWidth: 0.8, color: entry.color)
            }
            canvas.text(entry.name, x: swatchLeft + Figure.swatchWidth + 6, y: rowCentre, size: Style.legendSize,
                        horizontal: .left, vertical: .middle)
        }
    }

    // MARK: Colour bar

    private static let colorBarThickness = 14.0

    private func colorBarTicks(_ bar: ColorBar, length: Double) -> [Tick] {
        Ticks.linear(lower: bar.lower, upper: bar.upper, maximumCount: max(2, Int(length / 45)))
    }

    private func colorBarWidth(_ bar: ColorBar, _ canvas: Canvas) -> Double {
        let labels = colorBarTicks(bar, length: canvas.height * 0.7)
        let widest = labels.map { canvas.textWidth($0.label, size: Style.tickLabelSize) }.max() ?? 0
        return Figure.colorBarThickness + Style.tickLength + 3 + widest + (bar.label.isEmpty ? 0 : Style.axisLabelSize * 1.2 + 6)
    }

    private func drawColorBar(_ bar: ColorBar, beside frame: PlotFrame, on canvas: Canvas) {
        let left = frame.right + 14, top = frame.top, height = frame.height
        let steps = max(Int(height * Double(canvas.scale)), 2)
        let stepHeight = height / Double(steps)
        for step in 0..<steps {
            let t = (Double(step) + 0.5) / Double(steps)
            canvas.fillRectangle(x: left, y: top + height - Double(step + 1) * stepHeight, width: Figure.colorBarThickness,
                                 height: stepHeight + 0.01, color: bar.colorMap.color(at: t))
        }
        canvas.strokeRectangle(x: left, y: top, width: Figure.colorBarThickness, height: height,
                               lineWidth: Style.axisWidth / 2, color: Palette.axis)
        let right = left + Figure.colorBarThickness
        var widest = 0.0
        if bar.upper > bar.lower {
            for tick in colorBarTicks(bar, length: height) {
                let y = canvas.snap(top + height - (tick.value - bar.lower) / (bar.upper - bar.lower) * height, lineWidth: Style.axisWidth)
                canvas.line(from: (right, y), to: (right + Style.tickLength, y), width: Style.axisWidth, color: Palette.axis)
                canvas.text(tick.label, x: right + Style.tickLength + 3, y: y, size: Style.tickLabelSize, horizontal: .left, vertical: .middle)
                widest = max(widest, canvas.textWidth(tick.label, size: Style.tickLabelSize))
            }
        }
        canvas.text(bar.label, x: right + Style.tickLength + 3 + widest + 6, y: top + height / 2, size: Style.axisLabelSize,
                    horizontal: .center, vertical: .top, rotation: -Double.pi / 2)
    }
}

// MARK: - Data helpers

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

    /// Includes a point if both coordinates are finite (and `y` positive when `positiveY`).
    mutating func include(x xValue: Double, y yValue: Double, positiveY: Bool = false) {
        guard xValue.isFinite, yValue.isFinite, !positiveY || yValue > 0 else { return }
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

// MARK: - Single-panel charts

/// A chart made of one x/y panel (scatter, line, histogram, vector field); such charts can also be
/// combined side by side by `SmallMultiples`.
protocol PanelSource {
    /// The type name used in error messages.
    var chartName: String { get }
    var title: String { get }
    var xLabel: String { get }
    var yLabel: String { get }
    var xRange: ClosedRange<Double>? { get }
    var yRange: ClosedRange<Double>? { get }
    var logarithmicY: Bool { get }
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
    var logarithmicY: Bool { false }
    var yStartsAtZero: Bool { false }

    /// Data bounds including the reference lines.
    func fullBounds() -> DataBounds {
        var bounds = dataBounds()
        bounds.include(referenceLines)
        return bounds
    }

    /// Axes fitted to `bounds`, honouring explicit ranges and the log-scale option.
    func axes(for bounds: DataBounds, plotWidth: Double, plotHeight: Double) throws -> (AxisSpec, AxisSpec) {
        guard let xBounds = xRange ?? bounds.x, let yBounds = yRange ?? bounds.y else {
            throw FigureError("\(chartName): no finite values to plot")
        }
        let x = xRange != nil ? AxisSpec.fixed(xBounds, length: plotWidth, spacing: 55)
            : AxisSpec.linear(xBounds, length: plotWidth, spacing: 55)
        let y: AxisSpec
        if logarithmicY {
            guard yBounds.lowerBound > 0 else { throw FigureError("\(chartName): a logarithmic y axis needs positive values") }
            y = AxisSpec.logarithmic(yBounds, padded: yRange == nil)
        } else if yRange != nil {
            y = AxisSpec.fixed(yBounds, length: plotHeight, spacing: 50)
        } else {
            y = AxisSpec.linear(yBounds, length: plotHeight, spacing: 50, pinLower: yStartsAtZero && yBounds.lowerBound >= 0)
        }
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

extension AxisSpec {
    /// A logarithmic axis over a positive range, optionally padded by a small factor.
    static func logarithmic(_ range: ClosedRange<Double>, padded: Bool) -> AxisSpec {
        guard !padded else { return logarithmic(range) }
        let ticks = Ticks.logarithmic(lower: range.lowerBound, upper: range.upperBound)
        return AxisSpec(lower: range.lowerBound, upper: range.upperBound, logarithmic: true,
                        ticks: ticks.major, minorTicks: ticks.minor)
    }
}
