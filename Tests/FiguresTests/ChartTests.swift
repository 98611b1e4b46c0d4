import Foundation
import Testing
@testable import Figures

@Suite struct ChartTests {
    static let names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    @Test func scatterPlotWithClassesLegendAndBackground() throws {
        let codes = Examples.codes(count: 2000, seed: 1)
        var x = codes.x
        x[3] = .nan  // skipped, not plotted
        let chart = ScatterPlot(title: "Codes", xLabel: "z₁", yLabel: "z₂", x: x, y: codes.y,
                                classes: codes.labels, classNames: Self.names,
                                backgroundX: [0, 1, -1], backgroundY: [0, 1, -1] as [Float], backgroundName: "prior")
        _ = try checkChart(chart, legendOutside: true)
    }

    @Test func scatterPlotRejectsMismatchedLengths() {
        #expect(throws: FigureError("ScatterPlot: y has 2 values but x has 3")) {
            try ScatterPlot(x: [1.0, 2, 3], y: [1.0, 2]).render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ScatterPlot: classes has 1 values but x has 2")) {
            try ScatterPlot(x: [1.0, 2], y: [1.0, 2], classes: [0]).render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ScatterPlot: class indices must be non-negative, found -1")) {
            try ScatterPlot(x: [1.0, 2], y: [1.0, 2], classes: [0, -1]).render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ScatterPlot: no points (x is empty)")) {
            try ScatterPlot(x: [Double](), y: []).render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ScatterPlot: no finite values to plot")) {
            try ScatterPlot(x: [Double.nan], y: [1]).render(width: 400, height: 300)
        }
    }

    @Test func linePlotWithLogScaleMarkersAndReferenceLine() throws {
        let train: [Double] = (1...500).map { 0.02 + 0.5 * exp(-Double($0) / 60) }
        var test: [Double] = (1...500).map { 0.03 + 0.5 * exp(-Double($0) / 70) }
        test[100] = .infinity
        let chart = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss",
                             series: [LineSeries(name: "train", y: train), LineSeries(name: "test", y: test, dashed: true)],
                             logarithmicY: true, showsMarkers: false, legendPlacement: .outsideRight,
                             referenceLines: [.horizontal(0.1, label: "target")])
        _ = try checkChart(chart, legendOutside: true)
        let markers = LinePlot(title: "Markers", xLabel: "x", yLabel: "y",
                               series: [LineSeries(name: "a", x: [0.0, 1, 2, 3], y: [1.0, -1, 2, 0])],
                               showsMarkers: true, referenceLines: [.horizontal(0)])
        _ = try checkChart(markers)
        #expect(throws: FigureError("LinePlot: series \"b\" y has 1 values but x has 2")) {
            try LinePlot(series: [LineSeries(name: "b", x: [1.0, 2], y: [1.0])]).render(width: 400, height: 300)
        }
    }

    @Test func histogramOverlaysSeriesOnSharedBins() throws {
        var random = ExampleRandom(state: 4)
        let a = (0..<3000).map { _ in random.normal() }
        let b = (0..<500).map { _ in 3 + random.normal() } + [.nan]
        let chart = Histogram(title: "Errors", xLabel: "error", series: [HistogramSeries(name: "normal", values: a),
                                                                          HistogramSeries(name: "anomalous", values: b)],
                              binCount: 40, density: true, legendPlacement: .outsideRight)
        _ = try checkChart(chart, legendOutside: true)
        #expect(throws: FigureError("Histogram: series \"x\" has no finite values")) {
            try Histogram(series: [HistogramSeries(name: "x", values: [Double.nan])]).render(width: 400, height: 300)
        }
    }

    @Test func vectorFieldDrawsArrowsOverPoints() throws {
        var x: [Double] = [], y: [Double] = [], dx: [Double] = [], dy: [Double] = []
        for i in 0..<15 {
            for j in 0..<15 {
                let px = Double(i) / 7 - 1, py = Double(j) / 7 - 1
                x.append(px); y.append(py); dx.append(-py); dy.append(px)
            }
        }
        let chart = VectorField(title: "Field", xLabel: "x₁", yLabel: "x₂", x: x, y: y, dx: dx, dy: dy,
                                pointX: [0.1, 0.2, -0.3], pointY: [0.5, -0.2, 0.1], pointClasses: [0, 1, 2],
                                classNames: ["a", "b", "c"])
        _ = try checkChart(chart, legendOutside: true)
        #expect(throws: FigureError("VectorField: dy has 1 values but x has 2")) {
            try VectorField(x: [0.0, 1], y: [0.0, 1], dx: [1.0, 1], dy: [1.0]).render(width: 400, height: 300)
        }
        #expect(throws: FigureError("VectorField: pointClasses has 1 values but pointX has 2")) {
            try VectorField(x: [0.0], y: [0.0], dx: [1.0], dy: [1.0], pointX: [0.0, 1], pointY: [0.0, 1], pointClasses: [0])
                .render(width: 400, height: 300)
        }
        #expect(throws: FigureError("VectorField: class indices must be non-negative, found -2")) {
            try VectorField(x: [0.0], y: [0.0], dx: [1.0], dy: [1.0], pointX: [0.0], pointY: [0.0], pointClasses: [-2])
                .render(width: 400, height: 300)
        }
    }

    @Test func probabilityMapColoursEachSideAndChecksItsGrid() throws {
        // p = 0 left of x = 0, 1 right of it: blue on the left of the plot, red on the right.
        let axis = (0...20).map { Double($0) / 10 - 1 }
        let probabilities = axis.flatMap { _ in axis.map { $0 < 0 ? 0.0 : $0 > 0 ? 1 : 0.5 } }
        let chart = ProbabilityMap(title: "Probe", xLabel: "z₁", yLabel: "z₂", gridX: axis, gridY: axis,
                                   probabilities: probabilities, lowName: "prior", highName: "code",
                                   pointX: [0.0], pointY: [0.9], pointName: "codes")
        let image = try checkChart(chart, legendOutside: true)
        let (left, right) = ((image.width / 5, image.height / 2), (image.width * 7 / 10, image.height / 2))
        #expect(image.value(left.0, left.1, 2) > image.value(left.0, left.1, 0) + 100)
        #expect(image.value(right.0, right.1, 0) > image.value(right.0, right.1, 2) + 100)
        #expect(chart.color(of: 0) == chart.lowColor && chart.color(of: 1) == chart.highColor)
        #expect(chart.color(of: 0.5) == Color(red: 1, green: 1, blue: 1))
        // A legend placed inside must see the whole grid as taken, not only its diagonal.
        let occupied = chart.occupancy()
        #expect(occupied.count == 21 * 21 + 1)
        #expect(occupied.contains { $0 == (1, -1) } && occupied.contains { $0 == (-1, 1) })

        #expect(throws: FigureError("ProbabilityMap: probabilities has 3 values but the grid (gridX × gridY) has 4")) {
            try ProbabilityMap(gridX: [0.0, 1], gridY: [0.0, 1], probabilities: [0.0, 0, 0], lowName: "a", highName: "b")
                .render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ProbabilityMap: probabilities must lie in [0, 1], found nan at index 2")) {
            try ProbabilityMap(gridX: [0.0, 1], gridY: [0.0, 1], probabilities: [0.0, 1, .nan, 0.5], lowName: "a",
                               highName: "b").render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ProbabilityMap: gridY must be finite and strictly increasing")) {
            try ProbabilityMap(gridX: [0.0, 1], gridY: [1.0, 0], probabilities: [0.0, 0, 0, 0], lowName: "a", highName: "b")
                .render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ProbabilityMap: gridX needs at least 2 values, has 1")) {
            try ProbabilityMap(gridX: [0.0], gridY: [0.0, 1], probabilities: [0.0, 0], lowName: "a", highName: "b")
                .render(width: 400, height: 300)
        }
        #expect(throws: FigureError("ProbabilityMap: pointY has 0 values but pointX has 1")) {
            try ProbabilityMap(gridX: [0.0, 1], gridY: [0.0, 1], probabilities: [0.0, 0, 0, 0], lowName: "a", highName: "b",
                               pointX: [0.0]).render(width: 400, height: 300)
        }
    }

    @Test func smallMultiplesShareAxes() throws {
        let plain = Examples.codes(count: 1000, seed: 2, spread: 0.3)
        let adversarial = Examples.codes(count: 1000, seed: 3, spread: 0.9)
        let chart = SmallMultiples(title: "Codes", panels: [
            ScatterPlot(title: "plain AE", xLabel: "z₁", yLabel: "z₂", x: plain.x, y: plain.y, classes: plain.labels, classNames: Self.names),
            ScatterPlot(title: "adversarial AE", x: adversarial.x, y: adversarial.y, classes: adversarial.labels, classNames: Self.names),
        ])
        let image = try checkChart(chart, width: 1000, height: 450, legendOutside: true)
        // Both panels have data.
        #expect(image.inkedPixels(x: 0.1...0.4, y: 0.2...0.8) > 2_000)
        #expect(image.inkedPixels(x: 0.5...0.8, y: 0.2...0.8) > 2_000)
        let lines = SmallMultiples(title: "Loss", xLabel: "epoch", yLabel: "loss", panels: [
            LinePlot(title: "β = 1", series: [LineSeries(name: "train", y: [3.0, 2, 1.5, 1.2])]),
            LinePlot(title: "β = 4", series: [LineSeries(name: "train", y: [4.0, 3, 2.5, 2.2])]),
        ])
        _ = try checkChart(lines, width: 900, height: 400, legendOutside: true)
        #expect(throws: FigureError("SmallMultiples: no panels")) {
            try SmallMultiples(panels: [ScatterPlot]()).render(width: 400, height: 300)
        }
    }

    @Test func niceTicksUseOneTwoFiveSteps() {
        #expect(Ticks.niceStep(span: 10, maximumCount: 5) == 2)
        #expect(Ticks.niceStep(span: 1, maximumCount: 5) == 0.2)
        #expect(Ticks.niceStep(span: 0.7, maximumCount: 3) == 0.5)
        #expect(Ticks.niceStep(span: 73, maximumCount: 8) == 10)
        #expect(Ticks.linear(lower: -0.05, upper: 1.05, maximumCount: 6).map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(Ticks.linear(lower: -7, upper: 7, maximumCount: 4).map(\.label) == ["\u{2212}5", "0", "5"])
        #expect(Ticks.logarithmic(lower: 0.001, upper: 1).major.map(\.label) == ["0.001", "0.01", "0.1", "1"])
        #expect(Ticks.logarithmic(lower: 1e-8, upper: 1e-6).major.map(\.label) == ["10⁻⁸", "10⁻⁷", "10⁻⁶"])
    }

    @Test func badSizesThrow() {
        let chart = ScatterPlot(x: [1.0], y: [1.0])
        #expect(throws: FigureError("figure size must be positive, got 0×600")) { try chart.render(width: 0, height: 600) }
    }
}

