// Contractive autoencoder: make the code insensitive to small changes of the input by penalising
// the squared Frobenius norm of the encoder's Jacobian.
//
// Follows Rifai, Vincent, Muller, Glorot & Bengio, "Contractive Auto-Encoders: Explicit Invariance
// During Feature Extraction" (ICML 2011), for the closed form of ‖J_f(x)‖²_F of a sigmoid encoder
// (in the library: Sources/TensorEngine/Training/ContractivePenalty.swift), and the contractive
// section of Goodfellow, Bengio & Courville, "Deep Learning" (2016), §14.7. The denoising
// comparison follows Vincent et al. (2008) with Gaussian corruption.
import ArgumentParser
import ChapterKit
import Exercises
import Figures
import Foundation
import TensorEngine

/// Exercise contractive.1: `true` runs this chapter with your function(s) from Sources/Exercises/Contractive.swift.
let usesYourExercise = false

// MARK: Configuration

// ANCHOR: options
struct Options: ChapterOptions {
    static let summary = "The contractive autoencoder penalises its encoder's Jacobian."
    static let defaultEpochs = 8
    @OptionGroup var common: CommonOptions
    @Option(help: "Weight λ of the contractive penalty (beside the BCE summed over each image).")
    var lambda = 0.5
    @Option(help: "Code units of the sigmoid encoder.") var hiddenSize = 256
    @Option(help: "Standard deviation σ of the denoising autoencoder's Gaussian corruption.")
    var noise = 0.3
    @Option(help: "Class (0–9) whose first test image the singular-direction figures show.")
    var shownClass = 9
    func check() throws {
        try requirePositive(lambda, flag: "--lambda")
        try requireAtLeast(1, hiddenSize, flag: "--hidden-size")
        try requirePositive(noise, flag: "--noise")
        try requireInRange(shownClass, 0...9, flag: "--shown-class")
    }
}
// ANCHOR_END: options

// MARK: Model

// ANCHOR: model
/// 784 → H sigmoid code → 784 logits: the engine's `Autoencoder` with one sigmoid layer
/// h = σ(x Wᵀ + b) as encoder and one linear layer to pixel logits as decoder.
func makeSigmoidAutoencoder(inputSize: Int, hiddenSize: Int,
                            generator: SeededGenerator) -> Autoencoder {
    Autoencoder(sizes: [inputSize, hiddenSize], codeActivation: .sigmoid, generator: generator)
}

/// The encoder's weight W [H, 784], which the penalty needs beside the code.
func encoderWeight(_ model: Autoencoder) -> Tensor<Float> { model.encoder.parameters[0] }
// ANCHOR_END: model

// MARK: Training

// ANCHOR: training
/// Trains one autoencoder of the shared shape. The reconstruction loss is the BCE summed over the
/// 784 pixels and averaged over the batch; `corrupt` makes the DAE's input, `penaltyWeight` λ adds
/// the CAE's λ‖J‖²_F. A fresh generator with the shared `seed` draws the initial weights and
/// the batch order, so all three models start alike and see the same batches.
func trainAutoencoder(_ name: String, corrupt: ((Tensor<Float>) -> Tensor<Float>)? = nil,
                      penaltyWeight: Float? = nil, seed: UInt64, options: Options,
                      train: Examples, test: Examples, run: ChapterRun) throws -> Autoencoder {
    let generator = SeededGenerator(seed: seed)
    let model = makeSigmoidAutoencoder(inputSize: train.featureCount,
                                       hiddenSize: options.hiddenSize, generator: generator)
    var optimizer = Adam(parameters: model.parameters)
    try run.train(name, epochs: run.epochs(), data: train, batchSize: 128,
                  shuffling: generator) { batch in
        optimizer.zeroGradients()
        let output = model(corrupt?(batch.inputs) ?? batch.inputs)
        let reconstruction = sigmoidCrossEntropy(logits: output.logits, labels: batch.inputs,
                                                 reduction: .batchMean)
        var loss = reconstruction, values: [String: Double] = [:]
        if let penaltyWeight {
            let weight = encoderWeight(model)
            let penalty = chooseImplementation(useYours: usesYourExercise, yours: {
                try Exercises.squaredJacobianNorm(code: output.code, encoderWeight: weight)
            }, library: { contractivePenalty(code: output.code, encoderWeight: weight) })
            loss = reconstruction + penaltyWeight * penalty
            values["jacobian_norm2"] = Double(penalty.scalarValue)
        }
        loss.backward()
        optimizer.step()
        values["loss"] = Double(loss.scalarValue)
        return values
    } afterEpoch: { _ in
        ["test_bce": meanReconstructionLoss(test) { model($0).logits }]
    }
    return model
}
// ANCHOR_END: training

// MARK: Evaluation

