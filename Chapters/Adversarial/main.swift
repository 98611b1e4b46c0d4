// Chapter "adversarial": the adversarial autoencoder (Makhzani et al. 2015, §2), whose encoder is
// also the generator of a GAN on the code space, beside a plain autoencoder whose discriminator
// only watches. Codes are compared with the prior by MMD² (Gretton et al. 2012) and a probe.
import ArgumentParser
import ChapterKit
import Datasets
import Exercises
import Figures
import Foundation
import TensorEngine

/// Exercise adversarial.1: `true` runs this chapter with your losses from Sources/Exercises/Adversarial.swift.
let usesYourExercise = false

// ANCHOR: options
enum PriorKind: String, ExpressibleByArgument, CaseIterable { case gaussian, mixture }

struct Options: ChapterOptions {
    static let summary = "The adversarial autoencoder; a discriminator shapes the codes."
    static let defaultEpochs = 8
    @OptionGroup var common: CommonOptions
    @Option(help: "Prior p(z) of the codes: gaussian, or mixture (10 Gaussians on a circle).")
    var prior: PriorKind = .gaussian
    @Option(help: "Code size (≥ 2); the figures show the first 2 dimensions.") var codeSize = 2
    @Option(help: "Adam rate, reconstruction phase.") var reconstructionLearningRate = 3e-4
    @Option(help: "Adam rate, discriminator phase.") var discriminatorLearningRate = 2e-3
    @Option(help: "Adam rate, generator phase.") var generatorLearningRate = 5e-4
    @Option(help: "Discriminator updates per mini-batch (≥ 1).") var discriminatorSteps = 3
    @Option(help: "Hidden units in each discriminator layer.") var discriminatorWidth = 128
    @Option(help: "Label smoothing s: prior samples get label 1 − s.") var labelSmoothing = 0.0
    @Option(help: "β₁ of the discriminator's and the generator's Adam.")
    var adversarialBeta1 = 0.5
    @Option(help: "Weight γ of the R1 penalty (γ/2) E‖∇D(z′)‖².")
    var gradientPenalty = 1.0
    @Flag(inversion: .prefixedNo, help: "Show the discriminator its batch's mean and densities.")
    var minibatchFeatures = true

    func check() throws {
        try requireInRange(codeSize, 2...784, flag: "--code-size")
        try requireInRange(discriminatorSteps, 1...100, flag: "--discriminator-steps")
        try requireInRange(discriminatorWidth, 1...4096, flag: "--discriminator-width")
        for (flag, rate) in [("--reconstruction-learning-rate", reconstructionLearningRate),
                             ("--discriminator-learning-rate", discriminatorLearningRate),
                             ("--generator-learning-rate", generatorLearningRate)] {
            try requirePositive(rate, flag: flag)
        }
        try require(labelSmoothing >= 0 && labelSmoothing < 0.5,
                    "--label-smoothing must lie in [0, 0.5), got \(labelSmoothing)")
        try require(adversarialBeta1 >= 0 && adversarialBeta1 < 1,
                    "--adversarial-beta1 must lie in [0, 1), got \(adversarialBeta1)")
        try requireNonNegative(gradientPenalty, flag: "--gradient-penalty")
    }
}
// ANCHOR_END: options

// ANCHOR: prior
/// The distribution p(z) the codes should follow. Samples come from the run's one generator.
struct Prior {
    var kind: PriorKind
    var codeSize: Int
    /// Mixture: 10 components with centres on a circle of this radius in (z₁, z₂), 0 in the
    /// other dimensions, each an isotropic Gaussian with this standard deviation.
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
                let component = min(Int(generator.nextUniform() * Double(componentCount)),
                                    componentCount - 1)
                let angle = 2 * Double.pi * Double(component) / Double(componentCount)
                for dimension in 0..<codeSize {
                    let mean = dimension > 1 ? 0 : radius * [cos(angle), sin(angle)][dimension]
                    values.append(Float(mean + componentStandardDeviation * generator.nextNormal()))
                }
            }
        }
        return Tensor(shape: [count, codeSize], scalars: values)
    }

    /// Half-width of the square in (z₁, z₂) that holds nearly all of the prior's mass.
    var extent: Double { kind == .gaussian ? 2.5 : radius + 2 * componentStandardDeviation }
}