/// The categorical palette, caller-chosen ticks and logarithmic x axes.
@Suite struct PaletteAndTickTests {
    @Test func paletteHasTenDifferentColours() {
        #expect(Palette.categorical.count == 10)
        #expect(Set(Palette.categorical).count == 10)
        #expect(Palette.color(at: 13) == Palette.categorical[3])
        #expect(!Palette.categorical.contains(Palette.backgroundPoints))
    }

    @Test func scatterMarkersAndLegendUseThePaletteColours() throws {
        // One large opaque dot per class, spread along a diagonal of the plot's left half.
        var chart = ScatterPlot(title: "classes", x: (0..<10).map(Double.init), y: (0..<10).map(Double.init),
                                classes: Array(0..<10), classNames: Examples.classNames)
        chart.pointRadius = 6
        chart.opacity = 1
        chart.xAxis.range = -1...20   // the dots stay in the left half, well away from the legend
        let raster = try chart.render(width: 800, height: 600, scale: 1)
        var plotCounts = [Int](repeating: 0, count: 10), legendCounts = [Int](repeating: 0, count: 10)
        let colours = Palette.categorical.map { colour in
            [colour.red, colour.green, colour.blue].map { UInt8(($0 * 255).rounded()) }
        }
        for y in 0..<raster.height {
            for x in 0..<raster.width {
                guard let index = colours.firstIndex(of: Array(raster[x, y])) else { continue }
                if x < raster.width / 2 { plotCounts[index] += 1 } else { legendCounts[index] += 1 }
            }
        }
        // A dot of radius 6 has about π·6² ≈ 113 pixels, most of them exactly its colour; a legend swatch
        // of radius 3.5 has about 38.
        #expect(plotCounts.allSatisfy { $0 >= 60 }, "marker pixels per class colour: \(plotCounts)")
        #expect(legendCounts.allSatisfy { $0 >= 15 }, "legend swatch pixels per class colour: \(legendCounts)")
    }

