// Contractive autoencoder: make the code insensitive to small changes of the input by penalising
// the squared Frobenius norm of the encoder's Jacobian.
//
// Follows Rifai, Vincent, Muller, Glorot & Bengio, "Contractive Auto-Encoders: Explicit Invariance
// During Feature Extraction" (ICML 2011) — the closed form of ‖J_f(x)‖²_F for a sigmoid encoder —
// and the contractive-autoencoder section of Goodfellow, Bengio & Courville, "Deep Learning" (2016),
// §14.7. The denoising comparison follows Vincent et al. (2008) with Gaussian corruption.
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// MARK: - Configuration

struct Options: ChapterOptions {
    static let summary = "The contractive autoencoder penalises its encoder's Jacobian."
    static let defaultEpochs = 8
    @OptionGroup var common: CommonOptions
    @Option(help: "Weight λ of the contractive penalty (per image, beside the per-image BCE summed over pixels).")
    var lambda = 0.5
    @Option(help: "Code units of the sigmoid encoder.") var hiddenSize = 256
    @Option(help: "Standard deviation of the Gaussian corruption of the denoising autoencoder.") var noise = 0.3
    func check() throws {
        try require(lambda > 0 && lambda.isFinite, "--lambda must be positive, got \(lambda)")
        try require(hiddenSize >= 1, "--hidden-size must be at least 1, got \(hiddenSize)")
        try require(noise > 0 && noise.isFinite, "--noise must be positive, got \(noise)")
    }
}

// MARK: - Model

// ANCHOR: model
// One pass gives the engine's `AutoencoderOutput`: the code h and the reconstruction's logits.

/// One sigmoid layer h = σ(x Wᵀ + b) as encoder, one linear layer to pixel logits as decoder.
final class SigmoidAutoencoder {
    let encoder: Linear<Float>, decoder: Linear<Float>
    init(inputSize: Int, hiddenSize: Int, generator: SeededGenerator) {
        encoder = Linear(inputSize: inputSize, outputSize: hiddenSize, generator: generator)
        decoder = Linear(inputSize: hiddenSize, outputSize: inputSize, generator: generator)
    }
    func encode(_ x: Tensor<Float>) -> Tensor<Float> { encoder(x, activation: .sigmoid) }
    func callAsFunction(_ x: Tensor<Float>) -> AutoencoderOutput {
        let code = encode(x)
        return AutoencoderOutput(code: code, logits: decoder(code))
    }
    var parameters: [Tensor<Float>] { encoder.parameters + decoder.parameters }
    var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        prefixed("encoder.0", encoder.namedParameters) + prefixed("decoder.0", decoder.namedParameters)
    }
}
// ANCHOR_END: model

// ANCHOR: penalty
/// ‖J_f(x)‖²_F averaged over the batch, for h = σ(x Wᵀ + b): ∂h_j/∂x_i = h_j (1 − h_j) W_ji, so
/// ‖J‖²_F = Σ_j (h_j (1 − h_j))² Σ_i W_ji². Differentiable through both the code h and W.
func contractivePenalty(code h: Tensor<Float>, encoderWeight weight: Tensor<Float>) -> Tensor<Float> {
    let rowNorms = square(weight).sum(alongAxis: 1).reshaped(to: [1, weight.shape[0]])  // Σ_i W_ji², [1, H]
    return (square(h * (1 - h)) * rowNorms).sum(alongAxis: 1).mean()
}
// ANCHOR_END: penalty

// ANCHOR: jacobian
/// The full Jacobian J = diag(h (1 − h)) W at one input x [1, D]: [H, D].
func encoderJacobian(_ model: SigmoidAutoencoder, at x: Tensor<Float>) -> Tensor<Float> {
    withoutGradients {
        let h = model.encode(x)
        let slope = (h * (1 - h)).reshaped(to: [h.count, 1])  // a column, broadcast over W's rows
        return slope * model.encoder.weight
    }
}

