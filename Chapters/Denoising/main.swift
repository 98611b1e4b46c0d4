// Chapter "denoising": denoising autoencoders. Corrupt the input, reconstruct the clean one.
//
// Follows Vincent, Larochelle, Bengio & Manzagol, "Extracting and composing robust features with
// denoising autoencoders" (ICML 2008) for the corruptions (additive Gaussian and masking noise),
// Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 14.5, for the vector-field picture
// (r(x) − x points back towards the data), and Alain & Bengio, "What regularized auto-encoders
// learn from the data-generating distribution" (JMLR 2014) for r(x) − x ≈ σ² ∇ log p(x).
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// MARK: Configuration

enum NoiseKind: String, ExpressibleByArgument, CaseIterable {
    case gaussian, masking
}

enum CurveKind: String, ExpressibleByArgument, CaseIterable {
    case circle, spiral
}

struct Options: ChapterOptions {
    static let summary = "Denoising autoencoders: corrupt the input, rebuild it."
    static let defaultEpochs = 5
    @OptionGroup var common: CommonOptions
    @Option(help: "Corruption the denoising autoencoder trains on: gaussian or masking.") var noise = NoiseKind.gaussian
    @Option(help: "Standard deviation of the additive Gaussian noise (pixels in [0, 1]).") var sigma = 0.5
    @Option(help: "Fraction of pixels set to 0 by masking noise, in (0, 1).") var maskFraction = 0.3
    @Option(help: "Dropout probability inside the dropout autoencoder's encoder, in (0, 1).") var dropout = 0.3
    @Option(help: "Code size of the 784-256-code-256-784 autoencoders.") var codeSize = 64
    @Option(help: "Curve the 2-D denoising autoencoder learns: circle or spiral.") var curve = CurveKind.circle
    @Option(help: "Half-width of the square grid for the 2-D vector field, [-extent, extent]².") var fieldExtent = 2.0
    func check() throws {
        try require(sigma > 0 && sigma <= 2, "--sigma must lie in (0, 2], got \(sigma)")
        try requireProbability(maskFraction, flag: "--mask-fraction")
        try requireProbability(dropout, flag: "--dropout")
        try require(codeSize >= 1, "--code-size must be at least 1, got \(codeSize)")
        try require(fieldExtent > 1.5 && fieldExtent <= 50, "--field-extent must lie in (1.5, 50], got \(fieldExtent)")
    }
}

// ANCHOR: corruption
/// A corruption q(x̃ | x): additive Gaussian noise clipped to [0, 1], x̃ = clip(x + σε, 0, 1), or
/// masking noise that sets each pixel to 0 with probability `level` (both in the engine's
/// Corruption.swift). The noise is data: it carries no gradient.
struct Corruption {
    var kind: NoiseKind
    var level: Float  // σ for Gaussian noise, the masked fraction for masking noise

    func callAsFunction(_ clean: Tensor<Float>, generator: SeededGenerator) -> Tensor<Float> {
        switch kind {
        case .gaussian: return gaussianCorruption(clean, standardDeviation: level, generator: generator)
        case .masking: return maskingCorruption(clean, fraction: Double(level), generator: generator)
        }
    }
}
// ANCHOR_END: corruption

// ANCHOR: model
/// Encoder 784-256-code (ReLU), decoder code-256-784 giving logits, as the engine's `Autoencoder`;
/// an optional Dropout layer after the encoder's hidden layer makes the dropout autoencoder.
func makeAutoencoder(codeSize: Int, dropout: Double? = nil, generator: SeededGenerator) -> Autoencoder {
    var layers: [any Layer<Float>] = [Linear(inputSize: 784, outputSize: 256, generator: generator), Activation.relu]
    if let dropout { layers.append(Dropout(probability: dropout, generator: generator)) }
    layers += [Linear(inputSize: 256, outputSize: codeSize, generator: generator), Activation.relu]
    return Autoencoder(encoder: Sequential(layers), decoder: .perceptron(sizes: [codeSize, 256, 784], generator: generator))
}
// ANCHOR_END: model