/// Codes on a grid over the plane (z₁, z₂), for the figures.
extension Prior {
    /// `count` evenly spaced values from −(extent + margin) to extent + margin.
    func axis(_ count: Int, margin: Double = 0) -> [Double] {
        let half = extent + margin
        return (0..<count).map { -half + 2 * half * Double($0) / Double(count - 1) }
    }
    /// The codes at each (z₁, z₂) of `points`, any further code dimensions 0, as a matrix.
    func codes(at points: [(z1: Double, z2: Double)]) -> Tensor<Float> {
        Tensor(points.map { z1, z2 in
            (0..<codeSize).map { $0 == 0 ? Float(z1) : $0 == 1 ? Float(z2) : 0 }
        })
    }
}
// ANCHOR_END: prior

// ANCHOR: model
/// Encoder 784 → 256 → 256 → code (linear) and decoder code → 256 → 256 → 784 logits
/// (the engine's mirrored `Autoencoder`), and a discriminator → width → width → 1 logit
/// ("this code came from the prior") that sees each code with its batch's mean and log-densities
/// at three bandwidths, or the code alone without minibatch features. ReLU everywhere inside.
final class AutoencoderWithDiscriminator {
    static let densityBandwidths = [0.25, 0.5, 1.0]
    let autoencoder: Autoencoder
    let discriminator: Sequential<Float>
    let usesMinibatchFeatures: Bool, discriminatorInputSize: Int
    init(inputSize: Int, options: Options, generator: SeededGenerator) {
        let (code, width) = (options.codeSize, options.discriminatorWidth)
        usesMinibatchFeatures = options.minibatchFeatures
        discriminatorInputSize = usesMinibatchFeatures
            ? 2 * code + Self.densityBandwidths.count : code
        autoencoder = Autoencoder(sizes: [inputSize, 256, 256, code], generator: generator)
        discriminator = .perceptron(sizes: [discriminatorInputSize, width, width, 1],
                                    generator: generator)
    }
    var encoder: Sequential<Float> { autoencoder.encoder }
    var decoder: Sequential<Float> { autoencoder.decoder }
    func callAsFunction(_ input: Tensor<Float>) -> AutoencoderOutput { autoencoder(input) }
    /// What the discriminator sees of a batch of codes or prior samples.
    func discriminatorInput(_ batch: Tensor<Float>) -> Tensor<Float> {
        usesMinibatchFeatures
            ? minibatchFeatures(batch, bandwidths: Self.densityBandwidths) : batch
    }
    /// The discriminator's logits for a batch of codes or prior samples.
    func judge(_ batch: Tensor<Float>) -> Tensor<Float> { discriminator(discriminatorInput(batch)) }
    var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        autoencoder.namedParameters + prefixed("discriminator", discriminator.namedParameters)
    }
}
// ANCHOR_END: model

/// The data, the prior, and the fixed test images and prior samples that the spread is measured on.
struct Setting {
    let options: Options, run: ChapterRun, prior: Prior, train: Examples, test: Examples
    let monitor: Examples, monitorPrior: Tensor<Float>
}

/// √(mean of the squared values).
func rootMeanSquare(_ values: Tensor<Float>) -> Double {
    Double(square(values).mean().scalarValue).squareRoot()
}

/// The standard deviation of the discriminator's logits over the monitor codes and prior samples,
/// judged in batches of the training's 100.
func logitSpread(_ model: AutoencoderWithDiscriminator, in setting: Setting) -> Double {
    withoutGradients {
        let codes = model.encoder(setting.monitor.matrix)
        let batches = Batching.batchRanges(count: codes.rowCount, batchSize: 100).map(Array.init)
        let logits = concatenateColumns(batches.flatMap { rows in
            [model.judge(codes.gatheringRows(rows)),
             model.judge(setting.monitorPrior.gatheringRows(rows))]
        }.map { $0.reshaped(to: [1, $0.count]) })
        return rootMeanSquare(logits - logits.mean())
    }
}

