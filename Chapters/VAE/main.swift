// Chapter "vae": the variational autoencoder.
//
// Follows Kingma & Welling, "Auto-Encoding Variational Bayes" (ICLR 2014), and the model of
// pytorch/examples vae/main.py (fc1 784→400 ReLU, fc21/fc22 400→20 mean and log-variance,
// fc3 20→400 ReLU, fc4 400→784 logits; Adam 1e-3, batch 128, 10 epochs). Active units and the
// importance-weighted bound on log p(x) as in Burda, Grosse & Salakhutdinov, "Importance Weighted
// Autoencoders" (ICLR 2016); KL warm-up as in Bowman et al., "Generating Sentences from a
// Continuous Space" (CoNLL 2016) and Sønderby et al., "Ladder Variational Autoencoders" (2016).
import ArgumentParser
import ChapterKit
import Exercises
import Datasets
import Figures
import Foundation
import TensorEngine

/// Exercise vae.1: `true` runs this chapter with your function(s) from Sources/Exercises/VAE.swift.
let usesYourExercise = false

// ANCHOR: options
struct Options: ChapterOptions {
    static let summary = "The variational autoencoder, its ELBO, β and latent space."
    static let defaultEpochs = 10
    @OptionGroup var common: CommonOptions
    @Option(help: "Weight β of the KL term (β-VAE); 1 is the plain VAE.") var beta = 1.0
    @Option(help: "Latent units of the main model.") var latentSize = 20
    @Flag(help: "Decoder loss: summed squared error of sigmoid outputs, not cross-entropy.")
    var mse = false
    @Option(help: "Epochs over which β rises linearly from 0 in the warm-up model.")
    var warmUpEpochs = 5
    @Option(help: "Largest number K of importance samples per test image.")
    var importanceSamples = 1000
    @Option(help: "Class of the first image of the interpolation figure (0–9).") var fromClass = 0
    @Option(help: "Class of the last image of the interpolation figure (0–9).") var toClass = 7
    func check() throws {
        try requirePositive(beta, flag: "--beta")
        try requireAtLeast(1, latentSize, flag: "--latent-size")
        try requireAtLeast(1, warmUpEpochs, flag: "--warm-up-epochs")
        try requireInRange(importanceSamples, 100...100_000, flag: "--importance-samples")
        try requireInRange(fromClass, 0...9, flag: "--from-class")
        try requireInRange(toClass, 0...9, flag: "--to-class")
    }
}
// ANCHOR_END: options

// ANCHOR: model
/// What the encoder says about one batch: the mean and log-variance of q(z|x) per row.
struct Posterior { var mean: Tensor<Float>; var logVariance: Tensor<Float> }
/// One pass through the VAE.
struct VAEOutput { var logits: Tensor<Float>; var posterior: Posterior; var code: Tensor<Float> }

/// pytorch/examples' VAE, with its parameter names (fc1, fc21, fc22, fc3, fc4).
final class VariationalAutoencoder {
    let fc1, fc21, fc22, fc3, fc4: Linear<Float>

    init(latentSize: Int, generator: SeededGenerator) {
        fc1 = Linear(inputSize: 784, outputSize: 400, generator: generator)
        fc21 = Linear(inputSize: 400, outputSize: latentSize, generator: generator)
        fc22 = Linear(inputSize: 400, outputSize: latentSize, generator: generator)
        fc3 = Linear(inputSize: latentSize, outputSize: 400, generator: generator)
        fc4 = Linear(inputSize: 400, outputSize: 784, generator: generator)
    }

    func encode(_ images: Tensor<Float>) -> Posterior {
        let hidden = fc1(images, activation: .relu)
        return Posterior(mean: fc21(hidden), logVariance: fc22(hidden))
    }

    /// Logits of the 784 pixel probabilities.
    func decode(_ code: Tensor<Float>) -> Tensor<Float> { fc4(fc3(code, activation: .relu)) }

