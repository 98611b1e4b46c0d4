// Chapter "sparse": sparse autoencoders, a bottleneck made by penalising activations instead of
// removing units.
//
// Follows Andrew Ng's CS294A lecture notes "Sparse autoencoder" (2011): sigmoid hidden units,
// ρ̂_j = the mean activation of unit j over the batch, penalty β Σ_j KL(ρ ‖ ρ̂_j) with the notes'
// ρ = 0.05 and β = 3. An L1 activity penalty λ Σ_j |a_j| (Goodfellow, Bengio & Courville, "Deep
// Learning", §14.2.1) and an unpenalised network are trained beside it, from the same initial
// weights and on the same batches in the same order.
import ArgumentParser
import ChapterKit
import Exercises
import Figures
import Foundation
import TensorEngine

/// Exercise sparse.1: `true` runs this chapter with your function(s) from Sources/Exercises/Sparse.swift.
let usesYourExercise = false

// MARK: Configuration

// ANCHOR: options
struct Options: ChapterOptions {
    static let summary = "Sparse autoencoders, a bottleneck made by a penalty."
    static let defaultEpochs = 5
    @OptionGroup var common: CommonOptions
    @Option(help: "Target mean activation ρ of every hidden unit, in (0, 1).") var rho = 0.05
    @Option(help: "Weight β of the KL sparsity penalty (> 0).") var beta = 3.0
    @Option(help: "Weight λ of the L1 activity penalty (≥ 0).") var l1 = 1.0
    @Option(help: "Hidden units (a wide layer: no narrow code).") var hiddenSize = 400
    @Option(help: "Adam learning rate.") var learningRate = 1e-3

    func check() throws {
        try requireProbability(rho, flag: "--rho")
        try requirePositive(beta, flag: "--beta")
        try requireNonNegative(l1, flag: "--l1")
        try requireAtLeast(1, hiddenSize, flag: "--hidden-size")
        try requirePositive(learningRate, flag: "--learning-rate")
    }
}
// ANCHOR_END: options

// MARK: Model

// ANCHOR: model
/// 784 → hidden (sigmoid) → 784 logits: the engine's `Autoencoder` with one wide sigmoid
/// layer as encoder, so its code h is the hidden activations a ∈ (0, 1), and one linear layer
/// to logits.
func makeWideAutoencoder(inputSize: Int, hiddenSize: Int,
                         generator: SeededGenerator) -> Autoencoder {
    Autoencoder(sizes: [inputSize, hiddenSize], codeActivation: .sigmoid, generator: generator)
}

/// The encoder's weight matrix [hidden, 784]: row j is the input pattern that drives unit j.
func features(of model: Autoencoder) -> Tensor<Float> { model.encoder.parameters[0] }
// ANCHOR_END: model

// MARK: The penalties

// ANCHOR: penalties
/// The three ways of treating the hidden layer.
enum Sparsity {
    case none
    /// λ · (mean over the batch of Σ_j |a_j|).
    case l1(lambda: Float)
    /// β · Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j = mean over the batch of a_j.
    case kl(rho: Float, beta: Float)

    func penalty(_ hidden: Tensor<Float>) -> Tensor<Float>? {
        switch self {
        case .none:
            return nil
        case .l1(let lambda):
            return lambda * abs(hidden).sum() * (1 / Float(hidden.rowCount))
        case .kl(let rho, let beta):
            // ρ̂ clamped into (1e-6, 1 − 1e-6): log ρ̂ and log(1 − ρ̂) stay finite
            // if a unit saturates.
            let meanActivation = clamp(hidden.mean(alongAxis: 0), lower: 1e-6, upper: 1 - 1e-6)
            return beta * chooseImplementation(useYours: usesYourExercise, yours: {
                try Exercises.sparsityPenalty(activations: hidden, target: rho)
            }, library: { bernoulliKLDivergence(target: rho, meanActivation: meanActivation) })
        }
    }
}
// ANCHOR_END: penalties

// MARK: Training