    @Test func logarithmicXAxisWithCallerTicks() throws {
        let sizes: [Double] = [1, 2, 4, 8, 16, 32]
        let chart = LinePlot(title: "sweep", xLabel: "code size", yLabel: "error",
                             series: [LineSeries(name: "AE", x: sizes, y: sizes.map { 1 / $0 })],
                             logarithmicX: true, showsMarkers: true, xTickValues: sizes)
        let (x, y) = try chart.axes(for: chart.fullBounds(), plotWidth: 600, plotHeight: 400)
        #expect(x.logarithmic && !y.logarithmic)
        #expect(x.ticks.map(\.label) == ["1", "2", "4", "8", "16", "32"])
        #expect(x.minorTicks.isEmpty)
        // Equal ratios are equal distances on a logarithmic axis.
        #expect(abs((x.fraction(2) - x.fraction(1)) - (x.fraction(32) - x.fraction(16))) < 1e-12)
        _ = try checkChart(chart)
    }

    @Test func callerTicksWidenTheAxisUnlessTheRangeIsFixed() throws {
        var chart = ScatterPlot(x: [2.0, 8], y: [0.3, 0.6], yTickValues: [0, 0.5, 1])
        var (_, y) = try chart.axes(for: chart.fullBounds(), plotWidth: 600, plotHeight: 400)
        #expect(y.ticks.map(\.label) == ["0", "0.5", "1"])
        chart.yAxis.range = 0.2...0.8
        (_, y) = try chart.axes(for: chart.fullBounds(), plotWidth: 600, plotHeight: 400)
        #expect(y.ticks.map(\.label) == ["0.5"])
    }

