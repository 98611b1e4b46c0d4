// Chapter "denoising": denoising autoencoders. Corrupt the input, reconstruct the clean one.
//
// Follows Vincent, Larochelle, Bengio & Manzagol, "Extracting and composing robust features with
// denoising autoencoders" (ICML 2008) for the corruptions (additive Gaussian and masking noise),
// Goodfellow, Bengio & Courville, "Deep Learning" (2016), §14.5, for the vector-field picture
// (r(x) − x points back towards the data), Alain & Bengio, "What regularized auto-encoders learn
// from the data-generating distribution" (JMLR 2014) for r(x) − x ≈ σ² ∇ log p(x), and Srivastava
// et al., "Dropout" (JMLR 2014) for dropout as a remedy for overfitting.
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// MARK: Configuration

extension NoiseKind: ExpressibleByArgument {}
extension PlaneCurve: ExpressibleByArgument {}

struct Options: ChapterOptions {
    static let summary = "Denoising autoencoders: corrupt the input, rebuild it."
    static let defaultEpochs = 5
    @OptionGroup var common: CommonOptions
    @Option(help: "Corruption the denoising autoencoder trains on: gaussian or masking.")
    var noise = NoiseKind.gaussian
    @Option(help: "Standard deviation of the Gaussian noise (pixels in [0, 1]).") var sigma = 0.5
    @Option(help: "Fraction of pixels set to 0 by masking noise, in (0, 1).") var maskFraction = 0.3
    @Option(help: "Dropout probability inside the dropout autoencoder's encoder, in (0, 1).")
    var dropout = 0.3
    @Option(help: "Code size of the 784-256-code-256-784 autoencoders.") var codeSize = 64
    @Option(help: "Training images of the overfitting experiment.") var subsetSize = 2000
    @Option(help: "Epochs of the overfitting experiment (3 with --quick).") var subsetEpochs = 150
    @Option(help: "Curve the 2-D denoising autoencoder learns: circle or spiral.")
    var curve = PlaneCurve.circle
    @Option(help: "Half-width of the square grid for the 2-D vector field, [-extent, extent]².")
    var fieldExtent = 2.0
    func check() throws {
        try require(sigma > 0 && sigma <= 2, "--sigma must lie in (0, 2], got \(sigma)")
        try requireProbability(maskFraction, flag: "--mask-fraction")
        try requireProbability(dropout, flag: "--dropout")
        try requireAtLeast(1, codeSize, flag: "--code-size")
        try requireAtLeast(10, subsetSize, flag: "--subset-size")
        try requireAtLeast(1, subsetEpochs, flag: "--subset-epochs")
        try require(fieldExtent > 1.5 && fieldExtent <= 50,
                    "--field-extent must lie in (1.5, 50], got \(fieldExtent)")
    }
}

// ANCHOR: model
/// Encoder 784-256-code (ReLU), decoder code-256-784 giving logits, as the engine's `Autoencoder`;
/// an optional Dropout layer after the encoder's hidden layer makes the dropout autoencoder.
func makeAutoencoder(codeSize: Int, dropout: Double? = nil,
                     generator: SeededGenerator) -> Autoencoder {
    var layers: [any Layer<Float>] = [Linear(inputSize: 784, outputSize: 256, generator: generator),
                                      Activation.relu]
    if let dropout { layers.append(Dropout(probability: dropout, generator: generator)) }
    layers += [Linear(inputSize: 256, outputSize: codeSize, generator: generator), Activation.relu]
    return Autoencoder(encoder: Sequential(layers),
                       decoder: .perceptron(sizes: [codeSize, 256, 784], generator: generator))
}
// ANCHOR_END: model

/// The model's output images σ(logits) for a batch of (possibly corrupted) images.
func images(_ model: Autoencoder, _ input: Tensor<Float>) -> Tensor<Float> {
    withoutGradients { sigmoid(model(input).logits) }
}

/// The chapter's error: mean squared error per pixel against the clean images, over a whole set.
func pixelMSE(_ images: Tensor<Float>, _ clean: Tensor<Float>) -> Double {
    Double(withoutGradients { meanSquaredError(predicted: images, expected: clean) }.scalarValue)
}

