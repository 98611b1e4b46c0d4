// Chapter 1: the basic (undercomplete) autoencoder.
//
// Follows the opening of Goodfellow, Bengio & Courville, "Deep Learning" (2016), §14.1 (undercomplete
// autoencoders, the linear case spanning the principal subspace) and the deep fully connected
// autoencoder of F. Chollet, "Building Autoencoders in Keras" (2016); the linear-autoencoder / PCA
// result is Baldi & Hornik (1989). Experiments: the main model and its training, a code-size sweep
// against PCA, a linear autoencoder against PCA-8 (principal angles), a 2-D code map, retrieval by
// code distance, and anomaly detection by reconstruction error.
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// ANCHOR: options
struct Options: ChapterOptions {
    static let summary = "A basic autoencoder; code size, PCA, retrieval, anomalies."
    static let defaultEpochs = 20
    @OptionGroup var common: CommonOptions
    @Option(help: "Code size of the main model.") var codeSize = 20
    @Option(help: "Reconstruction loss of the main model: bce or mse.") var loss = "bce"
    @Flag(help: "Remove the ReLUs of the main model (a deep linear autoencoder).") var withoutActivations = false
    @Option(help: "Class left out of training for the anomaly experiment (0-9).") var heldOutClass = 8
    func check() throws {
        try require(codeSize >= 1 && codeSize <= 784, "--code-size must be between 1 and 784, got \(codeSize)")
        try require(loss == "bce" || loss == "mse", "--loss must be bce or mse, got \(loss)")
        try requireInRange(heldOutClass, 0...9, flag: "--held-out-class")
    }
}
// ANCHOR_END: options

// ANCHOR: model
/// Encoder 784-256-128-64-code and its mirror image, the decoder, ending in 784 logits (σ gives
/// pixels); ReLU between layers, none on the code. Without activations it is a deep linear autoencoder.
/// The engine's `Autoencoder` returns an `AutoencoderOutput` with the `code` and the `logits`.
func makeAutoencoder(hiddenSizes: [Int] = [256, 128, 64], codeSize: Int, activations: Bool = true,
                     generator: SeededGenerator) -> Autoencoder {
    let sizes = [784] + hiddenSizes + [codeSize]
    if activations { return Autoencoder(sizes: sizes, activation: .relu, generator: generator) }
    func linearStack(_ sizes: [Int]) -> Sequential<Float> {
        Sequential(zip(sizes, sizes.dropFirst()).map { Linear(inputSize: $0, outputSize: $1, generator: generator) })
    }
    return Autoencoder(encoder: linearStack(sizes), decoder: linearStack(sizes.reversed()))
}

/// Reconstruction loss of a batch, mean per pixel: BCE on the logits, or squared error of σ(logits).
func reconstructionLoss(_ output: AutoencoderOutput, _ input: Tensor<Float>, kind: String = "bce") -> Tensor<Float> {
    kind == "bce" ? sigmoidCrossEntropy(logits: output.logits, labels: input)
        : meanSquaredError(predicted: sigmoid(output.logits), expected: input)
}
// ANCHOR_END: model

/// Squared error per pixel of σ(logits), averaged over every pixel of `data` (comparable with PCA).
func pixelMSE(_ model: Autoencoder, _ data: Examples) -> Double {
    averageOverBatches(data) { Double(meanSquaredError(predicted: sigmoid(model($0.inputs).logits), expected: $0.inputs).scalarValue) }
}

/// PCA reconstruction error (squared error per pixel) with the first `k` components.
func pcaMSE(_ pca: PrincipalComponentAnalysis, components k: Int, _ data: Tensor<Float>) -> Double {
    withoutGradients {
        let basis = pca.components.rows(0..<k)
        let reconstruction = matmul(matmul(data - pca.mean, basis, transposeB: true), basis) + pca.mean
        return Double(meanSquaredError(predicted: reconstruction, expected: data).scalarValue)
    }
}