// ANCHOR: training
/// Trains one model. Every loss is a mean over its batch. `adversarial: false` skips phase 3, so
/// the discriminator only watches a plain autoencoder.
func trainModel(_ name: String, adversarial: Bool, in setting: Setting) throws
    -> (model: AutoencoderWithDiscriminator, history: TrainingHistory) {
    let (options, run, prior) = (setting.options, setting.run, setting.prior)
    let model = AutoencoderWithDiscriminator(inputSize: setting.train.featureCount,
                                             options: options, generator: run.generator)
    let beta1 = Float(options.adversarialBeta1)
    var reconstructionOptimizer = Adam(parameters: model.autoencoder.parameters,
                                       learningRate: Float(options.reconstructionLearningRate))
    var discriminatorOptimizer = Adam(parameters: model.discriminator.parameters, learningRate:
                                          Float(options.discriminatorLearningRate), beta1: beta1)
    var generatorOptimizer = Adam(parameters: model.encoder.parameters,
                                  learningRate: Float(options.generatorLearningRate), beta1: beta1)
    // Gradients accumulate in this engine: every phase starts by zeroing all of them.
    func zeroAllGradients() { model.namedParameters.forEach { $0.tensor.zeroGradient() } }

    let history = try run.train(name, epochs: run.epochs(), data: setting.train, batchSize: 100) {
        batch in
        // Phase 1: reconstruction, encoder + decoder.
        zeroAllGradients()
        let output = model(batch.inputs)
        let reconstruction = sigmoidCrossEntropy(logits: output.logits, labels: batch.inputs)
        reconstruction.backward()
        reconstructionOptimizer.step()
        var values = ["reconstruction": Double(reconstruction.scalarValue)]

        // Phase 2: discriminator, fresh prior samples (real) against the detached codes (fake).
        let codes = output.code.detached()
        for _ in 0..<options.discriminatorSteps {
            zeroAllGradients()
            let priorBatch = prior.sample(batch.size, generator: run.generator)
            let realInput = model.discriminatorInput(priorBatch)
            let realLogits = model.discriminator(realInput)
            let fakeLogits = model.judge(codes)
            let yours = usesYourExercise && options.labelSmoothing == 0
            var loss = chooseImplementation(useYours: yours, yours: {
                try Exercises.discriminatorLoss(priorLogits: realLogits, codeLogits: fakeLogits)
            }, library: {
                discriminatorLoss(realLogits: realLogits, fakeLogits: fakeLogits,
                                  smoothing: options.labelSmoothing)
            })
            if options.gradientPenalty > 0 {  // slopes along the sample, not its batch's features
                loss = loss + Float(options.gradientPenalty / 2) * meanSquaredInputGradient(
                    model.discriminator, at: realInput, firstColumns: options.codeSize)
            }
            loss.backward()
            discriminatorOptimizer.step()
            values["discriminator"] = Double(loss.scalarValue)
            values["discriminator_accuracy"] = discriminatorAccuracy(realLogits: realLogits,
                                                                     fakeLogits: fakeLogits)
        }

        // Phase 3: generator, the encoder's fresh codes should be called "prior".
        if adversarial {
            zeroAllGradients()
            let fakeLogits = model.judge(model.encoder(batch.inputs))
            let loss = chooseImplementation(useYours: usesYourExercise, yours: {
                try Exercises.generatorLoss(codeLogits: fakeLogits)
            }, library: { generatorLoss(fakeLogits: fakeLogits) })
            loss.backward()
            generatorOptimizer.step()
            values["generator"] = Double(loss.scalarValue)
        }
        return values
    } afterEpoch: { _ in ["logit_spread": logitSpread(model, in: setting)] }
    return (model, history)
}
// ANCHOR_END: training

