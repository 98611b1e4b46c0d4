import Foundation

/// A legend row: a coloured swatch and a name.
struct LegendEntry {
    enum Swatch { case marker, line(dashed: Bool, marker: Bool), patch(alpha: Double) }
    var name: String
    var color: Color
    var swatch: Swatch
}

// The legend, drawn beside (or inside) the last panel of a figure.
extension Figure {
    private static let legendPadding = 6.0
    private static let legendRowHeight = 16.0
    private static let swatchWidth = 20.0

    func legendSize(_ canvas: Canvas) -> (width: Double, height: Double) {
        let textWidth = legend.map { canvas.textWidth($0.name, size: Style.legendSize) }.max() ?? 0
        return (Figure.swatchWidth + 6 + textWidth + 2 * Figure.legendPadding,
                Double(legend.count) * Figure.legendRowHeight + 2 * Figure.legendPadding - 2)
    }

    func drawLegend(beside frame: PlotFrame, panel: Panel, on canvas: Canvas) {
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
}