runChapter("basic", options: Options.self) { options, run in
    let (train, test, classNames) = try run.loadImages()
    let testMatrix = test.matrix
    let shown = (0..<10).compactMap { label in test.labels.firstIndex(of: label) }   // one test image per class

    // ANCHOR: train
    let model = makeAutoencoder(codeSize: options.codeSize, activations: !options.withoutActivations, generator: run.generator)
    var optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
    let epochs = run.epochs()
    var snapshots: [(epoch: Int, images: [[Float]])] = []
    let history = try run.train("autoencoder", epochs: epochs, data: train, batchSize: 512) { batch in
        optimizer.zeroGradients()
        let loss = reconstructionLoss(model(batch.inputs), batch.inputs, kind: options.loss)
        loss.backward()
        optimizer.step()
        return Double(loss.scalarValue)
    } afterEpoch: { epoch in
        if [1, 5, epochs].contains(epoch) {
            snapshots.append((epoch, withoutGradients { sigmoid(model(test.batch(shown)).logits) }.rowArrays))
        }
        return ["test_loss": averageOverBatches(test) { Double(reconstructionLoss(model($0.inputs), $0.inputs).scalarValue) }]
    }
    // ANCHOR_END: train
    let testLoss = history.series("test_loss").last!
    run.record("test_loss", testLoss)
    run.record("train_loss_last_epoch", history.series("loss").last!)
    run.record("test_mse", pixelMSE(model, test))
    try run.saveCheckpoint(model.namedParameters, name: "autoencoder",
                           architecture: "784-256-128-64-\(options.codeSize) \(options.withoutActivations ? "linear" : "ReLU") encoder, mirrored decoder to logits")

    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, labelFontSize: 16)
    grid.addRow(label: "test images", images: shown.map { test.row($0) })
    for snapshot in snapshots { grid.addRow(label: "epoch \(snapshot.epoch)", images: snapshot.images) }
    try grid.write(to: run.figure("reconstructions"))
    let epochAxis = (1...epochs).map(Double.init)
    try LinePlot(title: "Reconstruction loss (BCE per pixel)", xLabel: "epoch", yLabel: "BCE per pixel", series: [
        LineSeries(name: "train (mean over the epoch's batches)", x: epochAxis, y: history.series("loss")),
        LineSeries(name: "test (after the epoch)", x: epochAxis, y: history.series("test_loss")),
    ], showsMarkers: true).write(to: run.figure("loss_curves"))

    // ANCHOR: sweep
    // Secondary models: the same architecture, fewer epochs, on a subset of the training set.
    let subset = train.prefix(run.scaled(full: 12000, quick: 1000))
    let shortEpochs = run.scaled(full: 5, quick: 1)
    let pca = try PrincipalComponentAnalysis(fitting: subset.matrix, componentCount: max(32, options.codeSize))
    let codeSizes = [1, 2, 4, 8, 16, 32]
    var sweepModels: [Int: Autoencoder] = [:]
    var autoencoderErrors: [Double] = [], pcaErrors: [Double] = []
    for size in codeSizes {
        let candidate = makeAutoencoder(codeSize: size, generator: run.generator)
        var candidateOptimizer = Adam(parameters: candidate.parameters, learningRate: 1e-3)
        try run.train("code size \(size)", epochs: shortEpochs, data: subset, batchSize: 128) { batch in
            candidateOptimizer.zeroGradients()
            let loss = reconstructionLoss(candidate(batch.inputs), batch.inputs)
            loss.backward()
            candidateOptimizer.step()
            return Double(loss.scalarValue)
        }
        sweepModels[size] = candidate
        autoencoderErrors.append(pixelMSE(candidate, test))
        pcaErrors.append(pcaMSE(pca, components: size, testMatrix))
        run.record("sweep_autoencoder_mse_\(size)", autoencoderErrors.last!)
        run.record("sweep_pca_mse_\(size)", pcaErrors.last!)
    }
    // ANCHOR_END: sweep
    run.record("pca_test_mse", pcaMSE(pca, components: options.codeSize, testMatrix))
    let logSizes = codeSizes.map { log2(Double($0)) }
    try LinePlot(title: "Test reconstruction error against code size", xLabel: "log2(code size): 0 = 1 … 5 = 32",
                 yLabel: "squared error per pixel", series: [
                     LineSeries(name: "autoencoder (ReLU, \(shortEpochs) epochs)", x: logSizes, y: autoencoderErrors),
                     LineSeries(name: "PCA, same number of components", x: logSizes, y: pcaErrors, dashed: true),
                 ], showsMarkers: true).write(to: run.figure("code_size_sweep"))

    // ANCHOR: linear
    // A linear autoencoder (no activations) trained with squared error spans PCA's principal subspace.
    let linearEncoder = Linear<Float>(inputSize: 784, outputSize: 8, generator: run.generator)
    let linearDecoder = Linear<Float>(inputSize: 8, outputSize: 784, generator: run.generator)
    var linearOptimizer = Adam(parameters: linearEncoder.parameters + linearDecoder.parameters, learningRate: 3e-3)
    try run.train("linear 8", epochs: run.scaled(full: 30, quick: 2), data: subset, batchSize: 128) { batch in
        linearOptimizer.zeroGradients()
        let loss = meanSquaredError(predicted: linearDecoder(linearEncoder(batch.inputs)), expected: batch.inputs)
        loss.backward()
        linearOptimizer.step()
        return Double(loss.scalarValue)
    }
    // Principal angles: orthonormal bases Q₁ (decoder columns, via SVD) and Q₂ (PCA-8), θᵢ = arccos σᵢ(Q₁ᵀQ₂).
    let decoderBasis = try singularValueDecomposition(linearDecoder.weight).u          // [784, 8]
    let overlap = matmul(decoderBasis, pca.components.rows(0..<8), transposeA: true, transposeB: true)
    let angles = try singularValueDecomposition(overlap).singularValues.map { acos(Double(Swift.min($0, 1))) * 180 / .pi }
    // ANCHOR_END: linear
    run.record("linear_angle_max_degrees", angles.max()!)
    run.record("linear_angle_mean_degrees", angles.reduce(0, +) / Double(angles.count))
    run.record(text: "linear_angles", angles.sorted().map { String(format: "%.2f°", $0) }.joined(separator: "  "))
    run.record("linear_test_mse", withoutGradients {
        Double(meanSquaredError(predicted: linearDecoder(linearEncoder(testMatrix)), expected: testMatrix).scalarValue)
    })

    // 2-D code map from the sweep's 2-unit model.
    let map = mapOverBatches(test) { sweepModels[2]!($0).code }
    try ScatterPlot(title: "Test set in a 2-D code", xLabel: "code unit 1", yLabel: "code unit 2",
                    x: (0..<map.rowCount).map { map[$0, 0] }, y: (0..<map.rowCount).map { map[$0, 1] },
                    classes: test.labels, classNames: classNames).write(to: run.figure("code_map_2d"), width: 900, height: 650)

    // ANCHOR: retrieval
    // Queries: the first test images; database: the whole training set. Same-class share of the 10 nearest.
    let queries = test.prefix(run.scaled(full: 1000, quick: 100))
    let trainMatrix = train.matrix
    func precisionAt10(_ queryPoints: Tensor<Float>, _ databasePoints: Tensor<Float>) -> Double {
        let neighbours = nearestNeighbours(of: queryPoints, in: databasePoints, count: 10)
        return precisionAtK(neighbours: neighbours, queryLabels: queries.labels, databaseLabels: train.labels, k: 10)
    }
    let trainCodes = mapOverBatches(train) { model($0).code }, queryCodes = mapOverBatches(queries) { model($0).code }
    let pcaBasis = pca.components.rows(0..<options.codeSize)
    func pcaCodes(_ data: Tensor<Float>) -> Tensor<Float> { withoutGradients { matmul(data - pca.mean, pcaBasis, transposeB: true) } }
    run.record("precision_at_10_codes", precisionAt10(queryCodes, trainCodes))
    run.record("precision_at_10_pixels", precisionAt10(queries.matrix, trainMatrix))
    run.record("precision_at_10_pca", precisionAt10(pcaCodes(queries.matrix), pcaCodes(trainMatrix)))
    // ANCHOR_END: retrieval
    run.record("retrieval_queries", Double(queries.count))
    run.record("retrieval_database", Double(train.count))
    let examples = [0, 2, 4, 6, 8].compactMap { label in queries.labels.firstIndex(of: label) }
    var retrievalGrid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, labelFontSize: 16)
    for (query, found) in zip(examples, nearestNeighbours(of: queryCodes.gatheringRows(examples), in: trainCodes, count: 8)) {
        retrievalGrid.addRow(label: classNames[queries.labels[query]], images: [queries.row(query)] + found.map { train.row($0) })
    }
    try retrievalGrid.write(to: run.figure("retrieval"))

    // ANCHOR: anomaly
    // Train without one class; reconstruction error (BCE per pixel of each image) as the anomaly score.
    let held = options.heldOutClass
    let detector = makeAutoencoder(codeSize: options.codeSize, generator: run.generator)
    var detectorOptimizer = Adam(parameters: detector.parameters, learningRate: 1e-3)
    try run.train("without \(classNames[held])", epochs: shortEpochs, data: subset.excluding(class: held), batchSize: 128) { batch in
        detectorOptimizer.zeroGradients()
        let loss = reconstructionLoss(detector(batch.inputs), batch.inputs)
        loss.backward()
        detectorOptimizer.step()
        return Double(loss.scalarValue)
    }
    let scores = mapOverBatches(test) { sigmoidCrossEntropy(logits: detector($0).logits, labels: $0, reduction: .none).mean(alongAxis: 1) }.scalars.map(Double.init)
    let heldOutScores = zip(test.labels, scores).filter { $0.0 == held }.map(\.1)
    let seenScores = zip(test.labels, scores).filter { $0.0 != held }.map(\.1)
    let auc = rocAUC(positives: heldOutScores, negatives: seenScores)
    // ANCHOR_END: anomaly
    run.record("anomaly_auc", auc)
    run.record(text: "held_out_class", classNames[held])
    run.record("anomaly_mean_error_seen", seenScores.reduce(0, +) / Double(seenScores.count))
    run.record("anomaly_mean_error_held_out", heldOutScores.reduce(0, +) / Double(heldOutScores.count))
    let (lowest, highest) = (scores.min()!, scores.max()!)
    try Histogram(title: "Reconstruction error of test images, model trained without \(classNames[held])",
                  xLabel: "BCE per pixel of the image", series: [
                      HistogramSeries(name: "seen classes (\(seenScores.count) images)", values: seenScores),
                      HistogramSeries(name: "\(classNames[held]) (held out, \(heldOutScores.count) images)", values: heldOutScores),
                  ], binCount: 50, range: lowest...highest, density: true).write(to: run.figure("anomaly_histogram"))
}