// ANCHOR: evaluation
/// A fresh probe of the discriminator's shape, trained to tell `trainRows` from as many prior
/// samples and tested on `testRows` against as many fresh ones.
func trainProbe(_ name: String, trainRows: Tensor<Float>, testRows: Tensor<Float>,
                in setting: Setting) throws -> TwoSampleProbe {
    let (run, prior, width) = (setting.run, setting.prior, setting.options.discriminatorWidth)
    return try run.twoSampleProbe(
        name, real: prior.sample(trainRows.rowCount, generator: run.generator), fake: trainRows,
        heldOutReal: prior.sample(testRows.rowCount, generator: run.generator),
        heldOutFake: testRows, hiddenSizes: [width, width], epochs: run.scaled(full: 3, quick: 1))
}

/// How far one model's codes are from the prior, recorded under `key`: MMD² of the monitor codes
/// against the monitor prior samples (bandwidth σ), and the held-out accuracy of a fresh probe of
/// the discriminator's shape, trained on all training codes against as many prior samples. Also
/// records the test loss and the codes' RMS. Returns the monitor codes, the test codes and the
/// probe, for the figures.
func evaluate(_ key: String, _ model: AutoencoderWithDiscriminator, bandwidth: Double,
              in setting: Setting) throws
    -> (codes: Tensor<Float>, testCodes: Tensor<Float>, probe: TwoSampleProbe) {
    let run = setting.run
    let codes = mapOverBatches(setting.monitor) { model.encoder($0) }
    let trainCodes = mapOverBatches(setting.train) { model.encoder($0) }
    let testCodes = mapOverBatches(setting.test) { model.encoder($0) }
    let probe = try trainProbe(key, trainRows: trainCodes, testRows: testCodes, in: setting)
    run.record("probe_accuracy_\(key)", probe.accuracy)
    run.record("mmd_\(key)",
               squaredMaximumMeanDiscrepancy(codes, setting.monitorPrior, bandwidth: bandwidth))
    run.record("test_loss_\(key)", meanReconstructionLoss(setting.test) { model($0).logits })
    run.record("code_rms_\(key)", rootMeanSquare(codes))
    return (codes, testCodes, probe)
}
// ANCHOR_END: evaluation

/// Test codes (first two dimensions) coloured by class over prior samples in grey, one panel per
/// model, each with its own axes.
func drawCodes(_ panels: [(label: String, codes: Tensor<Float>)], setting: Setting,
               classNames: [String]) throws {
    let background = setting.monitorPrior.rowArrays
    let plots = panels.map { label, codes in
        ScatterPlot(title: label, xLabel: "z₁", yLabel: "z₂", x: codes.rowArrays.map { $0[0] },
                    y: codes.rowArrays.map { $0[1] }, classes: setting.monitor.labels,
                    classNames: classNames, backgroundX: background.map { $0[0] },
                    backgroundY: background.map { $0[1] }, backgroundName: "prior sample")
    }
    try SmallMultiples(title: "Test codes over prior samples", panels: plots, sharesAxes: false)
        .write(to: setting.run.figure("codes"), width: 1100, height: 480)
}

/// Where each probe calls a point "code": 1 − σ(logit) over a 101 × 101 grid of the square
/// ±(extent + 1.5) in (z₁, z₂), any further code dimensions 0, under the first 2000 rows it was
/// tested on.
func drawProbeMaps(_ panels: [(label: String, probe: TwoSampleProbe, rows: Tensor<Float>)],
                   setting: Setting) throws {
    let axis = setting.prior.axis(101, margin: 1.5)
    let grid = setting.prior.codes(at: axis.flatMap { z2 in axis.map { z1 in (z1, z2) } })
    let maps = panels.map { label, probe, rows in
        // P(code) = 1 − σ(logit) = σ(−logit), the logit saying "prior sample".
        let codeProbabilities = withoutGradients { sigmoid(-probe.network(grid)) }.scalars
            .map { Double($0) }
        let points = rows.rowArrays.prefix(2000)
        return ProbabilityMap(
            title: label, xLabel: "z₁", yLabel: "z₂", gridX: axis, gridY: axis,
            probabilities: codeProbabilities, lowName: "probe: prior sample",
            highName: "probe: code", pointX: points.map { Double($0[0]) },
            pointY: points.map { Double($0[1]) }, pointName: "held-out rows")
    }
    try SmallMultiples(title: "Where the probe tells its rows from prior samples", panels: maps)
        .write(to: setting.run.figure("probe"), width: 1100, height: 500)
}