    /// The reparameterisation trick: z = μ + σ ⊙ ε with ε ~ N(0, I),
    /// so gradients reach μ and σ.
    func callAsFunction(_ images: Tensor<Float>, generator: SeededGenerator) -> VAEOutput {
        let posterior = encode(images)
        let noise = Tensor<Float>(randomNormal: posterior.mean.shape, generator: generator)
        let code = chooseImplementation(useYours: usesYourExercise, yours: {
            try Exercises.reparameterise(mean: posterior.mean, logVariance: posterior.logVariance,
                                         noise: noise)
        }, library: { posterior.mean + exp(0.5 * posterior.logVariance) * noise })
        return VAEOutput(logits: decode(code), posterior: posterior, code: code)
    }

    var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        [("fc1", fc1), ("fc21", fc21), ("fc22", fc22), ("fc3", fc3), ("fc4", fc4)]
            .flatMap { prefix, layer in prefixed(prefix, layer.namedParameters) }
    }
}
// ANCHOR_END: model

// ANCHOR: loss
/// The negative ELBO's two parts, each in nats per image averaged over the batch.
struct VAELoss {
    var reconstruction: Tensor<Float>, divergence: Tensor<Float>
    func total(beta: Double) -> Tensor<Float> { reconstruction + Float(beta) * divergence }
}

/// −log p(x | z) summed over the 784 pixels (for `mse`, up to a constant): the mean over the
/// batch (`.batchMean`), or one value per image, [n, 1] (`.none`).
func reconstructionLoss(logits: Tensor<Float>, images: Tensor<Float>, mse: Bool,
                        reduction: Reduction = .batchMean) -> Tensor<Float> {
    let loss = mse
        ? meanSquaredError(predicted: sigmoid(logits), expected: images, reduction: reduction)
        : sigmoidCrossEntropy(logits: logits, labels: images, reduction: reduction)
    return reduction == .none ? loss.sum(alongAxis: 1) : loss
}

func loss(of output: VAEOutput, images: Tensor<Float>, mse: Bool) -> VAELoss {
    // Sum over the 784 pixels of each image, mean over the batch.
    let reconstruction = reconstructionLoss(logits: output.logits, images: images, mse: mse)
    // KL(q(z|x) ‖ N(0, I)) in closed form, summed over latent units, mean over the batch.
    let (mean, logVariance) = (output.posterior.mean, output.posterior.logVariance)
    let divergence = chooseImplementation(useYours: usesYourExercise, yours: {
        try Exercises.gaussianKL(mean: mean, logVariance: logVariance)
    }, library: { gaussianKLDivergence(mean: mean, logVariance: logVariance) })
    return VAELoss(reconstruction: reconstruction, divergence: divergence)
}
// ANCHOR_END: loss

/// The test loss and its parts (nats per image, one z sample per image) over a whole set.
func evaluate(_ model: VariationalAutoencoder, on examples: Examples, beta: Double, mse: Bool,
              generator: SeededGenerator) -> [String: Double] {
    let perImage = mapOverBatches(examples) { images in
        let output = model(images, generator: generator)
        let posterior = output.posterior
        let divergence = gaussianKLDivergence(mean: posterior.mean,
            logVariance: posterior.logVariance, reduction: .none).sum(alongAxis: 1)
        let reconstruction = reconstructionLoss(logits: output.logits, images: images, mse: mse,
                                                reduction: .none)
        return concatenateColumns([reconstruction, divergence])
    }.mean(alongAxis: 0).scalars.map(Double.init)
    return ["test_loss": perImage[0] + beta * perImage[1], "test_reconstruction": perImage[0],
            "test_kl": perImage[1], "test_negative_elbo": perImage[0] + perImage[1]]
}

/// Var_x(μ_j(x)) of each latent unit's posterior mean over a set (Burda et al. 2016).
func posteriorMeanVariances(_ model: VariationalAutoencoder, _ examples: Examples) -> [Double] {
    let means = mapOverBatches(examples) { model.encode($0).mean }
    let centred = means - means.mean(alongAxis: 0)
    return (centred * centred).mean(alongAxis: 0).scalars.map(Double.init)
}

