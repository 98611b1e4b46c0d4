import Foundation

// The layout of a chart: margins that fit the labels, panels side by side, spines, ticks, grid and
// reference lines. The legend is in Legend.swift.

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
        let lastTickOverhang = (panels.last?.x.ticks.last).map { canvas.textWidth($0.label, size: Style.tickLabelSize) / 2 } ?? 0
        right = max(right, Style.margin + lastTickOverhang, 16)

        let gaps: [Double] = panels.indices.dropFirst().map { sharesYAxis ? 18 : yAxisSpace[$0] + 18 }
        let panelWidth = max((canvas.width - left - right - gaps.reduce(0, +)) / Double(panels.count), 10)

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
        let plotHeight = max(canvas.height - top - bottom, 10)
        var x = left
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
        canvas.text(title, x: centreX, y: Style.margin, size: Style.titleSize, horizontal: .center, vertical: .top)
        canvas.text(xLabel, x: centreX, y: top + plotHeight + Style.tickLength + 8 + xTickHeight, size: Style.axisLabelSize,
                    horizontal: .center, vertical: .top)
        canvas.text(yLabel, x: frames[0].left - yAxisSpace[0] - Style.axisLabelSize * 1.2 - 6, y: top + plotHeight / 2, size: Style.axisLabelSize,
                    horizontal: .center, vertical: .top, rotation: -Double.pi / 2)
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
}
