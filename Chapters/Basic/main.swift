// Chapter 1: the basic (undercomplete) autoencoder.
//
// Follows Goodfellow, Bengio & Courville, "Deep Learning" (2016), §14.1 (a linear autoencoder spans
// the principal subspace: Baldi & Hornik 1989) and F. Chollet, "Building Autoencoders in Keras"
// (2016), its deep and shallow models. Logistic PCA: Collins, Dasgupta & Schapire (2001).
// t-SNE: van der Maaten & Hinton (2008). Tied weights and the decoder's plane: Hung-yi Lee's
// lecture notes; the anomaly threshold: Jeremy Jordan's overview of autoencoders.
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// ANCHOR: options
/// The main model's training loss, mean per pixel: cross-entropy on the logits (`bce`) or the
/// squared error of σ(logits) (`mse`).
enum ReconstructionLoss: String, ExpressibleByArgument, CaseIterable {
    case bce, mse
    func callAsFunction(_ logits: Tensor<Float>, _ images: Tensor<Float>) -> Tensor<Float> {
        switch self {
        case .bce: sigmoidCrossEntropy(logits: logits, labels: images)
        case .mse: meanSquaredError(predicted: sigmoid(logits), expected: images)
        }
    }
}

struct Options: ChapterOptions {
    static let summary = "A basic autoencoder against PCA; code size, maps, retrieval, anomalies."
    static let defaultEpochs = 20
    @OptionGroup var common: CommonOptions
    @Option(help: "Code size of the main model.") var codeSize = 20
    @Option(help: "Training loss of the main model.") var loss = ReconstructionLoss.bce
    @Flag(help: "Remove the main model's ReLUs (a deep linear autoencoder).")
    var withoutActivations = false
    @Flag(help: "Tie the main model's decoder to the encoder's weights, transposed.")
    var tiedWeights = false
    @Option(help: "Class left out of training for the anomaly experiment (0-9).")
    var heldOutClass = 8
    func check() throws {
        try requireInRange(codeSize, 1...784, flag: "--code-size")
        try requireInRange(heldOutClass, 0...9, flag: "--held-out-class")
    }
}
// ANCHOR_END: options

// ANCHOR: model
/// Encoder 784-256-128-64-code and its mirror image, the decoder, ending in 784 logits (σ gives
/// pixels); `activation` between layers, none on the code. Without one it is a deep linear
/// autoencoder; `tiedWeights` makes the decoder reuse the encoder's weights, transposed.
func makeAutoencoder(codeSize: Int, hiddenSizes: [Int] = [256, 128, 64],
                     activation: UnaryFunction? = .relu, tiedWeights: Bool = false,
                     generator: SeededGenerator) -> Autoencoder {
    Autoencoder(sizes: [784] + hiddenSizes + [codeSize], activation: activation,
                tiedWeights: tiedWeights, generator: generator)
}
// ANCHOR_END: model

// ANCHOR: fit
/// Adam on shuffled mini-batches: each step lowers `loss` (mean per pixel, from the logits and the
/// images) on one batch. `afterEpoch` may measure the test set.
@discardableResult
func fit(_ name: String, _ model: Autoencoder, epochs: Int, data: Examples, run: ChapterRun,
         batchSize: Int = 512, learningRate: Float = 1e-3,
         loss: (Tensor<Float>, Tensor<Float>) -> Tensor<Float>
             = ReconstructionLoss.bce.callAsFunction,
         afterEpoch: ((Int) throws -> [String: Double])? = nil) throws -> TrainingHistory {
    var optimizer = Adam(parameters: model.parameters, learningRate: learningRate)
    return try run.train(name, epochs: epochs, data: data, batchSize: batchSize, step: { batch in
        optimizer.zeroGradients()
        let value = loss(model(batch.inputs).logits, batch.inputs)
        value.backward()
        optimizer.step()
        return Double(value.scalarValue)
    }, afterEpoch: afterEpoch)
}
// ANCHOR_END: fit

/// Squared error per pixel of the reconstructions x̂ over all of `data` (σ(logits) for a model).
func pixelMSE(_ data: Examples, _ reconstruct: (Tensor<Float>) -> Tensor<Float>) -> Double {
    meanReconstructionLoss(data, loss: { meanSquaredError(predicted: $0, expected: $1) },
                           reconstruct: reconstruct)
}

/// Column `index` of a matrix, for a scatter plot.
func column(_ matrix: Tensor<Float>, _ index: Int) -> [Float] { matrix.rowArrays.map { $0[index] } }

/// The mean of some scores.
func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

/// Each image's BCE per pixel: its anomaly score.
func reconstructionErrors(_ model: Autoencoder, _ data: Examples) -> [Double] {
    mapOverBatches(data) { images in
        sigmoidCrossEntropy(logits: model(images).logits, labels: images, reduction: .none)
            .mean(alongAxis: 1)
    }.scalars.map(Double.init)
}