// ANCHOR: training
/// Trains a VAE with KL weight β, or with β rising linearly from 0 over `warmUpEpochs` (KL
/// warm-up), on grey-level images or on dynamically `binarise`d ones.
func trainVAE(_ name: String, latentSize: Int, epochs: Int, warmUpEpochs: Int = 0,
              binarise: Bool = false, options: Options, train: Examples, test: Examples,
              run: ChapterRun) throws -> (model: VariationalAutoencoder, history: TrainingHistory) {
    let model = VariationalAutoencoder(latentSize: latentSize, generator: run.generator)
    let mse = options.mse && !binarise  // binarised images: always the Bernoulli likelihood
    var optimizer = Adam(parameters: model.namedParameters.map(\.tensor), learningRate: 1e-3)
    let warmUpSteps = Double(warmUpEpochs * ((train.count + 127) / 128))
    var step = 0.0
    let history = try run.train(name, epochs: epochs, data: train, batchSize: 128) { batch in
        let images = binarise ? binarised(batch.inputs, generator: run.generator) : batch.inputs
        let beta = options.beta * (warmUpSteps > 0 ? min(1, step / warmUpSteps) : 1)
        step += 1
        optimizer.zeroGradients()
        let parts = loss(of: model(images, generator: run.generator), images: images, mse: mse)
        let total = parts.total(beta: beta)
        total.backward()
        optimizer.step()
        return ["loss": Double(total.scalarValue), "beta": beta,
                "reconstruction": Double(parts.reconstruction.scalarValue),
                "kl": Double(parts.divergence.scalarValue)]
    } afterEpoch: { _ in
        let activeUnits = posteriorMeanVariances(model, test).filter { $0 > 0.01 }.count
        return evaluate(model, on: test, beta: options.beta, mse: mse, generator: run.generator)
            .merging(["active_units": Double(activeUnits)]) { $1 }
    }
    return (model, history)
}
// ANCHOR_END: training

// ANCHOR: likelihood
/// Importance-weighted bounds L_k on log p(x) for k = 1, 10, 100, … up to `largestK`, for each
/// image of `images`, with log p(x | z) = −(the chapter's reconstruction loss).
func likelihoodBounds(_ model: VariationalAutoencoder, images: Examples, largestK: Int, mse: Bool,
                      generator: SeededGenerator) -> ImportanceWeightedBounds {
    let counts = (0...5).map { Int(pow(10, Double($0))) }.filter { $0 < largestK } + [largestK]
    let posterior = withoutGradients { model.encode(images.matrix) }
    return importanceWeightedBounds(mean: posterior.mean, logVariance: posterior.logVariance,
                                    sampleCounts: counts, generator: generator) { codes, row in
        let image = images.batch(repeatElement(row, count: codes.rowCount))  // [K, 784]
        let logits = model.decode(codes)
        return -reconstructionLoss(logits: logits, images: image, mse: mse, reduction: .none)
    }
}
// ANCHOR_END: likelihood

/// Straight lines between the two rows of `ends`, in 10 steps, row after row.
func interpolate(_ ends: [[Float]]) -> [[Float]] {
    (0..<10).map { step in zip(ends[0], ends[1]).map { $0 + Float(step) / 9 * ($1 - $0) } }
}

/// A line plot of per-epoch values, one named series each.
func epochPlot(_ title: String, _ yLabel: String, _ series: [(String, [Double])]) -> LinePlot {
    LinePlot(title: title, xLabel: "epoch", yLabel: yLabel,
             series: series.map { LineSeries(name: $0.0, y: $0.1) }, showsMarkers: true)
}