// ANCHOR: training
/// Trains one autoencoder: the reconstruction cross-entropy summed over the 784 pixels and averaged
/// over the batch (nats per image), plus the sparsity penalty. A fresh generator with the shared
/// `seed` draws both the initial weights and the batch order, so every model starts from the same
/// weights and sees the same batches: the penalty is the only difference.
func trainAutoencoder(_ name: String, sparsity: Sparsity, seed: UInt64, options: Options,
                      train: Examples, test: Examples, run: ChapterRun) throws -> Autoencoder {
    let generator = SeededGenerator(seed: seed)
    let model = makeWideAutoencoder(inputSize: train.featureCount, hiddenSize: options.hiddenSize,
                                    generator: generator)
    var optimizer = Adam(parameters: model.parameters, learningRate: Float(options.learningRate))
    try run.train(name, epochs: run.epochs(), data: train, batchSize: 128,
                  shuffling: generator) { batch in
        optimizer.zeroGradients()
        let output = model(batch.inputs)
        let reconstruction = sigmoidCrossEntropy(logits: output.logits, labels: batch.inputs,
                                                 reduction: .batchMean)
        var loss = reconstruction
        var values = ["reconstruction": Double(reconstruction.scalarValue)]
        if let penalty = sparsity.penalty(output.code) {
            loss = loss + penalty
            values["penalty"] = Double(penalty.scalarValue)
        }
        loss.backward()
        optimizer.step()
        values["loss"] = Double(loss.scalarValue)
        return values
    } afterEpoch: { _ in
        ["test_bce_per_pixel": meanReconstructionLoss(test) { model($0).logits }]
    }
    return model
}
// ANCHOR_END: training

// MARK: Evaluation

// ANCHOR: measures
/// One model on the test set. A unit is *active* for an input when its activation exceeds 0.1.
struct SparsityMeasures {
    /// Each unit's mean activation ρ̂_j over the test set.
    var unitMeanActivations: [Float]
    /// The mean of every activation of every input.
    var meanActivation: Double
    /// Active units per input, averaged over inputs, and that count as a fraction of the layer.
    var activeUnits: Double, activeFraction: Double
    /// Reconstruction cross-entropy averaged over every pixel (nats per pixel).
    var testLoss: Double
}

func measure(_ model: Autoencoder, on test: Examples) -> SparsityMeasures {
    let hidden = mapOverBatches(test) { model.encoder($0) }
    let activations = hidden.scalars
    let activeUnits = Double(activations.filter { $0 > 0.1 }.count) / Double(hidden.rowCount)
    return SparsityMeasures(
        unitMeanActivations: withoutGradients { hidden.mean(alongAxis: 0).scalars },
        meanActivation: activations.reduce(0) { $0 + Double($1) } / Double(activations.count),
        activeUnits: activeUnits, activeFraction: activeUnits / Double(hidden.columnCount),
        testLoss: meanReconstructionLoss(test) { model($0).logits })
}
// ANCHOR_END: measures

// MARK: The chapter