/// The same Jacobian by reverse-mode autodiff through `model.encode`, whatever the encoder is: copy x
/// once per code unit, then one backward pass of Σ_j h_j(copy j) puts ∂h_j/∂x — row j of J — into
/// row j of the copies' gradient.
func autodiffJacobian(_ model: SigmoidAutoencoder, at x: Tensor<Float>) -> Tensor<Float> {
    let units = model.encoder.outputSize
    let copies = Tensor<Float>(shape: [units, x.count], scalars: Array([[Float]](repeating: x.scalars, count: units).joined()))
    copies.requiresGradient = true
    var identity = [Float](repeating: 0, count: units * units)
    for unit in 0..<units { identity[unit * units + unit] = 1 }
    (model.encode(copies) * Tensor(shape: [units, units], scalars: identity)).sum().backward()
    model.parameters.forEach { $0.zeroGradient() }  // the pass also reached the weights; training is over
    return copies.gradient!.detached()
}
// ANCHOR_END: jacobian

func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }

// MARK: - Chapter

runChapter("contractive", options: Options.self) { options, run in
    let (train, test, classNames) = try run.loadImages()
    let pixels = train.featureCount, epochs = run.epochs()
    let noise = Float(options.noise), lambda = Float(options.lambda)

    // ANCHOR: training
    /// Trains one autoencoder of the shared shape. The reconstruction loss is the BCE summed over the
    /// 784 pixels and averaged over the batch; `corrupt` makes the DAE's input, `penalty` the CAE's term.
    func trainAutoencoder(_ name: String, corrupt: ((Tensor<Float>) -> Tensor<Float>)? = nil,
                          penaltyWeight: Float? = nil) throws -> SigmoidAutoencoder {
        let model = SigmoidAutoencoder(inputSize: pixels, hiddenSize: options.hiddenSize, generator: run.generator)
        var optimizer = Adam(parameters: model.parameters)
        try run.train(name, epochs: epochs, data: train, batchSize: 128) { batch in
            optimizer.zeroGradients()
            let output = model(corrupt?(batch.inputs) ?? batch.inputs)
            let reconstruction = sigmoidCrossEntropy(logits: output.logits, labels: batch.inputs, reduction: .batchMean)
            var loss = reconstruction, values: [String: Double] = [:]
            if let penaltyWeight {
                let penalty = contractivePenalty(code: output.code, encoderWeight: model.encoder.weight)
                loss = reconstruction + penaltyWeight * penalty
                values["jacobian_norm2"] = Double(penalty.scalarValue)
            }
            loss.backward()
            optimizer.step()
            values["loss"] = Double(loss.scalarValue)
            return values
        } afterEpoch: { _ in
            ["test_bce": averageOverBatches(test) { Double(sigmoidCrossEntropy(logits: model($0.inputs).logits, labels: $0.inputs).scalarValue) }]
        }
        return model
    }

    let plain = try trainAutoencoder("plain AE")
    // The DAE's input: x̃ = clip(x + σ ε, 0, 1), ε ~ N(0, I), as in the denoising chapter.
    let denoising = try trainAutoencoder("denoising AE", corrupt: { gaussianCorruption($0, standardDeviation: noise, generator: run.generator) })
    let contractive = try trainAutoencoder("contractive AE", penaltyWeight: lambda)
    // ANCHOR_END: training
    let models: [(name: String, key: String, model: SigmoidAutoencoder)] =
        [("plain AE", "plain", plain), ("denoising AE", "denoising", denoising), ("contractive AE", "contractive", contractive)]
    try run.saveCheckpoint(contractive.namedParameters, name: "contractive",
                           architecture: "encoder: Linear(\(pixels), \(options.hiddenSize)) + sigmoid; decoder: Linear(\(options.hiddenSize), \(pixels)) to logits; λ = \(options.lambda)")

    // MARK: Check the closed form against autodiff
    // ANCHOR: check
    var checkLines = ["image  class         autodiff ‖J‖²_F   closed form   relative difference"]
    var worstDifference = 0.0
    for index in 0..<5 {
        let x = Tensor<Float>(shape: [1, pixels], scalars: test.row(index))
        let byAutodiff = Double(square(autodiffJacobian(contractive, at: x)).sum().scalarValue)
        let closedForm = Double(withoutGradients { contractivePenalty(code: contractive.encode(x), encoderWeight: contractive.encoder.weight) }.scalarValue)
        let difference = Swift.abs(byAutodiff - closedForm) / closedForm
        worstDifference = max(worstDifference, difference)
        let className = classNames[test.labels[index]].padding(toLength: 12, withPad: " ", startingAt: 0)
        checkLines.append(String(format: "%5d  ", index) + className + String(format: " %16.5f %13.5f %21.1e", byAutodiff, closedForm, difference))
    }
    run.record(text: "closed_form_check", checkLines.joined(separator: "\n"))
    run.record("closed_form_max_relative_difference", worstDifference)
    // ANCHOR_END: check

    // MARK: Compare the three models
    // ANCHOR: compare
    let perturbation = Float(0.05), spectrumPoints = run.scaled(full: 50, quick: 5)
    var spectra: [LineSeries] = []
    for (name, key, model) in models {
        let bce = averageOverBatches(test) { Double(sigmoidCrossEntropy(logits: model($0.inputs).logits, labels: $0.inputs).scalarValue) }
        let jacobianNorm = averageOverBatches(test) { batch in
            let h = model.encode(batch.inputs)
            let rowNorms = square(model.encoder.weight).sum(alongAxis: 1).reshaped(to: [1, model.encoder.outputSize])
            return Double(sqrt((square(h * (1 - h)) * rowNorms).sum(alongAxis: 1)).mean().scalarValue)  // mean ‖J‖_F
        }
        // How far the code moves for x + δ, δ ~ N(0, 0.05² I), against how far apart two test images' codes are.
        let noiseShift = averageOverBatches(test) { batch in
            let delta = Tensor<Float>(randomNormal: batch.inputs.shape, standardDeviation: perturbation, generator: run.generator)
            return Double(sqrt(square(model.encode(batch.inputs + delta) - model.encode(batch.inputs)).sum(alongAxis: 1)).mean().scalarValue)
        }
        let imageDistance = averageOverBatches(test) { batch in
            let shuffled = batch.inputs.gatheringRows(Array((1..<batch.size) + [0]))
            return Double(sqrt(square(model.encode(shuffled) - model.encode(batch.inputs)).sum(alongAxis: 1)).mean().scalarValue)
        }
        // Singular values of J at test points, averaged index by index.
        var singularValues = [Double](repeating: 0, count: min(options.hiddenSize, pixels))
        for point in 0..<spectrumPoints {
            let values = try singularValueDecomposition(encoderJacobian(model, at: Tensor(shape: [1, pixels], scalars: test.row(point)))).singularValues
            for (rank, value) in values.enumerated() { singularValues[rank] += Double(value) / Double(spectrumPoints) }
        }
        let energy = singularValues.map { $0 * $0 }
        run.record("test_bce_\(key)", bce)
        run.record("jacobian_norm_\(key)", jacobianNorm)
        run.record("code_shift_noise_\(key)", noiseShift)
        run.record("code_distance_images_\(key)", imageDistance)
        run.record("noise_to_image_ratio_\(key)", noiseShift / imageDistance)
        run.record("top10_energy_\(key)", energy.prefix(10).reduce(0, +) / energy.reduce(0, +))
        run.record("largest_singular_value_\(key)", singularValues[0])
        spectra.append(LineSeries(name: name, x: (1...singularValues.count).map(Double.init), y: singularValues.map { max($0, 1e-8) }))
    }
    run.record("test_loss", averageOverBatches(test) { Double(sigmoidCrossEntropy(logits: contractive($0.inputs).logits, labels: $0.inputs).scalarValue) })
    // ANCHOR_END: compare

    try LinePlot(title: "Singular values of the encoder's Jacobian (mean over \(spectrumPoints) test images)",
                 xLabel: "rank k", yLabel: "k-th singular value of J_f(x)", series: spectra, logarithmicY: true)
        .write(to: run.figure("singular_values"))

    // ANCHOR: directions
    // The leading right-singular vectors of J at one test image: the input directions the code still follows.
    let shownImage = 0, directionCount = 8
    var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, normalization: .perImageMinMax)
    grid.addRow(label: "input", images: [test.row(shownImage)])
    for (name, _, model) in models {
        let decomposition = try singularValueDecomposition(encoderJacobian(model, at: Tensor(shape: [1, pixels], scalars: test.row(shownImage))))
        let rows = decomposition.vTransposed.rowArrays.prefix(directionCount)
        grid.addRow(label: name, images: Array(rows))
    }
    try grid.write(to: run.figure("singular_directions"))
    // ANCHOR_END: directions

    var reconstructions = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2)
    let sample = test.selecting(Array(0..<10))
    reconstructions.addRow(label: "input", images: (0..<10).map { sample.row($0) })
    for (name, _, model) in models {
        reconstructions.addRow(label: name, images: withoutGradients { sigmoid(model(sample.matrix).logits) }.rowArrays)
    }
    try reconstructions.write(to: run.figure("reconstructions"))
}