runChapter("vae", options: Options.self) { options, run in
    let (train, test, classNames) = try run.loadImages()
    let size = options.latentSize
    func record(_ suffix: String, _ vae: VariationalAutoencoder, on set: Examples,
                mse: Bool = options.mse) {
        let results = evaluate(vae, on: set, beta: options.beta, mse: mse, generator: run.generator)
        for (key, value) in results.sorted(by: { $0.key < $1.key }) {
            run.record(key + suffix, value)
        }
    }

    // Main model: the configuration of pytorch/examples.
    let (model, history) = try trainVAE("vae", latentSize: size, epochs: run.epochs(),
                                        options: options, train: train, test: test, run: run)
    record("", model, on: test)
    run.record("beta", options.beta)
    run.record("latent_size", Double(size))
    try run.saveCheckpoint(model.namedParameters, name: "vae", architecture: "pytorch/examples "
        + "vae/main.py VAE, latent size \(size) (fc21/fc22 400→\(size), fc3 \(size)→400); load "
        + "with VAE().load_state_dict(safetensors.torch.load_file(path))")

    // ANCHOR: active-units
    // Unit j is active if Var_x(E_q[z_j | x]) = Var_x(μ_j(x)) over the test set exceeds 0.01.
    let variances = posteriorMeanVariances(model, test)
    let activeUnits = variances.filter { $0 > 0.01 }.count
    // ANCHOR_END: active-units
    run.record("active_units", Double(activeUnits))
    run.record(text: "unit_variances", variances.enumerated().sorted { $0.element > $1.element }
        .map { String(format: "z%-3d %8.4f", $0.offset + 1, $0.element)
            + ($0.element > 0.01 ? "  active" : "") }
        .joined(separator: "\n"))

    // Figures: reconstructions of the first test image of every class; 64 samples from the prior.
    let firstOfClass = (0..<classNames.count).map { label in test.labels.firstIndex(of: label)! }
    let originals = test.selecting(firstOfClass).matrix
    let (means, codes) = withoutGradients {
        (model.encode(originals).mean, model(originals, generator: run.generator).code)
    }
    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    grid.addRow(label: "test image", images: originals.rowArrays)
    grid.addRow(label: "decoded μ", images: images(fromLogits: model.decode(means)))
    grid.addRow(label: "decoded z", images: images(fromLogits: model.decode(codes)))
    try grid.write(to: run.figure("reconstructions"))
    var samples = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    let priorCodes = Tensor<Float>(randomNormal: [64, size], generator: run.generator)
    samples.addRows(images: images(fromLogits: model.decode(priorCodes)), columns: 8)
    try samples.write(to: run.figure("samples"))

    // ANCHOR: two-dimensional
    // A second model with a 2-D latent space, to look at directly.
    let (planar, planarHistory) = try trainVAE("vae-2d", latentSize: 2,
        epochs: run.scaled(full: 5, quick: 1), options: options, train: train, test: test, run: run)
    let quantiles = (0..<20).map { Float(normalQuantile((Double($0) + 0.5) / 20)) }
    let gridCodes = quantiles.reversed().flatMap { y in quantiles.flatMap { x in [x, y] } }
    // ANCHOR_END: two-dimensional
    record("_2d", planar, on: test)
    run.record("epochs_2d", Double(planarHistory.epochs.count))
    var manifold = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 0)
    let gridCodesTensor = Tensor(shape: [400, 2], scalars: gridCodes)
    manifold.addRows(images: images(fromLogits: planar.decode(gridCodesTensor)), columns: 20)
    try manifold.write(to: run.figure("manifold"))
    let planarMeans = mapOverBatches(test) { planar.encode($0).mean }.rowArrays
    try ScatterPlot(title: "Test images at their 2-D posterior means", xLabel: "μ₁", yLabel: "μ₂",
                    x: planarMeans.map { $0[0] }, y: planarMeans.map { $0[1] },
                    classes: test.labels, classNames: classNames)
        .write(to: run.figure("codes_2d"), width: 900, height: 650)

    // Figure: interpolation between two test images, in pixel space and through the latent means.
    let ends = test.selecting([options.fromClass, options.toClass].map { firstOfClass[$0] }).matrix
    var interpolation = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    interpolation.addRow(label: "pixel space", images: interpolate(ends.rowArrays))
    for (label, vae) in [("latent space", model), ("2-D latent", planar)] {
        let path = interpolate(withoutGradients { vae.encode(ends).mean }.rowArrays)
        interpolation.addRow(label: label, images: images(fromLogits: vae.decode(Tensor(path))))
    }
    try interpolation.write(to: run.figure("interpolation"))

    // Figure: training and test curves of both parts of the loss.
    let parts = [("reconstruction", "reconstruction"), ("KL(q(z|x) ‖ p(z))", "kl")]
    let lossPanels = parts.map { title, key in
        epochPlot(title, "nats per image", [
            ("train (mean over the epoch)", history.series(key)),
            ("test (after the epoch)", history.series("test_" + key)),
        ])
    }
    try SmallMultiples(title: "Negative ELBO, \(size)-D model", panels: lossPanels,
                       sharesAxes: false)
        .write(to: run.figure("loss_curves"), width: 1100, height: 450)

    // How loose is the ELBO? A model of dynamically binarised images, whose p(x) is a true
    // likelihood, then importance-weighted bounds for both models on a balanced test subset.
    // ANCHOR: binarised
    let binaryTest = Examples(features: binarised(test.matrix, generator: run.generator).scalars,
                              featureCount: 784, labels: test.labels)
    let (binaryModel, _) = try trainVAE("vae-binarised", latentSize: size, epochs: run.epochs(),
        binarise: true, options: options, train: train, test: binaryTest, run: run)
    // ANCHOR_END: binarised
    record("_binarised", binaryModel, on: binaryTest, mse: false)
    // A class-balanced subset of the test set: 50 images per class (2 with --quick).
    let subset = Batching.firstIndicesPerClass(labels: test.labels,
                                               perClass: run.scaled(full: 50, quick: 2))
    // The entropy of the binarisation noise, per image: no model can beat it on average.
    for (key, images) in [("", test), ("_subset", test.selecting(subset))] {
        let entropy = binaryEntropy(images.matrix).mean().scalarValue
        run.record("binarisation_entropy" + key, Double(entropy))
    }
    run.record("likelihood_images", Double(subset.count))
    run.record("importance_samples", Double(options.importanceSamples))
    for (key, vae, images) in [("", model, test), ("_binarised", binaryModel, binaryTest)] {
        let bounds = likelihoodBounds(vae, images: images.selecting(subset),
                                      largestK: options.importanceSamples,
                                      mse: options.mse && key.isEmpty, generator: run.generator)
        // −L_k ≥ −log p(x), in nats per image: the numbers the literature reports.
        for (k, bound) in zip(bounds.sampleCounts, bounds.means) {
            run.record("bound\(key)_k\(k)", -bound)
        }
        run.record("bound\(key)_largest_k", -bounds.means.last!)
        run.record("bound\(key)_gain", bounds.means.last! - bounds.means.first!)
    }

    // ANCHOR: warm-up
    // KL warm-up: the same model with β rising from 0 to its full value over the first epochs.
    let (warmModel, warmHistory) = try trainVAE(
        "vae-warm-up", latentSize: size, epochs: run.epochs(), warmUpEpochs: options.warmUpEpochs,
        options: options, train: train, test: test, run: run)
    // ANCHOR_END: warm-up
    record("_warm_up", warmModel, on: test)
    run.record("warm_up_epochs", Double(options.warmUpEpochs))
    let warmVariances = posteriorMeanVariances(warmModel, test)
    for threshold in [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1] {
        for (suffix, values) in [("", variances), ("_warm_up", warmVariances)] {
            let count = values.filter { $0 > threshold }.count
            run.record("units_above_\(threshold)\(suffix)", Double(count))
        }
    }
    let warmUpName = "warm-up over \(options.warmUpEpochs) epochs"
    let measures = [("active units (Var μ_j > 0.01)", "active_units"),
                    ("KL(q(z|x) ‖ p(z)), nats per image", "test_kl"),
                    ("reconstruction, nats per image", "test_reconstruction")]
    let warmUpPanels = measures.map { title, key in
        epochPlot(title, "", [("plain", history.series(key)),
                              (warmUpName, warmHistory.series(key))])
    }
    try SmallMultiples(title: "KL warm-up, test set after each epoch", yLabel: "",
                       panels: warmUpPanels, sharesAxes: false)
        .write(to: run.figure("warm_up"), width: 1200, height: 420)
}