// ANCHOR: training
/// Trains one model with Adam: `corrupt` makes its input from the clean batch; the target is
/// always the clean batch. Loss: sigmoid cross-entropy, mean over pixels and batch. `measure` runs
/// after each epoch in evaluation mode (dropout off); the model is left in evaluation mode.
@discardableResult
func fit(_ name: String, _ model: Autoencoder, data: Examples, epochs: Int, run: ChapterRun,
         batchSize: Int = 128, shuffling: SeededGenerator? = nil,
         corrupt: @escaping (Tensor<Float>) -> Tensor<Float> = { $0 },
         measure: @escaping (_ epoch: Int) -> [String: Double]) throws -> TrainingHistory {
    var optimizer = Adam(parameters: model.parameters)
    let history = try run.train(name, epochs: epochs, data: data, batchSize: batchSize,
                                shuffling: shuffling) { batch in
        optimizer.minimize {
            sigmoidCrossEntropy(logits: model(corrupt(batch.inputs)).logits, labels: batch.inputs)
        }
    } afterEpoch: { epoch in
        model.setTraining(false)
        defer { model.setTraining(true) }
        return measure(epoch)
    }
    model.setTraining(false)
    return history
}
// ANCHOR_END: training

// MARK: The 2-D denoising autoencoder

// ANCHOR: circle
/// 2 000 points near the curve (each coordinate jittered by N(0, 0.05²)), and a 2-64-64-2 tanh
/// network trained to return each point from a copy corrupted by N(0, 0.2² I).
func trainVectorField(_ curve: PlaneCurve,
                      run: ChapterRun) throws -> (field: Sequential<Float>, points: [Float]) {
    let pointCount = 2000, jitter: Float = 0.05, fieldSigma: Float = 0.2
    var curvePoints = [Float]()
    for _ in 0..<pointCount {
        let point = curve.point(at: Float(run.generator.nextUniform()))
        curvePoints += point.map { $0 + jitter * Float(run.generator.nextNormal()) }
    }
    let points = Examples(features: curvePoints, featureCount: 2,
                          labels: Array(repeating: 0, count: pointCount))
    let field = Sequential<Float>.perceptron(sizes: [2, 64, 64, 2], activation: .tanh,
                                             generator: run.generator)
    var optimizer = Adam(parameters: field.parameters, learningRate: 3e-3)
    try run.train("2-D denoising autoencoder", epochs: run.scaled(full: 150, quick: 15),
                  data: points, batchSize: 100) { batch in
        let noisy = batch.inputs + Tensor(randomNormal: batch.inputs.shape,
                                          standardDeviation: fieldSigma, generator: run.generator)
        // Squared error, mean over both coordinates and the batch.
        return optimizer.minimize {
            meanSquaredError(predicted: field(noisy), expected: batch.inputs)
        }
    }
    return (field, curvePoints)
}
// ANCHOR_END: circle

// MARK: The chapter