/// Reconstruction quality against the clean images: mean squared error per pixel over the whole
/// test set, and PSNR = 10 log10(1 / MSE) for pixel values in [0, 1].
struct Quality { var meanSquaredError: Double; var psnr: Double { 10 * log10(1 / meanSquaredError) } }

func quality(of images: Tensor<Float>, clean: Tensor<Float>) -> Quality {
    withoutGradients { Quality(meanSquaredError: Double(meanSquaredError(predicted: images, expected: clean).scalarValue)) }
}

runChapter("denoising", options: Options.self) { options, run in
    let (train, test, _) = try run.loadImages()
    let training = Corruption(kind: options.noise, level: Float(options.noise == .gaussian ? options.sigma : options.maskFraction))
    let other = Corruption(kind: options.noise == .gaussian ? .masking : .gaussian,
                           level: Float(options.noise == .gaussian ? options.maskFraction : options.sigma))
    run.log("training corruption: \(options.noise.rawValue) \(training.level); the other: \(other.kind.rawValue) \(other.level)")

    // MARK: Three autoencoders of the same shape
    // ANCHOR: training
    let plain = makeAutoencoder(codeSize: options.codeSize, generator: run.generator)
    let denoising = makeAutoencoder(codeSize: options.codeSize, generator: run.generator)
    let dropout = makeAutoencoder(codeSize: options.codeSize, dropout: options.dropout, generator: run.generator)
    let epochs = run.epochs()
    let cleanTest = test.matrix, noisyTest = training(cleanTest, generator: run.generator)

    /// One model's training: `corrupt` makes its input from the clean batch; the target is always
    /// the clean batch. Loss: sigmoid cross-entropy, mean over pixels and batch.
    func fit(_ name: String, _ model: Autoencoder, corrupt: @escaping (Tensor<Float>) -> Tensor<Float>) throws {
        var optimizer = Adam(parameters: model.parameters)
        try run.train(name, epochs: epochs, data: train, batchSize: 128) { batch in
            optimizer.zeroGradients()
            let loss = sigmoidCrossEntropy(logits: model(corrupt(batch.inputs)).logits, labels: batch.inputs)
            loss.backward()
            optimizer.step()
            return Double(loss.scalarValue)
        } afterEpoch: { _ in
            model.encoder.setTraining(false)
            defer { model.encoder.setTraining(true) }
            let loss = withoutGradients { sigmoidCrossEntropy(logits: model(noisyTest).logits, labels: cleanTest) }
            return ["noisy_test_loss": Double(loss.scalarValue)]
        }
        model.encoder.setTraining(false)
    }
    try fit("plain autoencoder", plain) { $0 }
    try fit("denoising autoencoder", denoising) { training($0, generator: run.generator) }
    try fit("dropout autoencoder", dropout) { $0 }
    // ANCHOR_END: training

    // MARK: Noisy test images through each model
    let models: [(key: String, label: String, model: Autoencoder)] =
        [("plain", "plain AE", plain), ("dae", "denoising AE", denoising), ("dropout", "dropout AE", dropout)]
    let inputQuality = quality(of: noisyTest, clean: cleanTest)
    run.record("noisy_mse", inputQuality.meanSquaredError)
    run.record("noisy_psnr", inputQuality.psnr)
    let cleanQuality = quality(of: withoutGradients { sigmoid(denoising(cleanTest).logits) }, clean: cleanTest)
    run.record("dae_clean_mse", cleanQuality.meanSquaredError)
    run.record("plain_clean_mse", quality(of: withoutGradients { sigmoid(plain(cleanTest).logits) }, clean: cleanTest).meanSquaredError)
    for (key, _, model) in models {
        let result = quality(of: withoutGradients { sigmoid(model(noisyTest).logits) }, clean: cleanTest)
        run.record("\(key)_mse", result.meanSquaredError)
        run.record("\(key)_psnr", result.psnr)
    }
    run.record("test_loss", Double(withoutGradients { sigmoidCrossEntropy(logits: denoising(noisyTest).logits, labels: cleanTest) }.scalarValue))
    run.record("plain_test_loss", Double(withoutGradients { sigmoidCrossEntropy(logits: plain(noisyTest).logits, labels: cleanTest) }.scalarValue))

    // Trained on one corruption, tested on the other.
    let otherTest = other(cleanTest, generator: run.generator)
    run.record("other_noisy_mse", quality(of: otherTest, clean: cleanTest).meanSquaredError)
    for (key, _, model) in models {
        run.record("other_\(key)_mse", quality(of: withoutGradients { sigmoid(model(otherTest).logits) }, clean: cleanTest).meanSquaredError)
    }
    run.record(text: "training_noise", options.noise == .gaussian ? "Gaussian noise, σ = \(options.sigma)" : "masking noise, fraction \(options.maskFraction)")
    run.record(text: "other_noise", other.kind == .gaussian ? "Gaussian noise, σ = \(other.level)" : "masking noise, fraction \(other.level)")

    // ANCHOR: reconstruction-figure
    let shown = (0..<10).map { label in test.labels.firstIndex(of: label) ?? label }
    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    grid.addRow(label: "clean", images: shown.map { cleanTest.rowArrays[$0] })
    grid.addRow(label: "noisy", images: shown.map { noisyTest.rowArrays[$0] })
    for (_, label, model) in models {
        let output = withoutGradients { sigmoid(model(noisyTest).logits) }.rowArrays
        grid.addRow(label: label, images: shown.map { output[$0] })
    }
    try grid.write(to: run.figure("noisy_reconstructions"))
    // ANCHOR_END: reconstruction-figure

    // MARK: Robustness: error against noise level
    let levels = (0...8).map { Float($0) / 10 }
    var curves = [String: [Double]]()
    for level in levels {
        let corrupted = level == 0 ? cleanTest : Corruption(kind: options.noise, level: level)(cleanTest, generator: run.generator)
        curves["noisy input", default: []].append(quality(of: corrupted, clean: cleanTest).meanSquaredError)
        for (_, label, model) in models {
            curves[label, default: []].append(quality(of: withoutGradients { sigmoid(model(corrupted).logits) }, clean: cleanTest).meanSquaredError)
        }
    }
    for (key, label, _) in models { run.record("\(key)_mse_at_0.8", curves[label]!.last!) }
    run.record("noisy_mse_at_0.8", curves["noisy input"]!.last!)
    let crossing = levels.indices.first { curves["denoising AE"]![$0] < curves["plain AE"]![$0] }
    run.record("dae_better_from_level", crossing.map { Double(levels[$0]) } ?? .nan)
    let levelName = options.noise == .gaussian ? "σ of Gaussian noise" : "fraction of pixels masked"
    try LinePlot(title: "Test error against noise level (\(options.noise.rawValue) noise)", xLabel: levelName,
                 yLabel: "MSE per pixel against the clean image",
                 series: ["noisy input", "plain AE", "denoising AE", "dropout AE"].map {
                     LineSeries(name: $0, x: levels.map { Double($0) }, y: curves[$0]!, dashed: $0 == "noisy input")
                 }, showsMarkers: true, legendPlacement: .upperLeft,
                 referenceLines: [.vertical(Double(training.level), label: "training level")])
        .write(to: run.figure("robustness"))

    try run.saveCheckpoint(denoising.namedParameters, name: "denoising_autoencoder",
                           architecture: "784-256-\(options.codeSize) ReLU encoder, \(options.codeSize)-256-784 decoder to logits")

    // MARK: The vector field of a 2-D denoising autoencoder
    // ANCHOR: circle
    /// A point of the curve at parameter t in [0, 1]: the unit circle, or a two-turn spiral.
    func curve(_ t: Float) -> [Float] {
        let angle = options.curve == .circle ? 2 * Float.pi * t : 4 * Float.pi * t
        let radius = options.curve == .circle ? 1 : 0.3 + 1.4 * t
        return [radius * cos(angle), radius * sin(angle)]
    }
    let pointCount = 2000, jitter: Float = 0.05, fieldSigma: Float = 0.2
    var curvePoints = [Float]()
    for _ in 0..<pointCount {
        let point = curve(Float(run.generator.nextUniform()))
        curvePoints += point.map { $0 + jitter * Float(run.generator.nextNormal()) }
    }
    let points = Examples(features: curvePoints, featureCount: 2, labels: Array(repeating: 0, count: pointCount))
    let field = Sequential<Float>.perceptron(sizes: [2, 64, 64, 2], activation: .tanh, generator: run.generator)
    var fieldOptimizer = Adam(parameters: field.parameters, learningRate: 3e-3)
    try run.train("2-D denoising autoencoder", epochs: run.scaled(full: 150, quick: 15), data: points, batchSize: 100) { batch in
        fieldOptimizer.zeroGradients()
        let noisy = batch.inputs + Tensor(randomNormal: batch.inputs.shape, standardDeviation: fieldSigma, generator: run.generator)
        let loss = meanSquaredError(predicted: field(noisy), expected: batch.inputs)  // mean over both coordinates and the batch
        loss.backward()
        fieldOptimizer.step()
        return Double(loss.scalarValue)
    }
    // ANCHOR_END: circle

    // ANCHOR: field
    let side = 20
    let extent = Float(options.fieldExtent)
    let ticks = (0..<side).map { -extent + 2 * extent * Float($0) / Float(side - 1) }
    let grid2D = ticks.flatMap { y in ticks.map { x in [x, y] } }
    let gridPoints = Tensor(shape: [grid2D.count, 2], scalars: grid2D.flatMap { $0 })
    let arrows = withoutGradients { field(gridPoints) - gridPoints }.rowArrays  // r(x) − x
    // ANCHOR_END: field
    // Drawn at true length (the tip is r(x)), but capped at 0.2 (one grid step) so the long far-away arrows do not hide the rest.
    let drawn = arrows.map { arrow in arrow.map { $0 * min(1, 0.2 / max(hypot(arrow[0], arrow[1]), 1e-12)) } }
    var chart = VectorField(title: "r(x) − x of a denoising autoencoder trained on a \(options.curve.rawValue)", xLabel: "x₁", yLabel: "x₂",
                    x: grid2D.map { $0[0] }, y: grid2D.map { $0[1] }, dx: drawn.map { $0[0] }, dy: drawn.map { $0[1] },
                    pointX: stride(from: 0, to: curvePoints.count, by: 2).map { curvePoints[$0] },
                    pointY: stride(from: 1, to: curvePoints.count, by: 2).map { curvePoints[$0] }, classNames: ["training points"])
    chart.arrowScale = 1
    try chart.write(to: run.figure("vector_field"), width: 700, height: 600)

    // How well do the arrows point at the curve? Cosine between r(x) − x and the direction to the
    // nearest point of the (noise-free) curve, near the data (distance < 0.3) and far from it
    // (> 0.8); and where the reconstruction r(x) lands: its distance from the curve.
    let reference = (0..<2000).map { curve(Float($0) / 1999) }
    func nearest(_ point: [Float]) -> (distance: Double, direction: [Double]) {
        let closest = reference.min { hypot($0[0] - point[0], $0[1] - point[1]) < hypot($1[0] - point[0], $1[1] - point[1]) }!
        let distance = Double(hypot(closest[0] - point[0], closest[1] - point[1]))
        return (distance, [Double(closest[0] - point[0]) / max(distance, 1e-12), Double(closest[1] - point[1]) / max(distance, 1e-12)])
    }
    var near = [Double](), far = [Double](), nearLanding = [Double](), farLanding = [Double](), farDistance = [Double]()
    for (point, arrow) in zip(grid2D, arrows) {
        let (distance, direction) = nearest(point)
        let length = Double(hypot(arrow[0], arrow[1]))
        let cosine = (Double(arrow[0]) * direction[0] + Double(arrow[1]) * direction[1]) / max(length, 1e-12)
        let landing = nearest([point[0] + arrow[0], point[1] + arrow[1]]).distance
        if distance < 0.3 { near.append(cosine); nearLanding.append(landing) }
        if distance > 0.8 { far.append(cosine); farLanding.append(landing); farDistance.append(distance) }
    }
    func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
    run.record("field_cosine_near", mean(near))
    run.record("field_cosine_far", mean(far))
    run.record("field_landing_near", mean(nearLanding))
    run.record("field_landing_far", mean(farLanding))
    run.record("field_far_distance", mean(farDistance))
    run.record("field_far_count", Double(far.count))
    run.record("field_near_count", Double(near.count))
}