// ANCHOR: check
/// The closed form against the Jacobian built by autodiff, on the first `count` test images: one
/// line per image (class, both values of ‖J‖²_F, their relative difference) and the worst
/// difference.
func checkClosedForm(_ model: Autoencoder, on test: Examples, classNames: [String],
                     count: Int) -> (table: String, worstDifference: Double) {
    var lines = ["image  class         autodiff ‖J‖²_F   closed form   relative difference"]
    var worstDifference = 0.0
    for index in 0..<count {
        let x = Tensor<Float>(shape: [1, test.featureCount], scalars: test.row(index))
        let full = jacobian(of: { model.encoder($0) }, at: x)  // [H, 784], by autodiff
        let byAutodiff = Double(square(full).sum().scalarValue)
        let closedForm = Double(withoutGradients {
            contractivePenalty(code: model.encoder(x), encoderWeight: encoderWeight(model))
        }.scalarValue)
        let difference = Swift.abs(byAutodiff - closedForm) / closedForm
        worstDifference = max(worstDifference, difference)
        let className = classNames[test.labels[index]]
            .padding(toLength: 12, withPad: " ", startingAt: 0)
        lines.append(String(format: "%5d  ", index) + className
                     + String(format: " %16.5f %13.5f %21.1e", byAutodiff, closedForm, difference))
    }
    return (lines.joined(separator: "\n"), worstDifference)
}
// ANCHOR_END: check

// ANCHOR: compare
/// How sensitive one model's code is, measured on the test set.
struct Sensitivity {
    /// Mean ‖J_f(x)‖_F, and the mean ‖f(x + δ) − f(x)‖ for δ ~ N(0, σ² I).
    var jacobianNorm: Double, noiseShift: Double
    /// Mean ‖f(x_a) − f(x_b)‖ between neighbouring test images.
    var imageDistance: Double
    /// The singular values of J_f(x), averaged rank by rank over the first test images.
    var singularValues: [Double]
}

func sensitivity(of model: Autoencoder, on test: Examples, perturbation: Float, spectrumPoints: Int,
                 generator: SeededGenerator) throws -> Sensitivity {
    let weight = encoderWeight(model)
    let jacobianNorm = averageOverBatches(test) { batch in
        let code = model.encoder(batch.inputs)
        let normSquared = jacobianNormSquared(code: code, encoderWeight: weight)  // [batch, 1]
        return Double(sqrt(normSquared).mean().scalarValue)
    }
    /// Mean Euclidean distance between the codes of two batches, row by row.
    func codeDistance(_ a: Tensor<Float>, _ b: Tensor<Float>) -> Double {
        let difference = model.encoder(a) - model.encoder(b)
        return Double(sqrt(square(difference).sum(alongAxis: 1)).mean().scalarValue)
    }
    let noiseShift = averageOverBatches(test) { batch in
        let delta = Tensor<Float>(randomNormal: batch.inputs.shape, standardDeviation: perturbation,
                                  generator: generator)
        return codeDistance(batch.inputs + delta, batch.inputs)
    }
    let imageDistance = averageOverBatches(test) { batch in
        codeDistance(batch.inputs.gatheringRows(Array((1..<batch.size) + [0])), batch.inputs)
    }
    var singularValues = [Double](repeating: 0, count: min(weight.shape[0], weight.shape[1]))
    for point in 0..<spectrumPoints {
        let x = Tensor<Float>(shape: [1, test.featureCount], scalars: test.row(point))
        let code = withoutGradients { model.encoder(x) }
        let values = try singularValueDecomposition(
            encoderJacobian(code: code, encoderWeight: weight))
        for (rank, value) in values.singularValues.enumerated() {
            singularValues[rank] += Double(value) / Double(spectrumPoints)
        }
    }
    return Sensitivity(jacobianNorm: jacobianNorm, noiseShift: noiseShift,
                       imageDistance: imageDistance, singularValues: singularValues)
}
// ANCHOR_END: compare

// MARK: The chapter