runChapter("denoising", options: Options.self) { options, run in
    let (train, test, _) = try run.loadImages()
    let gaussian = options.noise == .gaussian
    let training = Corruption(kind: options.noise,
                              level: Float(gaussian ? options.sigma : options.maskFraction))
    let other = Corruption(kind: gaussian ? .masking : .gaussian,
                           level: Float(gaussian ? options.maskFraction : options.sigma))
    run.record(text: "training_noise", training.name)
    run.record(text: "other_noise", other.name)

    // MARK: Three autoencoders of the same shape
    // ANCHOR: three-models
    let plain = makeAutoencoder(codeSize: options.codeSize, generator: run.generator)
    let denoising = makeAutoencoder(codeSize: options.codeSize, generator: run.generator)
    let dropout = makeAutoencoder(codeSize: options.codeSize, dropout: options.dropout,
                                  generator: run.generator)
    let cleanTest = test.matrix, noisyTest = training(cleanTest, generator: run.generator)
    let epochs = run.epochs()
    /// The loss on the noisy test images against the clean ones, logged after every epoch.
    func noisyTestLoss(_ model: Autoencoder) -> Double {
        let logits = withoutGradients { model(noisyTest).logits }
        return Double(sigmoidCrossEntropy(logits: logits, labels: cleanTest).scalarValue)
    }
    try fit("plain autoencoder", plain, data: train, epochs: epochs, run: run) { _ in
        ["noisy_test_loss": noisyTestLoss(plain)]
    }
    try fit("denoising autoencoder", denoising, data: train, epochs: epochs, run: run,
            corrupt: { training($0, generator: run.generator) }) { _ in
        ["noisy_test_loss": noisyTestLoss(denoising)]
    }
    try fit("dropout autoencoder", dropout, data: train, epochs: epochs, run: run) { _ in
        ["noisy_test_loss": noisyTestLoss(dropout)]
    }
    // ANCHOR_END: three-models
    try run.saveCheckpoint(denoising.namedParameters, name: "denoising_autoencoder", architecture:
        "784-256-\(options.codeSize) ReLU encoder, \(options.codeSize)-256-784 decoder to logits")

    // MARK: Noisy test images through each model
    let models = [("plain", "plain AE", plain), ("dae", "denoising AE", denoising),
                  ("dropout", "dropout AE", dropout)]
    let inputError = pixelMSE(noisyTest, cleanTest)
    run.record("noisy_mse", inputError)
    run.record("noisy_psnr", peakSignalToNoiseRatio(meanSquaredError: inputError))
    run.record("dae_clean_mse", pixelMSE(images(denoising, cleanTest), cleanTest))
    run.record("plain_clean_mse", pixelMSE(images(plain, cleanTest), cleanTest))
    let otherTest = other(cleanTest, generator: run.generator)  // the corruption not trained on
    run.record("other_noisy_mse", pixelMSE(otherTest, cleanTest))
    for (key, _, model) in models {
        let error = pixelMSE(images(model, noisyTest), cleanTest)
        run.record("\(key)_mse", error)
        run.record("\(key)_psnr", peakSignalToNoiseRatio(meanSquaredError: error))
        run.record("other_\(key)_mse", pixelMSE(images(model, otherTest), cleanTest))
        run.record(key == "dae" ? "test_loss" : "\(key)_test_loss", noisyTestLoss(model))
    }

    // ANCHOR: reconstruction-figure
    let shown = (0..<10).map { label in test.labels.firstIndex(of: label) ?? label }
    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    grid.addRow(label: "clean", images: shown.map { cleanTest.rowArrays[$0] })
    grid.addRow(label: "noisy", images: shown.map { noisyTest.rowArrays[$0] })
    for (_, label, model) in models {
        let output = images(model, noisyTest).rowArrays
        grid.addRow(label: label, images: shown.map { output[$0] })
    }
    try grid.write(to: run.figure("noisy_reconstructions"))
    // ANCHOR_END: reconstruction-figure

    // MARK: Robustness: error against noise level
    let levels = (0...8).map { Float($0) / 10 }
    var curves = [String: [Double]]()
    for level in levels {
        let corrupted = level == 0 ? cleanTest
            : Corruption(kind: options.noise, level: level)(cleanTest, generator: run.generator)
        curves["noisy input", default: []].append(pixelMSE(corrupted, cleanTest))
        for (_, label, model) in models {
            curves[label, default: []].append(pixelMSE(images(model, corrupted), cleanTest))
        }
    }
    for (key, label, _) in models { run.record("\(key)_mse_at_0.8", curves[label]!.last!) }
    run.record("noisy_mse_at_0.8", curves["noisy input"]!.last!)
    let crossing = levels.indices.first { curves["denoising AE"]![$0] < curves["plain AE"]![$0] }
    run.record("dae_better_from_level", crossing.map { Double(levels[$0]) } ?? .nan)
    try LinePlot(title: "Test error against noise level (\(options.noise.rawValue) noise)",
                 xLabel: gaussian ? "σ of Gaussian noise" : "fraction of pixels masked",
                 yLabel: "MSE per pixel against the clean image",
                 series: ["noisy input", "plain AE", "denoising AE", "dropout AE"].map {
                     LineSeries(name: $0, x: levels.map { Double($0) }, y: curves[$0]!,
                                dashed: $0 == "noisy input")
                 }, showsMarkers: true, legendPlacement: .upperLeft,
                 referenceLines: [.vertical(Double(training.level), label: "training level")])
        .write(to: run.figure("robustness"))

    // MARK: Dropout against overfitting
    // ANCHOR: overfitting
    let subset = train.prefix(options.subsetSize), rates = [0, 0.1, 0.3, 0.5]
    let subsetEpochs = run.isQuick ? min(3, options.subsetEpochs) : options.subsetEpochs
    let interval = max(1, subsetEpochs / 15)  // measure about 15 times
    let weightSeed = run.generator.next(), orderSeed = run.generator.next()
    let histories = try rates.map { rate in
        // Fresh generators with shared seeds: every rate starts from the same weights and sees the
        // same batches in the same order.
        let model = makeAutoencoder(codeSize: options.codeSize, dropout: rate,
                                    generator: SeededGenerator(seed: weightSeed))
        let order = SeededGenerator(seed: orderSeed)
        return try fit("dropout p = \(rate), \(subset.count) images", model, data: subset,
                       epochs: subsetEpochs, run: run, batchSize: 32, shuffling: order) { epoch in
            guard epoch % interval == 0 || epoch == subsetEpochs else { return [:] }
            func error(_ examples: Examples) -> Double {  // MSE per pixel of σ(logits)
                meanReconstructionLoss(examples, loss: {
                    meanSquaredError(predicted: sigmoid($0), expected: $1)
                }) { model($0).logits }
            }
            return ["train_mse": error(subset), "test_mse": error(test)]
        }
    }
    // ANCHOR_END: overfitting
    run.record("subset_size", Double(subset.count))
    run.record("subset_epochs", Double(subsetEpochs))
    var overfitting: [LineSeries] = []
    for (index, (rate, history)) in zip(rates, histories).enumerated() {
        let measured = history.epochs.indices.filter { history.epochs[$0]["test_mse"] != nil }
        let trainError = measured.map { history.epochs[$0]["train_mse"]! }
        let testError = measured.map { history.epochs[$0]["test_mse"]! }
        let best = testError.indices.min { testError[$0] < testError[$1] }!
        for (key, value) in [("train_mse", trainError.last!), ("test_mse", testError.last!),
                             ("gap", testError.last! - trainError.last!),
                             ("best_test_mse", testError[best]),
                             ("best_epoch", Double(measured[best] + 1))] {
            run.record("subset_\(key)_\(rate)", value)
        }
        let epochs = measured.map { Double($0 + 1) }, color = Palette.color(at: index)
        overfitting += [
            LineSeries(name: "p = \(rate), test", x: epochs, y: testError, color: color),
            LineSeries(name: "p = \(rate), train", x: epochs, y: trainError, color: color,
                       dashed: true),
        ]
    }
    try LinePlot(title: "Dropout against overfitting: \(subset.count) training images",
                 xLabel: "epoch", yLabel: "MSE per pixel (dropout off)", series: overfitting,
                 legendPlacement: .upperRight)
        .write(to: run.figure("overfitting"), width: 900, height: 560)

    // MARK: The vector field of a 2-D denoising autoencoder
    let (field, curvePoints) = try trainVectorField(options.curve, run: run)
    // ANCHOR: field
    let grid2D = squareGrid(side: 20, extent: Float(options.fieldExtent))
    let gridPoints = Tensor(shape: [grid2D.count, 2], scalars: grid2D.flatMap { $0 })
    let arrows = withoutGradients { field(gridPoints) - gridPoints }.rowArrays  // r(x) − x
    // ANCHOR_END: field
    // How well the arrows point at the noise-free curve, near it (< 0.3) and far from it (> 0.8).
    let agreement = arrowAgreement(points: grid2D, arrows: arrows,
                                   curve: options.curve.samples(count: 2000))
    for (name, part) in [("near", agreement.filter { $0.distance < 0.3 }),
                         ("far", agreement.filter { $0.distance > 0.8 })] {
        let mean = ArrowAgreement.mean(of: part)
        run.record("field_cosine_\(name)", mean.cosine)
        run.record("field_landing_\(name)", mean.tipDistance)
        run.record("field_\(name)_distance", mean.distance)
        run.record("field_\(name)_count", Double(part.count))
    }
    // Drawn at true length (the tip is r(x)), but capped at 0.2 (one grid step) so the long
    // far-away arrows do not hide the rest.
    let drawn = arrows.map { arrow in
        arrow.map { $0 * min(1, 0.2 / max(hypot(arrow[0], arrow[1]), 1e-12)) }
    }
    var chart = VectorField(
        title: "r(x) − x of a denoising autoencoder trained on a \(options.curve.rawValue)",
        xLabel: "x₁", yLabel: "x₂", x: grid2D.map { $0[0] }, y: grid2D.map { $0[1] },
        dx: drawn.map { $0[0] }, dy: drawn.map { $0[1] },
        pointX: stride(from: 0, to: curvePoints.count, by: 2).map { curvePoints[$0] },
        pointY: stride(from: 1, to: curvePoints.count, by: 2).map { curvePoints[$0] },
        classNames: ["training points"])
    chart.arrowScale = 1
    try chart.write(to: run.figure("vector_field"), width: 700, height: 600)
}
