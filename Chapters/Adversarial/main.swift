// Chapter "adversarial": the adversarial autoencoder — a discriminator shapes the distribution of the codes.
//
// Follows Makhzani, Shlens, Jaitly, Goodfellow & Frey, "Adversarial Autoencoders" (2015), §2: an
// autoencoder whose encoder is also the generator of a GAN (Goodfellow et al. 2014) on the code space.
// Per mini-batch three phases: (1) reconstruction update of encoder and decoder; (2) discriminator update,
// prior samples labelled 1 and codes labelled 0; (3) encoder update that fools the discriminator. Priors:
// a standard Gaussian and the paper's mixture of 10 Gaussians on a circle. A plain autoencoder with the
// same architecture is trained beside it (with a discriminator that only watches), and the two code
// distributions are compared with the prior by maximum mean discrepancy (Gretton et al. 2012).
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// MARK: Configuration

// ANCHOR: options
enum PriorKind: String, ExpressibleByArgument, CaseIterable {
    case gaussian, mixture
}

struct Options: ChapterOptions {
    static let summary = "The adversarial autoencoder; a discriminator shapes the codes."
    static let defaultEpochs = 8
    @OptionGroup var common: CommonOptions
    @Option(help: "Prior p(z) the codes are pushed towards: gaussian or mixture (10 Gaussians on a circle).")
    var prior: PriorKind = .gaussian
    @Option(help: "Code size (≥ 1); the scatter plots and the generation grid use the first 2 dimensions.")
    var codeSize = 2
    @Option(help: "Adam learning rate of the reconstruction phase (encoder + decoder).")
    var reconstructionLearningRate = 1e-3
    @Option(help: "Adam learning rate of the discriminator phase.")
    var discriminatorLearningRate = 5e-4
    @Option(help: "Adam learning rate of the generator phase (encoder only).")
    var generatorLearningRate = 1e-3

    func check() throws {
        try require(codeSize >= 1, "--code-size must be at least 1, got \(codeSize)")
        try require(reconstructionLearningRate > 0, "--reconstruction-learning-rate must be positive, got \(reconstructionLearningRate)")
        try require(discriminatorLearningRate > 0, "--discriminator-learning-rate must be positive, got \(discriminatorLearningRate)")
        try require(generatorLearningRate > 0, "--generator-learning-rate must be positive, got \(generatorLearningRate)")
    }
}
// ANCHOR_END: options

// MARK: The prior

// ANCHOR: prior
/// The distribution p(z) the codes should follow. Samples come from the run's one generator.
struct Prior {
    var kind: PriorKind
    var codeSize: Int
    /// Mixture: 10 components with centres on a circle of this radius in (z₁, z₂), 0 in the other
    /// dimensions, each an isotropic Gaussian with this standard deviation.
    let componentCount = 10, radius = 4.0, componentStandardDeviation = 0.5

    /// `count` samples as a [count, codeSize] tensor.
    func sample(_ count: Int, generator: SeededGenerator) -> Tensor<Float> {
        var values: [Float] = []
        values.reserveCapacity(count * codeSize)
        for _ in 0..<count {
            switch kind {
            case .gaussian:
                for _ in 0..<codeSize { values.append(Float(generator.nextNormal())) }
            case .mixture:
                let component = min(Int(generator.nextUniform() * Double(componentCount)), componentCount - 1)
                let angle = 2 * Double.pi * Double(component) / Double(componentCount)
                for dimension in 0..<codeSize {
                    let centre = dimension == 0 ? radius * cos(angle) : dimension == 1 ? radius * sin(angle) : 0
                    values.append(Float(centre + componentStandardDeviation * generator.nextNormal()))
                }
            }
        }
        return Tensor(shape: [count, codeSize], scalars: values)
    }

    /// Half-width of the square in (z₁, z₂) that holds nearly all of the prior's mass.
    var extent: Double { kind == .gaussian ? 2.5 : radius + 2 * componentStandardDeviation }
}
// ANCHOR_END: prior

// MARK: Model

// ANCHOR: model
/// Encoder 784 → 256 → 256 → code (linear), decoder code → 256 → 256 → 784 logits (the engine's
/// mirrored `Autoencoder`), and a discriminator code → 128 → 128 → 1 logit ("this code came from the
/// prior"). ReLU everywhere inside.
final class AdversarialAutoencoder {
    let autoencoder: Autoencoder
    let discriminator: Sequential<Float>

    init(inputSize: Int, codeSize: Int, generator: SeededGenerator) {
        autoencoder = Autoencoder(sizes: [inputSize, 256, 256, codeSize], activation: .relu, generator: generator)
        discriminator = .perceptron(sizes: [codeSize, 128, 128, 1], generator: generator)
    }