runChapter("contractive", options: Options.self) { options, run in
    let (train, test, classNames) = try run.loadImages()
    let noise = Float(options.noise), sharedSeed = run.generator.next()
    run.record("lambda", options.lambda)
    run.record("noise", options.noise)
    run.record("hidden_size", Double(options.hiddenSize))

    // ANCHOR: three-models
    let plain = try trainAutoencoder("plain AE", seed: sharedSeed, options: options,
                                     train: train, test: test, run: run)
    // The DAE's input: x̃ = clip(x + σ ε, 0, 1), ε ~ N(0, I), as in the denoising chapter; the
    // noise comes from the run's generator, so the batch order stays the shared one.
    let denoising = try trainAutoencoder("denoising AE", corrupt: {
        gaussianCorruption($0, standardDeviation: noise, generator: run.generator)
    }, seed: sharedSeed, options: options, train: train, test: test, run: run)
    let contractive = try trainAutoencoder("contractive AE", penaltyWeight: Float(options.lambda),
                                           seed: sharedSeed, options: options,
                                           train: train, test: test, run: run)
    // ANCHOR_END: three-models
    let models = [("plain AE", "plain", plain), ("denoising AE", "denoising", denoising),
                  ("contractive AE", "contractive", contractive)]
    try run.saveCheckpoint(contractive.namedParameters, name: "contractive", architecture:
        "encoder: Linear(\(train.featureCount), \(options.hiddenSize)) + sigmoid; decoder: "
        + "Linear(\(options.hiddenSize), \(train.featureCount)) to logits; λ = \(options.lambda)")

    let check = checkClosedForm(contractive, on: test, classNames: classNames, count: 5)
    run.record(text: "closed_form_check", check.table)
    run.record("closed_form_max_relative_difference", check.worstDifference)

    // MARK: Compare the three models
    let perturbation: Float = 0.05, spectrumPoints = run.scaled(full: 50, quick: 5)
    run.record("perturbation", Double(perturbation))
    var spectra: [LineSeries] = []
    for (name, key, model) in models {
        let measured = try sensitivity(of: model, on: test, perturbation: perturbation,
                                       spectrumPoints: spectrumPoints, generator: run.generator)
        let singularValues = measured.singularValues, energy = singularValues.map { $0 * $0 }
        run.record("test_bce_\(key)", meanReconstructionLoss(test) { model($0).logits })
        run.record("jacobian_norm_\(key)", measured.jacobianNorm)
        run.record("code_shift_noise_\(key)", measured.noiseShift)
        // ANCHOR: first-order
        // f(x + δ) − f(x) ≈ J δ and E‖J δ‖² = τ² ‖J‖²_F:
        // the code moves by about τ ‖J‖_F.
        let firstOrder = Double(perturbation) * measured.jacobianNorm
        run.record("first_order_shift_\(key)", firstOrder)
        run.record("shift_to_first_order_\(key)", measured.noiseShift / firstOrder)
        // ANCHOR_END: first-order
        run.record("code_distance_images_\(key)", measured.imageDistance)
        run.record("noise_to_image_ratio_\(key)", measured.noiseShift / measured.imageDistance)
        run.record("top10_energy_\(key)", energy.prefix(10).reduce(0, +) / energy.reduce(0, +))
        run.record("largest_singular_value_\(key)", singularValues[0])
        spectra.append(LineSeries(name: name, x: (1...singularValues.count).map(Double.init),
                                  y: singularValues.map { max($0, 1e-8) }))
    }
    run.record("test_loss", meanReconstructionLoss(test) { contractive($0).logits })

    let spectrumTitle =
        "Singular values of the encoder's Jacobian (mean over \(spectrumPoints) test images)"
    try LinePlot(title: spectrumTitle,
                 xLabel: "rank k", yLabel: "k-th singular value of J_f(x)", series: spectra,
                 logarithmicY: true)
        .write(to: run.figure("singular_values"))

    // ANCHOR: directions
    // The leading right-singular vectors v_k of J at one test image, the input directions the code
    // still follows, each labelled with its singular value s_k: moving x by ε v_k moves the code by
    // about ε s_k.
    let shownIndex = test.labels.firstIndex(of: options.shownClass) ?? 0
    let shown = test.row(shownIndex), directionCount = 8
    let subscripts = Array("₀₁₂₃₄₅₆₇₈₉")
    for (_, key, model) in models {
        let x = Tensor<Float>(shape: [1, test.featureCount], scalars: shown)
        let code = withoutGradients { model.encoder(x) }
        let decomposition = try singularValueDecomposition(
            encoderJacobian(code: code, encoderWeight: encoderWeight(model)))
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3,
                             normalization: .perImageMinMax)
        let directions = decomposition.vTransposed.rowArrays.prefix(directionCount)
        grid.addRow(images: [shown] + Array(directions))  // the caption names the model
        grid.gapAfterColumn = 0
        grid.columnLabels = [.init("input", column: 0)] + (1...directionCount).map { rank in
            let value = String(format: "%.2f", decomposition.singularValues[rank - 1])
            return .init("s\(subscripts[rank]) = \(value)", column: rank)
        }
        try grid.write(to: run.figure("singular_directions_\(key)"))
    }
    // ANCHOR_END: directions
    run.record(text: "shown_class", classNames[test.labels[shownIndex]])

    var reconstructions = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2)
    let sample = test.selecting(Array(0..<10))
    reconstructions.addRow(label: "input", images: (0..<10).map { sample.row($0) })
    for (name, _, model) in models {
        reconstructions.addRow(label: name, images: images(fromLogits: model(sample.matrix).logits))
    }
    try reconstructions.write(to: run.figure("reconstructions"))
}
