// Chapter "sparse": sparse autoencoders — a bottleneck made by penalising activations instead of removing units.
//
// Follows the sparse-autoencoder section of the seed material and Andrew Ng's CS294A lecture notes
// "Sparse autoencoder" (2011): sigmoid hidden units, ρ̂_j = the mean activation of unit j over the
// batch, penalty β Σ_j KL(ρ ‖ ρ̂_j) with ρ = 0.05 and β = 3. An L1 activity penalty λ Σ_j |a_j|
// (Goodfellow, Bengio & Courville, "Deep Learning", §14.2.1) and an unpenalised network are trained
// beside it, with the same architecture, data order and seed.
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// MARK: Configuration

// ANCHOR: options
struct Options: ChapterOptions {
    static let summary = "Sparse autoencoders, a bottleneck made by a penalty."
    static let defaultEpochs = 5
    @OptionGroup var common: CommonOptions
    @Option(help: "Target mean activation ρ of every hidden unit, in (0, 1).") var rho = 0.05
    @Option(help: "Weight β of the KL sparsity penalty (> 0).") var beta = 3.0
    @Option(help: "Weight λ of the L1 activity penalty (≥ 0).") var l1 = 1.0
    @Option(help: "Hidden units (the layer is wide: 400 > the 784 inputs' useful dimensions).") var hiddenSize = 400
    @Option(help: "Adam learning rate.") var learningRate = 1e-3

    func check() throws {
        try requireProbability(rho, flag: "--rho")
        try require(beta > 0, "--beta must be positive, got \(beta)")
        try require(l1 >= 0, "--l1 must be at least 0, got \(l1)")
        try require(hiddenSize >= 1, "--hidden-size must be at least 1, got \(hiddenSize)")
        try require(learningRate > 0, "--learning-rate must be positive, got \(learningRate)")
    }
}
// ANCHOR_END: options

// MARK: Model

// ANCHOR: model
/// What the autoencoder computes for a batch: the hidden activations a ∈ (0, 1) and the decoder's logits.
struct AutoencoderOutput {
    var hidden: Tensor<Float>
    var logits: Tensor<Float>
}

/// 784 → hidden (sigmoid) → 784 logits: one wide hidden layer, no narrow code.
final class WideAutoencoder {
    let encoder: Sequential<Float>
    let decoder: Sequential<Float>

    init(inputSize: Int, hiddenSize: Int, generator: SeededGenerator) {
        encoder = Sequential([Linear(inputSize: inputSize, outputSize: hiddenSize, generator: generator), Activation.sigmoid])
        decoder = Sequential([Linear(inputSize: hiddenSize, outputSize: inputSize, generator: generator)])
    }

    func callAsFunction(_ input: Tensor<Float>) -> AutoencoderOutput {
        let hidden = encoder(input)
        return AutoencoderOutput(hidden: hidden, logits: decoder(hidden))
    }

    var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        prefixed("encoder", encoder.namedParameters) + prefixed("decoder", decoder.namedParameters)
    }
    /// The encoder's weight matrix [hidden, 784]: row j is the input pattern that drives unit j.
    var features: Tensor<Float> { encoder.namedParameters[0].tensor }
}
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
            // ρ̂ is clamped into (1e-6, 1 − 1e-6) so log ρ̂ and log(1 − ρ̂) stay finite if a unit saturates.
            let meanActivation = clamp(hidden.mean(alongAxis: 0), lower: 1e-6, upper: 1 - 1e-6)
            return beta * bernoulliKLDivergence(target: rho, meanActivation: meanActivation)
        }
    }
}
// ANCHOR_END: penalties

