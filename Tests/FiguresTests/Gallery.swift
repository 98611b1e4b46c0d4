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

@Suite("Gallery (writes examples when FIGURES_EXAMPLES_DIR is set)")
struct Gallery {
    let directory: URL? = ProcessInfo.processInfo.environment["FIGURES_EXAMPLES_DIR"].map { URL(fileURLWithPath: $0) }

    @Test func examples() throws {
        guard let directory else { return }
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
        for (row, label) in ["original", "noisy", "reconstruction", "sample"].enumerated() {
            grid.addRow(label: label, images: (0..<10).map { Examples.image(seed: UInt64($0), noise: row == 1 ? 0.25 : 0) })
        }
        try grid.write(to: directory.appendingPathComponent("grid.png"))

        var features = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 1, padding: 1, paddingValue: 0.5,
                                 normalization: .perImageMinMax)
        features.addRows(images: (0..<400).map { Examples.image(seed: UInt64(1000 + $0), noise: 0.3) }, columns: 25)
        try features.write(to: directory.appendingPathComponent("features.png"))

        let codes = Examples.codes(count: 10_000, seed: 7)
        var prior = ExampleRandom(state: 99)
        let priorX = (0..<3000).map { _ in Float(2 * prior.normal()) }, priorY = (0..<3000).map { _ in Float(2 * prior.normal()) }
        let scatter = ScatterPlot(title: "Fashion-MNIST codes (test set)", xLabel: "z₁", yLabel: "z₂",
                                  x: codes.x, y: codes.y, classes: codes.labels, classNames: Examples.classNames,
                                  backgroundX: priorX, backgroundY: priorY, backgroundName: "prior samples")
        try scatter.write(to: directory.appendingPathComponent("scatter.png"))

        let epochs = 500
        let train: [Double] = (1...epochs).map { (epoch: Int) -> Double in 0.02 + 0.5 * exp(-Double(epoch) / 60) }
        let test: [Double] = (1...epochs).map { (epoch: Int) -> Double in
            let decay: Double = 0.5 * exp(-Double(epoch) / 70)
            return 0.03 + decay + 0.00002 * Double(epoch)
        }
        let lines = LinePlot(title: "Reconstruction loss", xLabel: "epoch", yLabel: "binary cross-entropy",
                             series: [LineSeries(name: "train", y: train), LineSeries(name: "test", y: test)],
                             logarithmicY: true)
        try lines.write(to: directory.appendingPathComponent("lines.png"))
        let rho: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3]
        let klLoss: [Double] = [0.31, 0.27, 0.22, 0.2, 0.21, 0.24]
        let l1Loss: [Double] = [0.29, 0.26, 0.24, 0.23, 0.23, 0.25]
        var markers = LinePlot(title: "Sparsity", xLabel: "hidden unit activation target ρ", yLabel: "test loss",
                               series: [LineSeries(name: "KL penalty", x: rho, y: klLoss),
                                        LineSeries(name: "L1 penalty", x: rho, y: l1Loss)],
                               showsMarkers: true, referenceLines: [.vertical(0.05, label: "ρ = 0.05")])
        markers.yRange = 0.15...0.35
        try markers.write(to: directory.appendingPathComponent("lines-markers.png"))

        var random = ExampleRandom(state: 3)
        let normal: [Double] = (0..<5000).map { _ in 0.02 + 0.006 * random.normal() }
        let anomalous: [Double] = (0..<600).map { _ in 0.045 + 0.01 * random.normal() }
        let histogram = Histogram(title: "Reconstruction error", xLabel: "mean squared error",
                                  series: [HistogramSeries(name: "normal (test)", values: normal),
                                           HistogramSeries(name: "anomalous", values: anomalous)],
                                  binCount: 50, density: true, referenceLines: [.vertical(0.035, label: "threshold")])
        try histogram.write(to: directory.appendingPathComponent("histogram.png"))

        let p10a: [Double] = [0.42, 0.61, 0.38], p10b: [Double] = [0.55, 0.70, 0.47], p10c: [Double] = [0.63, 0.74, 0.52]
        let bars = BarChart(title: "Retrieval quality", xLabel: "corpus", yLabel: "precision@10",
                            categories: ["Fashion-MNIST", "WordNet", "20 Newsgroups"],
                            series: [BarSeries(name: "PCA", values: p10a),
                                     BarSeries(name: "autoencoder", values: p10b),
                                     BarSeries(name: "semantic hashing", values: p10c)],
                            showsValues: true)
        try bars.write(to: directory.appendingPathComponent("bars.png"))

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
        let field = VectorField(title: "Denoising autoencoder: r(x) − x", xLabel: "x₁", yLabel: "x₂",
                                x: ax, y: ay, dx: adx, dy: ady, pointX: ringX, pointY: ringY, classNames: ["training data"])
        try field.write(to: directory.appendingPathComponent("vector-field.png"), width: 700, height: 600)

        var confusion: [[Double]] = []
        for row in 0..<10 {
            confusion.append((0..<10).map { column in row == column ? Double(700 + row * 25) : Double((row * 7 + column * 3) % 40) })
        }
        let matrix = HeatMap(title: "Confusion matrix (k-NN on codes)", xLabel: "predicted", yLabel: "true class",
                             values: confusion, rowLabels: Examples.classNames, columnLabels: Examples.classNames,
                             colorMap: .blues, colorBarLabel: "count")
        try matrix.write(to: directory.appendingPathComponent("heatmap-matrix.png"))
        let density: [[Double]] = (0..<20).map { row in
            (0..<20).map { column in
                let x = -3 + 6 * (Double(column) + 0.5) / 20, y = -3 + 6 * (Double(row) + 0.5) / 20
                return exp(-(x * x + y * y) / 2) - 0.5 * exp(-((x - 1.5) * (x - 1.5) + (y - 1) * (y - 1)))
            }
        }
        let grid20 = HeatMap(title: "Discriminator output over the code plane", xLabel: "z₁", yLabel: "z₂",
                             values: density, colorMap: .diverging, colorBarLabel: "D(z) − 0.5",
                             xExtent: -3...3, yExtent: -3...3)
        try grid20.write(to: directory.appendingPathComponent("heatmap-grid.png"))

        let plain = Examples.codes(count: 3000, seed: 11, spread: 0.35)
        let adversarial = Examples.codes(count: 3000, seed: 12, spread: 0.9)
        let row = SmallMultiples(title: "Codes of the test set", panels: [
            ScatterPlot(title: "plain AE", xLabel: "z₁", yLabel: "z₂", x: plain.x, y: plain.y, classes: plain.labels, classNames: Examples.classNames),
            ScatterPlot(title: "adversarial AE", xLabel: "z₁", yLabel: "z₂", x: adversarial.x, y: adversarial.y, classes: adversarial.labels, classNames: Examples.classNames),
        ])
        try row.write(to: directory.appendingPathComponent("small-multiples.png"), width: 1000, height: 460)
    }
}
