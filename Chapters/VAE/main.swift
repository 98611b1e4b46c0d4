// Chapter "vae": the variational autoencoder.
//
// Follows Kingma & Welling, "Auto-Encoding Variational Bayes" (ICLR 2014), and the model of
// pytorch/examples vae/main.py (fc1 784→400 ReLU, fc21/fc22 400→20 mean and log-variance,
// fc3 20→400 ReLU, fc4 400→784 logits; Adam 1e-3, batch 128, 10 epochs). Active units as in
// Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders" (ICLR 2016).
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// ANCHOR: options
struct Options: ChapterOptions {
    static let summary = "The variational autoencoder, its ELBO, β and latent space."
    static let defaultEpochs = 10
    @OptionGroup var common: CommonOptions
    @Option(help: "Weight β of the KL term (β-VAE); 1 is the plain VAE.") var beta = 1.0
    @Option(help: "Latent units of the main model.") var latentSize = 20
    @Flag(help: "Decoder loss: summed squared error of sigmoid outputs instead of sigmoid cross-entropy.") var mse = false
    @Option(help: "Class of the first image of the interpolation figure (0–9).") var fromClass = 0
    @Option(help: "Class of the last image of the interpolation figure (0–9).") var toClass = 7
    func check() throws {
        try require(beta > 0 && beta.isFinite, "--beta must be a positive number, got \(beta)")
        try require(latentSize >= 1, "--latent-size must be at least 1, got \(latentSize)")
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
    let latentSize: Int

    init(latentSize: Int, generator: SeededGenerator) {
        self.latentSize = latentSize
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

    /// The reparameterisation trick: z = μ + σ ⊙ ε with ε ~ N(0, I), so gradients reach μ and σ.
    func callAsFunction(_ images: Tensor<Float>, generator: SeededGenerator) -> VAEOutput {
        let posterior = encode(images)
        let noise = Tensor<Float>(randomNormal: posterior.mean.shape, generator: generator)
        let code = posterior.mean + exp(0.5 * posterior.logVariance) * noise
        return VAEOutput(logits: decode(code), posterior: posterior, code: code)
    }

    var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        [("fc1", fc1), ("fc21", fc21), ("fc22", fc22), ("fc3", fc3), ("fc4", fc4)].flatMap { prefix, layer in
            prefixed(prefix, layer.namedParameters)
        }
    }
}
// ANCHOR_END: model

// ANCHOR: loss
/// The negative ELBO's two parts, each in nats per image averaged over the batch.
struct VAELoss {
    var reconstruction: Tensor<Float>, divergence: Tensor<Float>
    func total(beta: Double) -> Tensor<Float> { reconstruction + Float(beta) * divergence }
}

func loss(of output: VAEOutput, images: Tensor<Float>, mse: Bool) -> VAELoss {
    // Sum over the 784 pixels of each image, mean over the batch (.batchMean).
    let reconstruction = mse
        ? meanSquaredError(predicted: sigmoid(output.logits), expected: images, reduction: .batchMean)
        : sigmoidCrossEntropy(logits: output.logits, labels: images, reduction: .batchMean)
    // KL(q(z|x) ‖ N(0, I)) in closed form, summed over latent units, mean over the batch.
    let divergence = gaussianKLDivergence(mean: output.posterior.mean, logVariance: output.posterior.logVariance)
    return VAELoss(reconstruction: reconstruction, divergence: divergence)
}
// ANCHOR_END: loss

/// Test reconstruction and KL (nats per image, one z sample per image) over a whole set.
func evaluate(_ model: VariationalAutoencoder, on examples: Examples, mse: Bool, generator: SeededGenerator) -> (reconstruction: Double, divergence: Double) {
    let perImage = mapOverBatches(examples) { images in
        let output = model(images, generator: generator)
        let reconstruction = mse
            ? meanSquaredError(predicted: sigmoid(output.logits), expected: images, reduction: .none)
            : sigmoidCrossEntropy(logits: output.logits, labels: images, reduction: .none)
        let divergence = gaussianKLDivergence(mean: output.posterior.mean, logVariance: output.posterior.logVariance, reduction: .none)
        return concatenateColumns([reconstruction.sum(alongAxis: 1), divergence.sum(alongAxis: 1)])
    }.mean(alongAxis: 0).scalars
    return (Double(perImage[0]), Double(perImage[1]))
}

// ANCHOR: training
func trainVAE(_ name: String, latentSize: Int, epochs: Int, options: Options, train: Examples, test: Examples,
              run: ChapterRun) throws -> (model: VariationalAutoencoder, history: TrainingHistory) {
    let model = VariationalAutoencoder(latentSize: latentSize, generator: run.generator)
    var optimizer = Adam(parameters: model.namedParameters.map(\.tensor), learningRate: 1e-3)
    let history = try run.train(name, epochs: epochs, data: train, batchSize: 128) { batch in
        optimizer.zeroGradients()
        let parts = loss(of: model(batch.inputs, generator: run.generator), images: batch.inputs, mse: options.mse)
        let total = parts.total(beta: options.beta)
        total.backward()
        optimizer.step()
        return ["loss": Double(total.scalarValue), "reconstruction": Double(parts.reconstruction.scalarValue),
                "kl": Double(parts.divergence.scalarValue)]
    } afterEpoch: { _ in
        let test = evaluate(model, on: test, mse: options.mse, generator: run.generator)
        return ["test_loss": test.reconstruction + options.beta * test.divergence,
                "test_reconstruction": test.reconstruction, "test_kl": test.divergence]
    }
    return (model, history)
}
// ANCHOR_END: training

func probabilities(_ model: VariationalAutoencoder, codes: Tensor<Float>) -> [[Float]] {
    withoutGradients { sigmoid(model.decode(codes)).rowArrays }
}

runChapter("vae", options: Options.self) { options, run in
    let (train, test, classNames) = try run.loadImages()

    // Main model: the configuration of pytorch/examples.
    let (model, history) = try trainVAE("vae", latentSize: options.latentSize, epochs: run.epochs(),
                                        options: options, train: train, test: test, run: run)
    let final = evaluate(model, on: test, mse: options.mse, generator: run.generator)
    run.record("test_loss", final.reconstruction + options.beta * final.divergence)
    run.record("test_reconstruction", final.reconstruction)
    run.record("test_kl", final.divergence)
    run.record("test_negative_elbo", final.reconstruction + final.divergence)
    run.record("train_loss", history.series("loss").last ?? .nan)
    run.record("beta", options.beta)
    run.record("latent_size", Double(options.latentSize))
    try run.saveCheckpoint(model.namedParameters, name: "vae", architecture:
        "pytorch/examples vae/main.py class VAE with latent size \(options.latentSize): fc1 784→400 ReLU, fc21/fc22 400→\(options.latentSize) (mean, log-variance), fc3 \(options.latentSize)→400 ReLU, fc4 400→784 logits; load with VAE().load_state_dict(safetensors.torch.load_file(path))")

    // ANCHOR: active-units
    // Unit j is active if Var_x(E_q[z_j | x]) = Var_x(μ_j(x)) over the test set exceeds 0.01 (Burda et al. 2016).
    let means = mapOverBatches(test) { model.encode($0).mean }
    let centred = means - means.mean(alongAxis: 0)
    let variances = (centred * centred).mean(alongAxis: 0).scalars.map(Double.init)
    let activeUnits = variances.filter { $0 > 0.01 }.count
    // ANCHOR_END: active-units
    run.record("active_units", Double(activeUnits))
    run.record(text: "unit_variances", variances.enumerated().sorted { $0.element > $1.element }
        .map { String(format: "z%-3d %8.4f%@", $0.offset + 1, $0.element, $0.element > 0.01 ? "  active" : "") }.joined(separator: "\n"))

    // Figure: reconstructions of the first test image of every class (decoded from z = μ).
    let firstOfClass = (0..<classNames.count).map { label in test.labels.firstIndex(of: label)! }
    let originals = test.selecting(firstOfClass)
    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    grid.addRow(label: "test image", images: originals.matrix.rowArrays)
    grid.addRow(label: "decoded μ", images: probabilities(model, codes: withoutGradients { model.encode(originals.matrix).mean }))
    grid.addRow(label: "decoded z", images: withoutGradients { sigmoid(model(originals.matrix, generator: run.generator).logits).rowArrays })
    try grid.write(to: run.figure("reconstructions"))

    // Figure: 64 samples from the prior, shown as pixel probabilities.
    var samples = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    samples.addRows(images: probabilities(model, codes: Tensor(randomNormal: [64, options.latentSize], generator: run.generator)), columns: 8)
    try samples.write(to: run.figure("samples"))

    // Figure: interpolation between two test images, in pixel space and through the latent means.
    let ends = test.selecting([firstOfClass[options.fromClass], firstOfClass[options.toClass]]).matrix
    let steps = (0..<10).map { Float($0) / 9 }
    let endCodes = withoutGradients { model.encode(ends).mean }.rowArrays
    let codePath = steps.flatMap { t in zip(endCodes[0], endCodes[1]).map { (1 - t) * $0 + t * $1 } }
    let pixelRows = ends.rowArrays
    var interpolation = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
    interpolation.addRow(label: "pixel space", images: steps.map { t in zip(pixelRows[0], pixelRows[1]).map { (1 - t) * $0 + t * $1 } })
    interpolation.addRow(label: "latent space", images: probabilities(model, codes: Tensor(shape: [10, options.latentSize], scalars: codePath)))

    // ANCHOR: two-dimensional
    // A second model with a 2-D latent space, to look at directly.
    let (planar, planarHistory) = try trainVAE("vae-2d", latentSize: 2, epochs: run.scaled(full: 5, quick: 1),
                                               options: options, train: train, test: test, run: run)
    let quantiles = (0..<20).map { Float(normalQuantile((Double($0) + 0.5) / 20)) }
    let gridCodes = quantiles.reversed().flatMap { y in quantiles.flatMap { x in [x, y] } }
    // ANCHOR_END: two-dimensional
    let planarLoss = evaluate(planar, on: test, mse: options.mse, generator: run.generator)
    run.record("test_loss_2d", planarLoss.reconstruction + options.beta * planarLoss.divergence)
    run.record("test_reconstruction_2d", planarLoss.reconstruction)
    run.record("test_kl_2d", planarLoss.divergence)
    run.record("epochs_2d", Double(planarHistory.epochs.count))
    var manifold = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 0)
    manifold.addRows(images: probabilities(planar, codes: Tensor(shape: [400, 2], scalars: gridCodes)), columns: 20)
    try manifold.write(to: run.figure("manifold"))
    let planarMeans = mapOverBatches(test) { planar.encode($0).mean }
    try ScatterPlot(title: "Test images at their 2-D posterior means", xLabel: "μ₁", yLabel: "μ₂",
                    x: planarMeans.rowArrays.map { $0[0] }, y: planarMeans.rowArrays.map { $0[1] },
                    classes: test.labels, classNames: classNames)
        .write(to: run.figure("codes_2d"), width: 900, height: 650)
    let planarEnds = withoutGradients { planar.encode(ends).mean }.rowArrays
    interpolation.addRow(label: "2-D latent", images: probabilities(planar, codes: Tensor(shape: [10, 2],
        scalars: steps.flatMap { t in zip(planarEnds[0], planarEnds[1]).map { (1 - t) * $0 + t * $1 } })))
    try interpolation.write(to: run.figure("interpolation"))

    // Figure: training and test curves of both parts of the loss.
    func panel(_ title: String, _ trainKey: String, _ testKey: String) -> LinePlot {
        let epochs = (1...history.epochs.count).map(Double.init)
        return LinePlot(title: title, xLabel: "epoch", yLabel: "nats per image", series: [
            LineSeries(name: "train (mean over the epoch)", x: epochs, y: history.series(trainKey)),
            LineSeries(name: "test (after the epoch)", x: epochs, y: history.series(testKey)),
        ], showsMarkers: true)
    }
    try SmallMultiples(title: "Negative ELBO, \(options.latentSize)-D model", panels: [
        panel("reconstruction", "reconstruction", "test_reconstruction"), panel("KL(q(z|x) ‖ p(z))", "kl", "test_kl"),
    ], sharesAxes: false).write(to: run.figure("loss_curves"), width: 1100, height: 450)
}