runChapter("sparse", options: Options.self) { options, run in
    // MARK: Data
    let (train, test, _) = try run.loadImages()
    let epochs = run.epochs()

    // MARK: Training
    // ANCHOR: training
    /// Trains one autoencoder: reconstruction BCE summed over the 784 pixels and averaged over the batch
    /// (nats per image, the scale the classic β = 3 assumes), plus the sparsity penalty.
    func trainAutoencoder(_ name: String, sparsity: Sparsity) throws -> WideAutoencoder {
        let model = WideAutoencoder(inputSize: train.featureCount, hiddenSize: options.hiddenSize, generator: run.generator)
        var optimizer = Adam(parameters: model.namedParameters.map(\.tensor), learningRate: Float(options.learningRate))
        try run.train(name, epochs: epochs, data: train, batchSize: 128) { batch in
            optimizer.zeroGradients()
            let output = model(batch.inputs)
            let reconstruction = sigmoidCrossEntropy(logits: output.logits, labels: batch.inputs, reduction: .batchMean)
            var loss = reconstruction
            var values = ["reconstruction": Double(reconstruction.scalarValue)]
            if let penalty = sparsity.penalty(output.hidden) {
                loss = loss + penalty
                values["penalty"] = Double(penalty.scalarValue)
            }
            loss.backward()
            optimizer.step()
            values["loss"] = Double(loss.scalarValue)
            return values
        } afterEpoch: { _ in
            ["test_bce_per_pixel": averageOverBatches(test) {
                Double(sigmoidCrossEntropy(logits: model($0.inputs).logits, labels: $0.inputs).scalarValue)
            }]
        }
        return model
    }

    let models: [(key: String, label: String, model: WideAutoencoder)] = [
        ("baseline", "no penalty", try trainAutoencoder("baseline", sparsity: .none)),
        ("l1", "L1 λ=\(options.l1)", try trainAutoencoder("l1", sparsity: .l1(lambda: Float(options.l1)))),
        ("kl", "KL ρ=\(options.rho) β=\(options.beta)",
         try trainAutoencoder("kl", sparsity: .kl(rho: Float(options.rho), beta: Float(options.beta)))),
    ]
    // ANCHOR_END: training
    let klModel = models[2].model
    try run.saveCheckpoint(klModel.namedParameters, name: "sparse_autoencoder",
                           architecture: "Linear(784,\(options.hiddenSize)) Sigmoid | Linear(\(options.hiddenSize),784) logits; KL sparsity")

    // MARK: Numbers
    // ANCHOR: measures
    /// Per model on the test set: each unit's mean activation, the fraction of units above 0.1 per input
    /// (averaged over inputs), and the reconstruction BCE averaged over every pixel.
    struct SparsityMeasures {
        var unitMeanActivations: [Float]
        var meanActivation: Double
        var activeFraction: Double
        var testLoss: Double
    }
    func measure(_ model: WideAutoencoder) -> SparsityMeasures {
        let hidden = mapOverBatches(test) { model.encoder($0) }
        let activations = hidden.scalars
        let active = activations.reduce(0) { $0 + ($1 > 0.1 ? 1 : 0) }
        return SparsityMeasures(
            unitMeanActivations: withoutGradients { hidden.mean(alongAxis: 0).scalars },
            meanActivation: activations.reduce(0) { $0 + Double($1) } / Double(activations.count),
            activeFraction: Double(active) / Double(activations.count),
            testLoss: averageOverBatches(test) {
                Double(sigmoidCrossEntropy(logits: model($0.inputs).logits, labels: $0.inputs).scalarValue)
            })
    }
    // ANCHOR_END: measures
    let measures = models.map { measure($0.model) }
    for (entry, measured) in zip(models, measures) {
        run.record("test_loss_\(entry.key)", measured.testLoss)
        run.record("mean_activation_\(entry.key)", measured.meanActivation)
        run.record("active_fraction_\(entry.key)", measured.activeFraction)
        run.record("dead_units_\(entry.key)", Double(measured.unitMeanActivations.filter { $0 < 1e-3 }.count))
    }
    run.record("test_loss", measures[2].testLoss)
    run.record("rho", options.rho)
    run.record("beta", options.beta)
    run.record("l1_lambda", options.l1)
    run.record("hidden_size", Double(options.hiddenSize))

    // MARK: Figures
    // ANCHOR: kl_curve
    // The penalty of one unit as a function of its mean activation, for ρ = 0.2: zero at ρ̂ = ρ, steep at the edges.
    let curveRho: Float = 0.2
    let rhoHats = stride(from: 0.005, through: 0.995, by: 0.005).map { Float($0) }
    let penalties = rhoHats.map { bernoulliKLDivergence(target: curveRho, meanActivation: Tensor(shape: [1], scalars: [$0])).scalarValue }
    // ANCHOR_END: kl_curve
    run.record("kl_at_target", Double(bernoulliKLDivergence(target: curveRho, meanActivation: Tensor(shape: [1], scalars: [curveRho])).scalarValue))
    run.record("kl_at_0_5", Double(bernoulliKLDivergence(target: curveRho, meanActivation: Tensor(shape: [1], scalars: [Float(0.5)])).scalarValue))
    try LinePlot(title: "KL(ρ ‖ ρ̂) for ρ = 0.2", xLabel: "mean activation ρ̂", yLabel: "penalty (nats)",
                 series: [LineSeries(name: "KL(0.2 ‖ ρ̂)", x: rhoHats, y: penalties)],
                 legendPlacement: .upperLeft, referenceLines: [.vertical(0.2, label: "ρ̂ = ρ")])
        .write(to: run.figure("kl_penalty"))

    try Histogram(title: "Mean activation of each hidden unit over the test set", xLabel: "mean activation ρ̂_j",
                  yLabel: "hidden units",
                  series: zip(models, measures).map { HistogramSeries(name: $0.0.label, values: $0.1.unitMeanActivations) },
                  binCount: 50, range: 0...1, referenceLines: [.vertical(options.rho, label: "ρ")])
        .write(to: run.figure("activation_histogram"))

    // ANCHOR: feature_grid
    // Each unit's incoming weights as a 28×28 tile, stretched to its own min/max (grey = 0 only if symmetric).
    for entry in models where entry.key != "l1" {
        let tiles = entry.model.features.rowArrays.prefix(400)
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 2, normalization: .perImageMinMax)
        grid.addRows(images: Array(tiles), columns: Int(Double(tiles.count).squareRoot().rounded(.up)))
        try grid.write(to: run.figure("features_\(entry.key)"))
    }
    // ANCHOR_END: feature_grid

    // One test image of each class (the first of each), original then each model's reconstruction.
    let examples = (0..<10).compactMap { label in test.labels.firstIndex(of: label) }
    let originals = test.selecting(examples)
    var reconstructions = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 2)
    reconstructions.addRow(label: "original", images: originals.matrix.rowArrays)
    for entry in models {
        let images = withoutGradients { sigmoid(entry.model(originals.matrix).logits).rowArrays }
        reconstructions.addRow(label: entry.label, images: images)
    }
    try reconstructions.write(to: run.figure("reconstructions"))
}