// ANCHOR: generation
/// The decoder over a 15 × 15 grid of codes spanning the prior's support in (z₁, z₂), any
/// further code dimensions 0; the column and row labels give z₁ and z₂.
func drawGeneration(_ model: AutoencoderWithDiscriminator, setting: Setting) throws {
    let (prior, steps) = (setting.prior, 15)
    let axis = prior.axis(steps)
    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 1)
    grid.columnLabels = axis.indices.filter { $0 % 2 == 0 }
        .map { .init(String(format: $0 == 0 ? "z₁ = %+.1f" : "%+.1f", axis[$0]), column: $0) }
    for z2 in axis.reversed() {
        grid.addRow(label: String(format: "z₂ = %+.1f", z2), images: images(
            fromLogits: model.decoder(prior.codes(at: axis.map { z1 in (z1, z2) }))))
    }
    try grid.write(to: setting.run.figure("generation"))
}
// ANCHOR_END: generation

/// Left: both reconstruction losses; middle: the adversarial game's losses (means over 20 steps);
/// right: the spread of each model's discriminator logits after every epoch.
func drawTraining(_ plain: TrainingHistory, _ adversarial: TrainingHistory,
                  setting: Setting) throws {
    let stepsPerEpoch = Double((setting.train.count + 99) / 100)
    func smoothed(_ history: TrainingHistory, _ key: String, _ label: String, color: Int,
                  dashed: Bool = false) -> LineSeries {
        let window = min(20, max(1, history.steps.count / 10))
        let means = history.windowedStepMeans(key, window: window)
        return LineSeries(name: label, x: means.centres.map { $0 / stepsPerEpoch }, y: means.means,
                          color: Palette.color(at: color), dashed: dashed)
    }
    let spreads = [plain, adversarial].map { $0.series("logit_spread") }
    let epochs = spreads[0].indices.map { Double($0 + 1) }
    try SmallMultiples(title: "Training", xLabel: "epoch", panels: [
        LinePlot(title: "reconstruction BCE per pixel", yLabel: "BCE", series: [
            smoothed(plain, "reconstruction", "plain autoencoder", color: 0, dashed: true),
            smoothed(adversarial, "reconstruction", "adversarial autoencoder", color: 1)]),
        LinePlot(title: "adversarial game", yLabel: "BCE", series: [
            smoothed(adversarial, "discriminator", "discriminator", color: 2),
            smoothed(adversarial, "generator", "generator", color: 3)],
                 referenceLines: [.horizontal(log(2), label: "ln 2")]),
        LinePlot(title: "spread of the discriminator's logits", yLabel: "standard deviation",
                 series: [LineSeries(name: "plain autoencoder", x: epochs, y: spreads[0],
                                     color: Palette.color(at: 0), dashed: true),
                          LineSeries(name: "adversarial autoencoder", x: epochs, y: spreads[1],
                                     color: Palette.color(at: 1))],
                 logarithmicY: true),
    ], sharesAxes: false).write(to: setting.run.figure("training"), width: 1400, height: 440)
}