runChapter("sparse", options: Options.self) { options, run in
    let (train, test, _) = try run.loadImages()
    // ANCHOR: three-models
    let sharedSeed = run.generator.next()
    let settings: [(key: String, label: String, sparsity: Sparsity)] = [
        ("baseline", "no penalty", .none),
        ("l1", "L1 λ=\(options.l1)", .l1(lambda: Float(options.l1))),
        ("kl", "KL ρ=\(options.rho) β=\(options.beta)",
         .kl(rho: Float(options.rho), beta: Float(options.beta))),
    ]
    let models = try settings.map {
        try trainAutoencoder($0.key, sparsity: $0.sparsity, seed: sharedSeed, options: options,
                             train: train, test: test, run: run)
    }
    // ANCHOR_END: three-models
    let klModel = models[2]
    let size = options.hiddenSize
    try run.saveCheckpoint(klModel.namedParameters, name: "sparse_autoencoder", architecture:
        "Linear(784,\(size)) Sigmoid | Linear(\(size),784) logits; KL sparsity")

    // MARK: Numbers
    let measures = models.map { measure($0, on: test) }
    for (setting, measured) in zip(settings, measures) {
        run.record("test_loss_\(setting.key)", measured.testLoss)
        run.record("mean_activation_\(setting.key)", measured.meanActivation)
        run.record("active_fraction_\(setting.key)", measured.activeFraction)
        run.record("active_units_\(setting.key)", measured.activeUnits)
        let dead = measured.unitMeanActivations.filter { $0 < 1e-3 }.count
        run.record("dead_units_\(setting.key)", Double(dead))
    }
    run.record("test_loss", measures[2].testLoss)
    // The KL model's reconstruction error on two scales: our summed cross-entropy, and the
    // notes' ½‖x̂ − x‖² per image that their β = 3 was set against.
    run.record("bce_per_image_kl", measures[2].testLoss * Double(test.featureCount))
    let squaredError = meanReconstructionLoss(test, loss: {
        meanSquaredError(predicted: sigmoid($0), expected: $1)
    }) { klModel($0).logits }
    run.record("half_squared_error_kl", 0.5 * squaredError * Double(test.featureCount))
    run.record("rho", options.rho)
    run.record("beta", options.beta)
    run.record("l1_lambda", options.l1)
    run.record("hidden_size", Double(options.hiddenSize))

    // MARK: Figures
    // ANCHOR: kl_curve
    // One unit's penalty against its mean activation, for ρ = 0.2:
    // zero at ρ̂ = ρ, steep at the edges.
    let curveRho: Float = 0.2
    func klPenalty(_ rhoHat: Float) -> Float {
        let meanActivation = Tensor(shape: [1], scalars: [rhoHat])
        return bernoulliKLDivergence(target: curveRho, meanActivation: meanActivation).scalarValue
    }
    let rhoHats = stride(from: 0.005, through: 0.995, by: 0.005).map { Float($0) }
    let penalties = rhoHats.map(klPenalty)
    // ANCHOR_END: kl_curve
    run.record("kl_at_target", Double(klPenalty(curveRho)))
    run.record("kl_at_0_5", Double(klPenalty(0.5)))
    try LinePlot(title: "KL(ρ ‖ ρ̂) for ρ = 0.2", xLabel: "mean activation ρ̂",
                 yLabel: "penalty (nats)",
                 series: [LineSeries(name: "KL(0.2 ‖ ρ̂)", x: rhoHats, y: penalties)],
                 legendPlacement: .upperLeft, referenceLines: [.vertical(0.2, label: "ρ̂ = ρ")])
        .write(to: run.figure("kl_penalty"))

    try Histogram(title: "Mean activation of each hidden unit over the test set",
                  xLabel: "mean activation ρ̂_j", yLabel: "hidden units",
                  series: zip(settings, measures).map {
                      HistogramSeries(name: $0.0.label, values: $0.1.unitMeanActivations)
                  },
                  binCount: 50, range: 0...1, referenceLines: [.vertical(options.rho, label: "ρ")])
        .write(to: run.figure("activation_histogram"))

    // ANCHOR: feature_grid
    // Each unit's incoming weights as a 28×28 tile, stretched to its own min/max
    // (so grey is 0 only for a tile whose weights are symmetric about 0).
    for (setting, model) in zip(settings, models) where setting.key != "l1" {
        let tiles = features(of: model).rowArrays.prefix(400)
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 2,
                             normalization: .perImageMinMax)
        let columns = Int(Double(tiles.count).squareRoot().rounded(.up))
        grid.addRows(images: Array(tiles), columns: columns)
        try grid.write(to: run.figure("features_\(setting.key)"))
    }
    // ANCHOR_END: feature_grid

    // One test image of each class (the first of each), original then each model's reconstruction.
    let firstOfEachClass = (0..<10).compactMap { label in test.labels.firstIndex(of: label) }
    let originals = test.selecting(firstOfEachClass)
    var reconstructions = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 2)
    reconstructions.addRow(label: "original", images: originals.matrix.rowArrays)
    for (setting, model) in zip(settings, models) {
        reconstructions.addRow(label: setting.label,
                               images: images(fromLogits: model(originals.matrix).logits))
    }
    try reconstructions.write(to: run.figure("reconstructions"))
}
