import Foundation
import Testing
@testable import Figures

/// Deterministic pseudo-random numbers for example data (SplitMix64).
struct ExampleRandom {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
    mutating func normal() -> Double {
        let u = max(next(), 1e-12), v = next()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

enum Examples {
    static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Ten Gaussian blobs on a circle: `count` codes with labels.
    static func codes(count: Int, seed: UInt64, spread: Double = 0.55) -> (x: [Float], y: [Float], labels: [Int]) {
        var random = ExampleRandom(state: seed)
        var xs: [Float] = [], ys: [Float] = [], labels: [Int] = []
        for i in 0..<count {
            let label = i % 10
            let angle = Double(label) / 10 * 2 * .pi
            xs.append(Float(2.2 * cos(angle) + spread * random.normal()))
            ys.append(Float(1.6 * sin(angle) + spread * random.normal()))
            labels.append(label)
        }
        return (xs, ys, labels)
    }

    /// A 28×28 blob image.
    static func image(seed: UInt64, noise: Double = 0) -> [Float] {
        var random = ExampleRandom(state: seed)
        let cx = 10 + 8 * random.next(), cy = 10 + 8 * random.next(), r = 5 + 5 * random.next()
        return (0..<784).map { index in
            let x = Double(index % 28), y = Double(index / 28)
            let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot()
            return Float(max(0, 1 - d / r) + noise * random.normal())
        }
    }
}

/// One figure of the gallery: its file name, how to draw it, and the pixel size it must have.
struct GalleryFigure {
    /// The PNG file name when the gallery is written out.
    let name: String
    /// The expected width (a range when a label column's text width enters it) and height, in pixels.
    let widths: ClosedRange<Int>, height: Int
    /// Draws the figure as PNG bytes.
    let draw: () throws -> Data

    /// A chart asked for at `width`×`height` points, drawn at the default scale of 2 pixels per point.
    init(_ name: String, _ chart: some Chart, width: Int = 800, height: Int = 600) {
        self.name = name
        self.widths = (width * 2)...(width * 2)
        self.height = height * 2
        draw = { try chart.pngData(width: width, height: height) }
    }

    /// An image grid, whose pixel size follows from its tiles, padding and labels.
    init(_ name: String, _ grid: ImageGrid, widths: ClosedRange<Int>, height: Int) {
        self.name = name
        self.widths = widths
        self.height = height
        draw = { try grid.pngData() }
    }
}

/// Every kind of figure the library draws, on example data. Each must render a non-blank PNG of the
/// requested size, the same bytes twice; with FIGURES_EXAMPLES_DIR set, they are also written there
/// to be looked at.
@Suite struct Gallery {
    static func figures() -> [GalleryFigure] {
        var figures: [GalleryFigure] = []
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
        for (row, label) in ["original", "noisy", "reconstruction", "sample"].enumerated() {
            grid.addRow(label: label, images: (0..<10).map { Examples.image(seed: UInt64($0), noise: row == 1 ? 0.25 : 0) })
        }
        // Tiles of 84 pixels with 2 of padding; the label column adds the width of "reconstruction"
        // (some 100 pixels at 14 pixels a letter height) and a margin.
        let tiles = 2 + 10 * 86
        figures.append(GalleryFigure("grid.png", grid, widths: (tiles + 60)...(tiles + 250), height: 2 + 4 * 86))

        var retrieval = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
        for query in 0..<3 {
            retrieval.addRow(label: Examples.classNames[query], images: (0..<9).map { Examples.image(seed: UInt64(query * 9 + $0)) })
        }
        retrieval.gapAfterColumn = 0
        retrieval.columnLabels = [.init("query", column: 0), .init("8 nearest neighbours", columns: 1...8)]
        // Nine columns, a 12-pixel gap after the first, and a label row of 1.5 × 14 = 21 pixels.
        let retrievalTiles = 2 + 9 * 86 + 12
        figures.append(GalleryFigure("retrieval.png", retrieval, widths: (retrievalTiles + 40)...(retrievalTiles + 250),
                                     height: 21 + 2 + 3 * 86))

        var features = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 1, padding: 1, paddingValue: 0.5,
                                 normalization: .perImageMinMax)
        features.addRows(images: (0..<400).map { Examples.image(seed: UInt64(1000 + $0), noise: 0.3) }, columns: 25)
        figures.append(GalleryFigure("features.png", features, widths: (1 + 25 * 29)...(1 + 25 * 29), height: 1 + 16 * 29))

        let codes = Examples.codes(count: 10_000, seed: 7)
        var prior = ExampleRandom(state: 99)
        let priorX = (0..<3000).map { _ in Float(2 * prior.normal()) }, priorY = (0..<3000).map { _ in Float(2 * prior.normal()) }
        figures.append(GalleryFigure("scatter.png", ScatterPlot(
            title: "Fashion-MNIST codes (test set)", xLabel: "z₁", yLabel: "z₂",
            x: codes.x, y: codes.y, classes: codes.labels, classNames: Examples.classNames,
            backgroundX: priorX, backgroundY: priorY, backgroundName: "prior samples")))

        // Ten classes of uniformly random points: every colour of the palette next to every other.
        var random = ExampleRandom(state: 17)
        let randomX = (0..<3000).map { _ in random.next() }, randomY = (0..<3000).map { _ in random.next() }
        figures.append(GalleryFigure("palette.png", ScatterPlot(
            title: "Ten classes of random points", xLabel: "x", yLabel: "y", x: randomX, y: randomY,
            classes: (0..<3000).map { $0 % 10 }, classNames: Examples.classNames), width: 900, height: 650))

        let epochs = 500
        let train: [Double] = (1...epochs).map { (epoch: Int) -> Double in 0.02 + 0.5 * exp(-Double(epoch) / 60) }
        let test: [Double] = (1...epochs).map { (epoch: Int) -> Double in
            let decay: Double = 0.5 * exp(-Double(epoch) / 70)
            return 0.03 + decay + 0.00002 * Double(epoch)
        }
        figures.append(GalleryFigure("lines.png", LinePlot(
            title: "Reconstruction loss", xLabel: "epoch", yLabel: "binary cross-entropy",
            series: [LineSeries(name: "train", y: train), LineSeries(name: "test", y: test)], logarithmicY: true)))
        let rho: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3]
        let klLoss: [Double] = [0.31, 0.27, 0.22, 0.2, 0.21, 0.24]
        let l1Loss: [Double] = [0.29, 0.26, 0.24, 0.23, 0.23, 0.25]
        var markers = LinePlot(title: "Sparsity", xLabel: "hidden unit activation target ρ", yLabel: "test loss",
                               series: [LineSeries(name: "KL penalty", x: rho, y: klLoss),
                                        LineSeries(name: "L1 penalty", x: rho, y: l1Loss)],
                               showsMarkers: true, referenceLines: [.vertical(0.05, label: "ρ = 0.05")])
        markers.yAxis.range = 0.15...0.35
        figures.append(GalleryFigure("lines-markers.png", markers))
        let sizes: [Double] = [1, 2, 4, 8, 16, 32]
        figures.append(GalleryFigure("lines-log-x.png", LinePlot(
            title: "Test error against code size", xLabel: "code size", yLabel: "squared error per pixel",
            series: [LineSeries(name: "autoencoder", x: sizes, y: sizes.map { 0.06 / (1 + $0 / 4) }),
                     LineSeries(name: "PCA", x: sizes, y: sizes.map { 0.065 / (1 + $0 / 6) }, dashed: true)],
            logarithmicX: true, showsMarkers: true, xTickValues: sizes)))

        var random3 = ExampleRandom(state: 3)
        let normal: [Double] = (0..<5000).map { _ in 0.02 + 0.006 * random3.normal() }
        let anomalous: [Double] = (0..<600).map { _ in 0.045 + 0.01 * random3.normal() }
        figures.append(GalleryFigure("histogram.png", Histogram(
            title: "Reconstruction error", xLabel: "mean squared error",
            series: [HistogramSeries(name: "normal (test)", values: normal), HistogramSeries(name: "anomalous", values: anomalous)],
            binCount: 50, density: true, referenceLines: [.vertical(0.035, label: "threshold")])))

        var ax: [Double] = [], ay: [Double] = [], adx: [Double] = [], ady: [Double] = []
        for i in 0..<21 {
            for j in 0..<21 {
                let x = -2 + 4 * Double(i) / 20, y = -2 + 4 * Double(j) / 20
                let radius = (x * x + y * y).squareRoot()
                let pull = 1 - radius   // towards the unit circle
                ax.append(x); ay.append(y)
                adx.append(radius > 0 ? pull * x / radius : 0); ady.append(radius > 0 ? pull * y / radius : 0)
            }
        }
        var ring = ExampleRandom(state: 5)
        let angles = (0..<400).map { _ in 2 * Double.pi * ring.next() }
        let ringX: [Double] = angles.map { cos($0) + 0.06 * ring.normal() }
        let ringY: [Double] = angles.map { sin($0) + 0.06 * ring.normal() }
        figures.append(GalleryFigure("vector-field.png", VectorField(
            title: "Denoising autoencoder: r(x) − x", xLabel: "x₁", yLabel: "x₂",
            x: ax, y: ay, dx: adx, dy: ady, pointX: ringX, pointY: ringY, classNames: ["training data"]), width: 700, height: 600))

        // A probe that calls a point "code" near the unit circle, where the ring's points lie.
        let mapAxis = (0...60).map { -2 + 4 * Double($0) / 60 }
        let ringProbability: [Double] = mapAxis.flatMap { y in
            mapAxis.map { x -> Double in
                let distance: Double = abs((x * x + y * y).squareRoot() - 1)
                return 1 / (1 + exp(8 * distance - 2))
            }
        }
        figures.append(GalleryFigure("probability-map.png", ProbabilityMap(
            title: "Where a probe calls a point \"code\"", xLabel: "z₁", yLabel: "z₂", gridX: mapAxis,
            gridY: mapAxis, probabilities: ringProbability, lowName: "probe: prior sample",
            highName: "probe: code", pointX: ringX, pointY: ringY, pointName: "code"), width: 700, height: 600))

        let plain = Examples.codes(count: 3000, seed: 11, spread: 0.35)
        let adversarial = Examples.codes(count: 3000, seed: 12, spread: 0.9)
        figures.append(GalleryFigure("small-multiples.png", SmallMultiples(title: "Codes of the test set", panels: [
            ScatterPlot(title: "plain AE", xLabel: "z₁", yLabel: "z₂", x: plain.x, y: plain.y,
                        classes: plain.labels, classNames: Examples.classNames),
            ScatterPlot(title: "adversarial AE", xLabel: "z₁", yLabel: "z₂", x: adversarial.x, y: adversarial.y,
                        classes: adversarial.labels, classNames: Examples.classNames),
        ]), width: 1000, height: 460))
        return figures
    }

    @Test func everyFigureKindRendersANonBlankPNGOfTheRequestedSize() throws {
        let directory = ProcessInfo.processInfo.environment["FIGURES_EXAMPLES_DIR"].map { URL(fileURLWithPath: $0) }
        let figures = Self.figures()
        #expect(Set(figures.map(\.name)).count == figures.count)
        for figure in figures {
            let data = try figure.draw()
            #expect(try figure.draw() == data, "\(figure.name): two renders differ")
            let image = try DecodedPNG(data: data, channels: 3, source: figure.name)
            #expect(figure.widths.contains(image.width) && image.height == figure.height,
                    "\(figure.name): \(image.width)×\(image.height), expected \(figure.widths)×\(figure.height)")
            // Data in the middle of the figure: pixels darker than grid lines (grey 228) away from the
            // titles, tick labels and legend. Axes and text alone leave this share near 0.
            #expect(image.share(x: 0.15...0.75, y: 0.1...0.85, below: 200) > 0.001, "\(figure.name) shows no data")
            if let directory {
                try data.write(to: directory.appendingPathComponent(figure.name))
            }
        }
    }
}