runChapter("adversarial", options: Options.self) { options, run in
    let (train, test, classNames) = try run.loadImages()
    let prior = Prior(kind: options.prior, codeSize: options.codeSize)
    // Up to 1000 test images in random order, and as many prior samples, for the spread and MMD².
    let monitorCount = min(1000, test.count)
    let setting = Setting(
        options: options, run: run, prior: prior, train: train, test: test,
        monitor: test.selecting(Array(run.generator.shuffledIndices(test.count).prefix(monitorCount))),
        monitorPrior: prior.sample(monitorCount, generator: run.generator))

    let plain = try trainModel("plain", adversarial: false, in: setting)
    let adversarial = try trainModel("adversarial", adversarial: true, in: setting)
    let width = options.discriminatorWidth, code = options.codeSize
    let seen = adversarial.model.discriminatorInputSize
    try run.saveCheckpoint(adversarial.model.namedParameters, name: "adversarial_autoencoder",
        architecture: "encoder MLP 784-256-256-\(code) | decoder \(code)-256-256-784 logits | "
            + "discriminator \(seen)-\(width)-\(width)-1; ReLU; prior \(options.prior.rawValue)")

    // One bandwidth for both models: the median distance between prior samples. Two independent
    // prior samples give the floor a perfect encoder could reach.
    let bandwidth = medianHeuristicBandwidth(setting.monitorPrior)
    run.record("mmd_bandwidth", bandwidth)
    let secondPrior = prior.sample(monitorCount, generator: run.generator)
    run.record("mmd_prior_vs_prior", squaredMaximumMeanDiscrepancy(
        secondPrior, setting.monitorPrior, bandwidth: bandwidth))
    run.record("code_rms_prior", rootMeanSquare(setting.monitorPrior))
    // The probe's own floor: prior samples in place of the codes.
    let floorTrainRows = prior.sample(train.count, generator: run.generator)
    let floorRows = prior.sample(test.count, generator: run.generator)
    let floorProbe = try trainProbe("prior", trainRows: floorTrainRows, testRows: floorRows,
                                    in: setting)
    run.record("probe_accuracy_prior_vs_prior", floorProbe.accuracy)
    let models = [("plain", "plain autoencoder", plain),
                  ("adversarial", "adversarial autoencoder", adversarial)]
    var panels: [(label: String, codes: Tensor<Float>)] = []
    var probes: [(label: String, probe: TwoSampleProbe, rows: Tensor<Float>)] = []
    for (key, label, trained) in models {
        let evaluation = try evaluate(key, trained.model, bandwidth: bandwidth, in: setting)
        panels.append((label, evaluation.codes))
        if key == "adversarial" { probes.append((label, evaluation.probe, evaluation.testCodes)) }
        run.record("discriminator_accuracy_\(key)",
                   trained.history.series("discriminator_accuracy").last ?? .nan)
        run.record("logit_spread_\(key)", trained.history.series("logit_spread").last ?? .nan)
    }
    for (name, value) in ["code_size": Double(code), "discriminator_width": Double(width),
        "reconstruction_learning_rate": options.reconstructionLearningRate,
        "discriminator_learning_rate": options.discriminatorLearningRate,
        "generator_learning_rate": options.generatorLearningRate,
        "discriminator_steps": Double(options.discriminatorSteps),
        "label_smoothing": options.labelSmoothing, "adversarial_beta1": options.adversarialBeta1,
        "gradient_penalty": options.gradientPenalty,
        "minibatch_features": options.minibatchFeatures ? 1 : 0] { run.record(name, value) }
    let bandwidths = AutoencoderWithDiscriminator.densityBandwidths.map { String(format: "%g", $0) }
    run.record(text: "density_bandwidths",
               bandwidths.dropLast().joined(separator: ", ") + " and " + (bandwidths.last ?? ""))
    run.record(text: "prior", options.prior == .gaussian
        ? "a standard Gaussian" : "a mixture of 10 Gaussians on a circle")

    try drawCodes(panels, setting: setting, classNames: classNames)
    try drawProbeMaps(probes + [("two samples of the prior", floorProbe, floorRows)],
                      setting: setting)
    try drawGeneration(adversarial.model, setting: setting)
    // Both decoders fed the same 12 samples of the prior: only one was trained on such codes.
    let samples = prior.sample(12, generator: run.generator)
    var sampleGrid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 2)
    for (_, label, trained) in models {
        sampleGrid.addRow(label: label, images: images(fromLogits: trained.model.decoder(samples)))
    }
    try sampleGrid.write(to: run.figure("prior_samples"))
    try drawTraining(plain.history, adversarial.history, setting: setting)
}