    var encoder: Sequential<Float> { autoencoder.encoder }
    var decoder: Sequential<Float> { autoencoder.decoder }
    func callAsFunction(_ input: Tensor<Float>) -> AutoencoderOutput { autoencoder(input) }

    var autoencoderParameters: [Tensor<Float>] { autoencoder.parameters }
    var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        autoencoder.namedParameters + prefixed("discriminator", discriminator.namedParameters)
    }
}
// ANCHOR_END: model

runChapter("adversarial", options: Options.self) { options, run in
    // MARK: Data
    let (train, test, classNames) = try run.loadImages()
    let epochs = run.epochs()
    let prior = Prior(kind: options.prior, codeSize: options.codeSize)
    let batchSize = 100

    // MARK: Training
    // ANCHOR: training
    /// Per-step values of one run, for the loss curves.
    var curves: [String: [String: [Double]]] = [:]

    /// Trains one model. Every loss is a mean: reconstruction BCE over all pixels of the batch; the
    /// discriminator's BCE is the mean of its BCE on the prior batch (label 1) and on the codes (label 0);
    /// the generator's BCE is over the codes with label 1. `adversarial: false` skips phase 3, so the
    /// discriminator only watches a plain autoencoder.
    func trainModel(_ name: String, adversarial: Bool) throws -> (model: AdversarialAutoencoder, history: TrainingHistory) {
        let model = AdversarialAutoencoder(inputSize: train.featureCount, codeSize: options.codeSize, generator: run.generator)
        var reconstructionOptimizer = Adam(parameters: model.autoencoderParameters,
                                           learningRate: Float(options.reconstructionLearningRate))
        var discriminatorOptimizer = Adam(parameters: model.discriminator.parameters,
                                          learningRate: Float(options.discriminatorLearningRate), beta1: 0.5)
        var generatorOptimizer = Adam(parameters: model.encoder.parameters,
                                      learningRate: Float(options.generatorLearningRate), beta1: 0.5)
        let allParameters = model.namedParameters.map(\.tensor)
        func zeroAllGradients() { allParameters.forEach { $0.zeroGradient() } }  // gradients accumulate

        let history = try run.train(name, epochs: epochs, data: train, batchSize: batchSize) { batch in
            // Phase 1: reconstruction, encoder + decoder.
            zeroAllGradients()
            let output = model(batch.inputs)
            let reconstruction = sigmoidCrossEntropy(logits: output.logits, labels: batch.inputs)
            reconstruction.backward()
            reconstructionOptimizer.step()

            // Phase 2: discriminator, prior samples (label 1) against detached codes (label 0).
            zeroAllGradients()
            let priorLogits = model.discriminator(prior.sample(batch.size, generator: run.generator))
            let codeLogits = model.discriminator(output.code.detached())
            let ones = Tensor<Float>(repeating: 1, shape: [batch.size, 1]), zeros = Tensor<Float>(zeros: [batch.size, 1])
            let discriminatorLoss = 0.5 * (sigmoidCrossEntropy(logits: priorLogits, labels: ones)
                + sigmoidCrossEntropy(logits: codeLogits, labels: zeros))
            discriminatorLoss.backward()
            discriminatorOptimizer.step()
            let correct = priorLogits.scalars.filter { $0 > 0 }.count + codeLogits.scalars.filter { $0 <= 0 }.count
            var values = ["reconstruction": Double(reconstruction.scalarValue),
                          "discriminator": Double(discriminatorLoss.scalarValue),
                          "discriminator_accuracy": Double(correct) / Double(2 * batch.size)]

            // Phase 3: generator, the encoder's fresh codes should be called "prior" (label 1).
            if adversarial {
                zeroAllGradients()
                let generatorLoss = sigmoidCrossEntropy(logits: model.discriminator(model.encoder(batch.inputs)), labels: ones)
                generatorLoss.backward()
                generatorOptimizer.step()
                values["generator"] = Double(generatorLoss.scalarValue)
            }
            for (key, value) in values { curves[name, default: [:]][key, default: []].append(value) }
            return values
        } afterEpoch: { _ in
            ["test_bce_per_pixel": averageOverBatches(test) {
                Double(sigmoidCrossEntropy(logits: model($0.inputs).logits, labels: $0.inputs).scalarValue)
            }]
        }
        return (model, history)
    }

    let plain = try trainModel("autoencoder", adversarial: false)
    let adversarial = try trainModel("adversarial", adversarial: true)
    // ANCHOR_END: training
    try run.saveCheckpoint(adversarial.model.namedParameters, name: "adversarial_autoencoder",
                           architecture: "encoder MLP 784-256-256-\(options.codeSize) | decoder \(options.codeSize)-256-256-784 logits | discriminator \(options.codeSize)-128-128-1; ReLU; prior \(options.prior.rawValue)")

    // ANCHOR: verdict
    // The last epoch's discriminator accuracy on its own training batches: 0.5 means it cannot tell codes
    // from prior samples; near 1 means the encoder has lost the game.
    let finalAccuracy = adversarial.history.series("discriminator_accuracy").last ?? .nan
    let discriminatorWon = finalAccuracy > 0.95
    if discriminatorWon {
        run.log("WARNING: the discriminator wins outright (accuracy \(String(format: "%.3f", finalAccuracy)) over the last epoch): the codes do not match the prior; try a lower --discriminator-learning-rate or a higher --generator-learning-rate")
    }
    run.record(text: "verdict", discriminatorWon
        ? "The discriminator won outright: it told codes from prior samples \(String(format: "%.1f", 100 * finalAccuracy))% of the time in the last epoch."
        : "The discriminator did not win: \(String(format: "%.1f", 100 * finalAccuracy))% accuracy in the last epoch (50% is chance).")
    // ANCHOR_END: verdict
    run.record("discriminator_won", discriminatorWon ? 1 : 0)
    run.record("discriminator_accuracy", finalAccuracy)
    run.record("discriminator_accuracy_plain", plain.history.series("discriminator_accuracy").last ?? .nan)

    // MARK: Numbers
    // ANCHOR: mmd
    /// Squared maximum mean discrepancy, biased estimator (a V-statistic, ≥ 0):
    /// MMD² = mean k(x, x') + mean k(y, y') − 2 mean k(x, y), all pairs including i = j,
    /// with the RBF kernel k(a, b) = exp(−‖a − b‖² / (2σ²)).
    func squaredMMD(_ x: [[Float]], _ y: [[Float]], bandwidth: Double) -> Double {
        func meanKernel(_ a: [[Float]], _ b: [[Float]]) -> Double {
            var total = 0.0
            for u in a {
                for v in b {
                    var distance = 0.0
                    for (p, q) in zip(u, v) { distance += Double(p - q) * Double(p - q) }
                    total += exp(-distance / (2 * bandwidth * bandwidth))
                }
            }
            return total / Double(a.count * b.count)
        }
        return meanKernel(x, x) + meanKernel(y, y) - 2 * meanKernel(x, y)
    }
    // ANCHOR_END: mmd

    // Up to 1000 test codes in random order, against as many fresh prior samples; the bandwidth σ is the
    // median distance between the prior samples (the "median heuristic"), the same σ for both models.
    let sampleCount = min(1000, test.count)
    let evaluation = test.selecting(Array(run.generator.permutation(test.count).prefix(sampleCount)))
    let priorSamples = prior.sample(sampleCount, generator: run.generator).rowArrays
    let referenceSamples = prior.sample(sampleCount, generator: run.generator).rowArrays
    var distances: [Double] = []
    for i in 0..<min(sampleCount, 300) {
        for j in (i + 1)..<min(sampleCount, 300) {
            distances.append(sqrt(zip(priorSamples[i], priorSamples[j]).reduce(0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }))
        }
    }
    let bandwidth = distances.sorted()[distances.count / 2]
    run.record("mmd_bandwidth", bandwidth)
    run.record("mmd_prior_vs_prior", squaredMMD(referenceSamples, priorSamples, bandwidth: bandwidth))

    let models = [("plain", "plain AE", plain), ("adversarial", "adversarial AE", adversarial)]
    var testCodes: [String: Tensor<Float>] = [:]
    for (key, _, trained) in models {
        let codes = mapOverBatches(evaluation) { trained.model.encoder($0) }
        testCodes[key] = codes
        run.record("mmd_\(key)", squaredMMD(codes.rowArrays, priorSamples, bandwidth: bandwidth))
        run.record("test_loss_\(key)", averageOverBatches(test) {
            Double(sigmoidCrossEntropy(logits: trained.model($0.inputs).logits, labels: $0.inputs).scalarValue)
        })
        let scalars = codes.scalars
        run.record("code_std_\(key)", sqrt(scalars.reduce(0) { $0 + Double($1 * $1) } / Double(scalars.count)))
    }
    run.record("test_loss", averageOverBatches(test) {
        Double(sigmoidCrossEntropy(logits: adversarial.model($0.inputs).logits, labels: $0.inputs).scalarValue)
    })
    // The AAE's test loss after each epoch moves with the game; its best epoch shows how much.
    let testLossPerEpoch = adversarial.history.series("test_bce_per_pixel")
    if let best = testLossPerEpoch.indices.min(by: { testLossPerEpoch[$0] < testLossPerEpoch[$1] }) {
        run.record("best_epoch_adversarial", Double(best + 1))
        run.record("best_test_loss_adversarial", testLossPerEpoch[best])
    }
    run.record("code_size", Double(options.codeSize))
    run.record("reconstruction_learning_rate", options.reconstructionLearningRate)
    run.record("discriminator_learning_rate", options.discriminatorLearningRate)
    run.record("generator_learning_rate", options.generatorLearningRate)
    run.record(text: "prior", options.prior == .gaussian ? "a standard Gaussian" : "a mixture of 10 Gaussians on a circle")

    // MARK: Figures
    // Test codes (first two dimensions) coloured by class, over prior samples in grey; own axes per panel.
    let panels = models.map { key, label, _ in
        let codes = testCodes[key]!.rowArrays
        return ScatterPlot(title: label, xLabel: "z₁", yLabel: "z₂",
                           x: codes.map { $0[0] }, y: codes.map { $0.count > 1 ? $0[1] : 0 },
                           classes: evaluation.labels, classNames: classNames,
                           backgroundX: priorSamples.map { $0[0] }, backgroundY: priorSamples.map { $0.count > 1 ? $0[1] : 0 },
                           backgroundName: "prior sample")
    }
    try SmallMultiples(title: "Test codes over samples of the prior", panels: panels, sharesAxes: false)
        .write(to: run.figure("codes"), width: 1100, height: 480)

    // ANCHOR: generation
    // Decode a 15 × 15 grid spanning the prior's support in (z₁, z₂), other code dimensions 0.
    let steps = 15
    let axis = (0..<steps).map { -prior.extent + 2 * prior.extent * Double($0) / Double(steps - 1) }
    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 1)
    for z2 in axis.reversed() {
        let codes = axis.map { z1 in (0..<options.codeSize).map { $0 == 0 ? Float(z1) : $0 == 1 ? Float(z2) : 0 } }
        let images = withoutGradients { sigmoid(adversarial.model.decoder(Tensor(codes))).rowArrays }
        grid.addRow(label: String(format: "z₂ = %+.1f", z2), images: images)
    }
    try grid.write(to: run.figure("generation"))
    // ANCHOR_END: generation

    // Both decoders fed the same 12 samples of the prior: only one of them was trained on such codes.
    let samples = prior.sample(12, generator: run.generator)
    var sampleGrid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 2)
    for (_, label, trained) in models {
        sampleGrid.addRow(label: label, images: withoutGradients { sigmoid(trained.model.decoder(samples)).rowArrays })
    }
    try sampleGrid.write(to: run.figure("prior_samples"))

    // Loss curves: per-step values averaged over windows of 20 steps, x in epochs.
    let stepsPerEpoch = Double((train.count + batchSize - 1) / batchSize)
    func smoothed(_ name: String, _ key: String, label: String, color: Int, dashed: Bool = false) -> LineSeries {
        let values = curves[name]?[key] ?? []
        let window = max(1, min(20, values.count / 10))
        let means = stride(from: 0, to: values.count, by: window).map { start in
            values[start..<min(start + window, values.count)].reduce(0, +) / Double(min(window, values.count - start))
        }
        let x = means.indices.map { (Double($0 * window) + Double(window) / 2) / stepsPerEpoch }
        return LineSeries(name: label, x: x, y: means, color: Palette.color(at: color), dashed: dashed)
    }
    try SmallMultiples(title: "Training losses (means over 20 steps)", xLabel: "epoch", panels: [
        LinePlot(title: "reconstruction BCE per pixel", yLabel: "BCE", series: [
            smoothed("autoencoder", "reconstruction", label: "plain AE: reconstruction", color: 0, dashed: true),
            smoothed("adversarial", "reconstruction", label: "AAE: reconstruction", color: 1)]),
        LinePlot(title: "adversarial game (AAE)", yLabel: "BCE", series: [
            smoothed("adversarial", "discriminator", label: "AAE: discriminator", color: 2),
            smoothed("adversarial", "generator", label: "AAE: generator", color: 3)],
                 referenceLines: [.horizontal(log(2), label: "ln 2")]),
    ], sharesAxes: false).write(to: run.figure("losses"), width: 1100, height: 440)
}
