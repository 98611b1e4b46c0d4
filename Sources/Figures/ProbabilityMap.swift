import Foundation

/// A probability p(x, y) ∈ [0, 1] given on a grid over the plane, drawn as a diverging colour map,
/// with points on top: e.g. where a two-sample probe calls a point "code" rather than "prior",
/// under the codes themselves.
///
/// A cell's colour mixes white with `lowColor` (p < ½) or `highColor` (p > ½) in the share
/// |2p − 1|: white where the probe is undecided, full colour where it is sure. Grid value
/// `probabilities[i * gridX.count + j]` belongs to the point (`gridX[j]`, `gridY[i]`), the centre
/// of its cell; cells reach halfway to their neighbours.
public struct ProbabilityMap: Chart {
    /// Title above the plot.
    public var title: String
    /// Label under the x axis.
    public var xLabel: String
    /// Label left of the y axis.
    public var yLabel: String
    /// The grid's x coordinates, strictly increasing (at least 2).
    public var gridX: [Double]
    /// The grid's y coordinates, strictly increasing (at least 2).
    public var gridY: [Double]
    /// p at each grid point, row by row (`gridY` outer, `gridX` inner), each in [0, 1].
    public var probabilities: [Double]
    /// Legend names of the two ends of the scale, p = 0 and p = 1.
    public var lowName: String, highName: String
    /// Colours of p = 0 and p = 1 (default the categorical blue and red).
    public var lowColor = Palette.color(at: 0), highColor = Palette.color(at: 3)
    /// The points drawn on top, in near-black.
    public var pointX: [Double], pointY: [Double]
    /// Legend name of the points; empty means no legend entry.
    public var pointName: String
    /// Where the legend goes (default outside on the right).
    public var legendPlacement: LegendPlacement = .outsideRight
    /// Dashed reference lines.
    public var referenceLines: [ReferenceLine] = []
    /// The x axis' range (`nil` fits the grid and the points), scale and tick values.
    public var xAxis = AxisOptions()
    /// The y axis' range, scale and tick values.
    public var yAxis = AxisOptions()

    /// Creates a map from Float or Double arrays.
    /// - Parameters:
    ///   - gridX, gridY: The grid's coordinates; `probabilities`: one value per grid point.
    ///   - lowName, highName: What p = 0 and p = 1 mean, for the legend.
    ///   - pointX, pointY: Points drawn on top (same count), named `pointName` in the legend.
    public init<Value: BinaryFloatingPoint>(
        title: String = "", xLabel: String = "", yLabel: String = "",
        gridX: [Value], gridY: [Value], probabilities: [Value], lowName: String, highName: String,
        pointX: [Value] = [], pointY: [Value] = [], pointName: String = ""
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.gridX = doubles(gridX)
        self.gridY = doubles(gridY)
        self.probabilities = doubles(probabilities)
        self.lowName = lowName
        self.highName = highName
        self.pointX = doubles(pointX)
        self.pointY = doubles(pointY)
        self.pointName = pointName
    }

    /// The colour of probability `p`: white mixed with the colour of its side in the share
    /// |2p − 1|.
    func color(of p: Double) -> Color {
        let end = p < 0.5 ? lowColor : highColor, share = abs(2 * p - 1)
        return Color(red: share * end.red + (1 - share), green: share * end.green + (1 - share),
                     blue: share * end.blue + (1 - share))
    }
}

/// The edges of the cells centred on `centres`: halfway between neighbours, and as far beyond the
/// outer centres as the half-gap next to them.
private func cellEdges(_ centres: [Double]) -> [Double] {
    let count = centres.count
    let inner = (1..<count).map { (centres[$0 - 1] + centres[$0]) / 2 }
    return [centres[0] - (centres[1] - centres[0]) / 2] + inner
        + [centres[count - 1] + (centres[count - 1] - centres[count - 2]) / 2]
}

extension ProbabilityMap: PanelSource {
    func validate() throws {
        for (name, grid) in [("gridX", gridX), ("gridY", gridY)] {
            guard grid.count >= 2 else {
                throw FigureError(
                    "\(chartName): \(name) needs at least 2 values, has \(grid.count)")
            }
            guard grid.allSatisfy(\.isFinite),
                  zip(grid, grid.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw FigureError("\(chartName): \(name) must be finite and strictly increasing")
            }
        }
        try requireCount(chartName, "probabilities", probabilities.count,
                         equals: gridX.count * gridY.count, "the grid (gridX × gridY)")
        if let index = probabilities.firstIndex(where: { !(0...1).contains($0) }) {
            throw FigureError("\(chartName): probabilities must lie in [0, 1], found "
                              + "\(probabilities[index]) at index \(index)")
        }
        try requireCount(chartName, "pointY", pointY.count, equals: pointX.count, "pointX")
    }

    func dataBounds() -> DataBounds {
        var bounds = DataBounds()
        let (xEdges, yEdges) = (cellEdges(gridX), cellEdges(gridY))
        bounds.include(x: xEdges[0], y: yEdges[0])
        bounds.include(x: xEdges[xEdges.count - 1], y: yEdges[yEdges.count - 1])
        for (px, py) in zip(pointX, pointY) { bounds.include(x: px, y: py) }
        return bounds
    }

    func legendEntries() -> [LegendEntry] {
        [LegendEntry(name: lowName, color: lowColor, swatch: .patch(alpha: 1)),
         LegendEntry(name: highName, color: highColor, swatch: .patch(alpha: 1))]
            + (pointName.isEmpty
                ? [] : [LegendEntry(name: pointName, color: Palette.ink, swatch: .marker)])
    }

    // The map covers every grid point, so a legend inside the panel always sits on it; the points
    // then decide which corner covers least.
    func occupancy() -> [(Double, Double)] {
        gridY.flatMap { y in gridX.map { x in (x, y) } } + Array(zip(pointX, pointY))
    }

    func drawContent(on canvas: Canvas, frame: PlotFrame) {
        let (xEdges, yEdges) = (cellEdges(gridX), cellEdges(gridY))
        for row in gridY.indices {
            let top = frame.py(yEdges[row + 1]), bottom = frame.py(yEdges[row])
            for column in gridX.indices {
                let left = frame.px(xEdges[column]), right = frame.px(xEdges[column + 1])
                // Half a pixel of overlap hides the seams antialiasing would leave between cells.
                canvas.fillRectangle(x: left, y: top, width: right - left + 0.5,
                                     height: bottom - top + 0.5,
                                     color: color(of: probabilities[row * gridX.count + column]))
            }
        }
        drawPoints(x: pointX, y: pointY, classes: nil, color: Palette.ink,
                   radius: automaticPointRadius(count: pointX.count) * 0.7, alpha: 0.6,
                   on: canvas, frame: frame)
    }
}