runChapter("basic", options: Options.self) { options, run in
    let (train, test, classNames) = try run.loadImages()
    let shown = test.batch((0..<10).compactMap { test.labels.firstIndex(of: $0) })  // one per class
    var rows = [(label: "test images", images: shown.rowArrays)]

    // ANCHOR: train
    let model = makeAutoencoder(codeSize: options.codeSize,
                                activation: options.withoutActivations ? nil : .relu,
                                tiedWeights: options.tiedWeights, generator: run.generator)
    let epochs = run.epochs()
    let history = try fit("autoencoder", model, epochs: epochs, data: train, run: run,
                          loss: options.loss.callAsFunction) { epoch in
        if [1, 5, epochs].contains(epoch) {
            rows.append(("epoch \(epoch)", images(fromLogits: model(shown).logits)))
        }
        return ["test": meanReconstructionLoss(test, loss: options.loss.callAsFunction) {
            model($0).logits
        }]
    }
    // ANCHOR_END: train
    run.record("test_loss", meanReconstructionLoss(test) { model($0).logits })
    run.record("train_loss_last_epoch", history.series("loss").last!)
    run.record("test_mse", pixelMSE(test) { sigmoid(model($0).logits) })
    run.record("parameters", Double(model.parameterCount))
    try run.saveCheckpoint(model.namedParameters, name: "autoencoder", architecture:
        "784-256-128-64-\(options.codeSize) encoder and its mirror to logits, "
        + (options.withoutActivations ? "linear" : "ReLU")
        + (options.tiedWeights ? ", tied weights (the decoder holds biases only)" : ""))
    let lossName = options.loss == .bce ? "BCE per pixel" : "squared error per pixel"
    try LinePlot(title: "Reconstruction loss (\(lossName))", xLabel: "epoch", yLabel: lossName,
                 series: [
        LineSeries(name: "train (mean over the epoch's batches)", y: history.series("loss")),
        LineSeries(name: "test (after the epoch)", y: history.series("test")),
    ], showsMarkers: true).write(to: run.figure("loss_curves"))

    // ANCHOR: pca
    // PCA fitted to all training images (what every autoencoder here sees); PCA-k keeps k of them.
    let pca = try PrincipalComponentAnalysis(fitting: train.matrix,
                                             componentCount: max(32, options.codeSize))
    let pcaMain = pca.keepingComponents(options.codeSize)
    // Logistic PCA: a linear map each way, a sigmoid on the output, trained like the main model.
    let logisticPCA = makeAutoencoder(codeSize: options.codeSize, hiddenSizes: [], activation: nil,
                                      generator: run.generator)
    try fit("logistic PCA", logisticPCA, epochs: epochs, data: train, run: run)
    // ANCHOR_END: pca
    run.record("pca_test_mse", pixelMSE(test) { pcaMain.decode(pcaMain.encode($0)) })
    run.record("logistic_pca_test_mse", pixelMSE(test) { sigmoid(logisticPCA($0).logits) })
    run.record("logistic_pca_test_loss", meanReconstructionLoss(test) { logisticPCA($0).logits })
    rows += [("logistic PCA", images(fromLogits: logisticPCA(shown).logits)),
             ("PCA", pcaMain.decode(pcaMain.encode(shown)).rowArrays)]
    try ImageGrid.labelledRows(rows).write(to: run.figure("reconstructions"))

    // ANCHOR: sweep
    // The main architecture at six code sizes. Secondary models train in batches of 128 (more steps
    // per epoch than the main model's 512) for `shortEpochs` on all training images.
    let codeSizes = [1, 2, 4, 8, 16, 32], shortEpochs = run.scaled(full: 4, quick: 1)
    var sweep: [Int: Autoencoder] = [:], sweepErrors: [(autoencoder: Double, pca: Double)] = []
    for size in codeSizes {
        let candidate = makeAutoencoder(codeSize: size, generator: run.generator)
        try fit("code size \(size)", candidate, epochs: shortEpochs, data: train, run: run,
                batchSize: 128)
        sweep[size] = candidate
        let pcaOfSize = pca.keepingComponents(size)
        sweepErrors.append((pixelMSE(test) { sigmoid(candidate($0).logits) },
                            pixelMSE(test) { pcaOfSize.decode(pcaOfSize.encode($0)) }))
        run.record("sweep_autoencoder_mse_\(size)", sweepErrors.last!.autoencoder)
        run.record("sweep_pca_mse_\(size)", sweepErrors.last!.pca)
    }
    // ANCHOR_END: sweep
    run.record("short_epochs", Double(shortEpochs))
    let sizeAxis = codeSizes.map(Double.init)
    try LinePlot(title: "Test reconstruction error against code size", xLabel: "code size",
                 yLabel: "squared error per pixel", series: [
                     LineSeries(name: "autoencoder (ReLU, \(shortEpochs) epochs)", x: sizeAxis,
                                y: sweepErrors.map(\.autoencoder)),
                     LineSeries(name: "PCA, same number of components", x: sizeAxis,
                                y: sweepErrors.map(\.pca), dashed: true),
                 ], logarithmicX: true, showsMarkers: true, xTickValues: sizeAxis)
        .write(to: run.figure("code_size_sweep"))

    // ANCHOR: linear
    // A linear autoencoder (no activation, linear output) trained with squared error.
    let linear = makeAutoencoder(codeSize: 8, hiddenSizes: [], activation: nil,
                                 generator: run.generator)
    try fit("linear 8", linear, epochs: shortEpochs, data: train, run: run, batchSize: 128,
            learningRate: 3e-3, loss: { meanSquaredError(predicted: $0, expected: $1) })
    // The angles between the span of the decoder's 8 columns and that of PCA's first 8 components.
    let angles = try principalAngles(columnsOf: linear.decoder.parameters[0],  // W_d, [784, 8]
                                     rowsOf: pca.keepingComponents(8).components)
    // ANCHOR_END: linear
    run.record("linear_angle_max_degrees", angles.max()!)
    run.record("linear_angle_mean_degrees", mean(angles))
    run.record(text: "linear_angles", angles.map { String(format: "%.2f°", $0) }
        .joined(separator: "  "))
    run.record("linear_test_mse", pixelMSE(test) { linear($0).logits })  // its output is x̂

    // ANCHOR: shallow
    // Chollet's shallow model, 784-32-784 with a ReLU code, and the deep one with tied weights.
    let shallow = Autoencoder(sizes: [784, 32], codeActivation: .relu, generator: run.generator)
    let tied = makeAutoencoder(codeSize: 32, tiedWeights: true, generator: run.generator)
    try fit("shallow 32", shallow, epochs: shortEpochs, data: train, run: run, batchSize: 128)
    try fit("tied 32", tied, epochs: shortEpochs, data: train, run: run, batchSize: 128)
    // ANCHOR_END: shallow
    for (name, candidate) in [("deep", sweep[32]!), ("tied", tied), ("shallow", shallow)] {
        run.record("\(name)_32_parameters", Double(candidate.parameterCount))
        run.record("\(name)_32_test_loss", meanReconstructionLoss(test) { candidate($0).logits })
        run.record("\(name)_32_test_mse", pixelMSE(test) { sigmoid(candidate($0).logits) })
    }
    let secondary = codeSizes.map { ("code size \($0)", sweep[$0]!) }
        + [("tied, code size 32", tied), ("shallow, code size 32", shallow)]
    let secondaryRows = secondary.map { ($0.0, images(fromLogits: $0.1(shown).logits)) }
    try ImageGrid.labelledRows([rows[0]] + secondaryRows).write(to: run.figure("secondary_reconstructions"))

    // ANCHOR: plane
    // The sweep's 2-number model: its codes of the test set, and its decoder over a 15 × 15 grid
    // spanning the 1st to 99th percentile of each code unit.
    let twoNumbers = sweep[2]!
    let codes = mapOverBatches(test) { twoNumbers.encoder($0) }
    let (units1, units2) = (column(codes, 0).map(Double.init), column(codes, 1).map(Double.init))
    let plane = PlaneGrid(x: quantile(units1, 0.01)...quantile(units1, 0.99),
                          y: quantile(units2, 0.01)...quantile(units2, 0.99), steps: 15)
    let decoded = images(fromLogits: twoNumbers.decoder(plane.codes))
    // ANCHOR_END: plane
    let box = [plane.xValues.first!, plane.xValues.last!].map { ReferenceLine.vertical($0) }
        + [plane.yValues.first!, plane.yValues.last!].map { ReferenceLine.horizontal($0) }
    try ScatterPlot(title: "Test set in the code of the code-size-2 model", xLabel: "code unit 1",
                    yLabel: "code unit 2", x: units1, y: units2, classes: test.labels,
                    classNames: classNames, referenceLines: box)
        .write(to: run.figure("code_map_2d"), width: 900, height: 650)
    try ImageGrid.plane(plane, images: decoded).write(to: run.figure("decoder_plane"))

    // ANCHOR: tsne
    // t-SNE of the pixels of the first 2 000 test images, beside their 2-number codes.
    let mapped = test.prefix(run.scaled(full: 2000, quick: 300))
    let tsne = try TSNE(perplexity: 30).embed(mapped.matrix, generator: run.generator)
    let codeMap = mapOverBatches(mapped) { twoNumbers.encoder($0) }
    for (name, map) in [("tsne", tsne.points), ("code_2d", codeMap)] {
        let neighbours = nearestNeighbours(of: map, in: map, count: 10, excludingSelf: true)
        run.record("\(name)_same_class_at_10", precisionAtK(neighbours: neighbours,
            queryLabels: mapped.labels, databaseLabels: mapped.labels, k: 10))
        run.record("\(name)_neighbours_kept",
                   neighbourhoodPreservation(original: mapped.matrix, embedding: map, k: 10))
    }
    // ANCHOR_END: tsne
    run.record("tsne_points", Double(mapped.count))
    run.record("tsne_kl_divergence", tsne.klDivergence)
    try SmallMultiples(title: "The same \(mapped.count) test images in two 2-D maps", panels: [
        ("code of the code-size-2 autoencoder", codeMap),
        ("t-SNE of the pixels (perplexity 30)", tsne.points),
    ].map { title, map in
        ScatterPlot(title: title, x: column(map, 0), y: column(map, 1), classes: mapped.labels,
                    classNames: classNames)
    }, sharesAxes: false).write(to: run.figure("tsne_and_code"), width: 1200, height: 560)

    // ANCHOR: retrieval
    // Queries: the first test images; database: the whole training set. Same-class share of the
    // 10 nearest (Euclidean distance) in each representation.
    let queries = test.prefix(run.scaled(full: 1000, quick: 100))
    func precisionAt10(_ represent: (Tensor<Float>) -> Tensor<Float>) -> Double {
        retrievalPrecision(queries: queries, database: train, k: 10, represent: represent)
    }
    run.record("precision_at_10_codes", precisionAt10 { model.encoder($0) })
    run.record("precision_at_10_logistic_pca", precisionAt10 { logisticPCA.encoder($0) })
    run.record("precision_at_10_pca", precisionAt10 { pcaMain.encode($0) })
    run.record("precision_at_10_pixels", precisionAt10 { $0 })
    // ANCHOR_END: retrieval
    run.record("retrieval_queries", Double(queries.count))
    run.record("retrieval_database", Double(train.count))
    let examples = [0, 2, 4, 6, 8].compactMap { queries.labels.firstIndex(of: $0) }
    let found = nearestNeighbours(of: withoutGradients { model.encoder(queries.batch(examples)) },
                                  in: mapOverBatches(train) { model.encoder($0) }, count: 8)
    try ImageGrid.retrieval(zip(examples, found).map { query, neighbours in
        (classNames[queries.labels[query]], queries.row(query), neighbours.map { train.row($0) })
    }, resultsTitle: "its 8 nearest training images by code distance")
        .write(to: run.figure("retrieval"))

    // ANCHOR: anomaly
    // Train without one class, keeping the last training images back: the seen-class images among
    // them set the threshold, the 95th percentile of their errors (about 5 % false alarms).
    let held = options.heldOutClass, reserved = run.scaled(full: 6000, quick: 200)
    let normalReserve = train.selecting(Array((train.count - reserved)..<train.count))
        .excluding(class: held)
    let detector = makeAutoencoder(codeSize: options.codeSize, generator: run.generator)
    try fit("without \(classNames[held])", detector, epochs: run.scaled(full: 2, quick: 1),
            data: train.prefix(train.count - reserved).excluding(class: held), run: run,
            batchSize: 128)
    let threshold = quantile(reconstructionErrors(detector, normalReserve), 0.95)
    let scores = reconstructionErrors(detector, test)
    let heldOutScores = zip(test.labels, scores).filter { $0.0 == held }.map(\.1)
    let seenScores = zip(test.labels, scores).filter { $0.0 != held }.map(\.1)
    let detection = detectionResult(positives: heldOutScores, negatives: seenScores,
                                    threshold: threshold)
    let auc = rocAUC(positives: heldOutScores, negatives: seenScores)
    // ANCHOR_END: anomaly
    for (name, value) in [("auc", auc), ("threshold", threshold), ("recall", detection.recall),
                          ("precision", detection.precision), ("mean_error_seen", mean(seenScores)),
                          ("false_positive_rate", detection.falsePositiveRate),
                          ("reserve", Double(normalReserve.count)),
                          ("mean_error_held_out", mean(heldOutScores))] {
        run.record("anomaly_\(name)", value)
    }
    run.record(text: "held_out_class", classNames[held])
    try Histogram(title: "Reconstruction error of test images, trained without \(classNames[held])",
                  xLabel: "BCE per pixel of the image", series: [
                      HistogramSeries(name: "seen classes", values: seenScores),
                      HistogramSeries(name: "\(classNames[held]) (held out)",
                                      values: heldOutScores),
                  ], binCount: 50, range: scores.min()!...scores.max()!, density: true,
                  referenceLines: [.vertical(threshold, label: "threshold")])
        .write(to: run.figure("anomaly_histogram"))
}