    @Test func logarithmicXAxisNeedsPositiveValues() {
        #expect(throws: FigureError("LinePlot: no finite values to plot")) {
            try LinePlot(series: [LineSeries(name: "a", x: [0.0, -1], y: [1.0, 2])], logarithmicX: true).render(width: 400, height: 300)
        }
        var fixed = LinePlot(series: [LineSeries(name: "a", x: [1.0, 2], y: [1.0, 2])], logarithmicX: true)
        fixed.xAxis.range = 0...2
        #expect(throws: FigureError("LinePlot: a logarithmic x axis needs positive values")) {
            try fixed.render(width: 400, height: 300)
        }
    }

    @Test func scatterPlotOnALogarithmicAxisSkipsPointsThatAreNotPositive() throws {
        var chart = ScatterPlot(x: [0.0, 1, 100], y: [5.0, 1, 2], backgroundX: [-3.0], backgroundY: [9.0])
        chart.xAxis.logarithmic = true
        let (x, y) = try chart.axes(for: chart.fullBounds(), plotWidth: 600, plotHeight: 400)
        // Only (1, 1) and (100, 2) set the axes: x spans 1…100, y spans 1…2.
        #expect(x.logarithmic && x.lower < 1 && x.lower > 0.5 && x.upper > 100 && x.upper < 200)
        #expect(y.lower < 1 && y.lower > 0.9 && y.upper > 2 && y.upper < 2.1)
        _ = try chart.render(width: 400, height: 300)
    }
}
