// Chapter "convolutional": convolutional autoencoders.
//
// Follows Masci, Meier, Cireşan & Schmidhuber, "Stacked Convolutional Auto-Encoders for
// Hierarchical Feature Extraction" (ICANN 2011), the convolutional autoencoders of F. Chollet,
// "Building Autoencoders in Keras" (2016), and Hung-yi Lee's lecture notes on unpooling and
// "deconvolution". Transposed convolution as in Dumoulin & Visin, "A guide to convolution
// arithmetic for deep learning" (2016); checkerboard artefacts as in Odena, Dumoulin & Olah,
// "Deconvolution and Checkerboard Artifacts" (Distill, 2016). Main model: stride-2 convolutions 1→32→64, a 20-number
// code, stride-2 transposed convolutions back; sigmoid cross-entropy, Adam 1e-3, batch 128.
import ArgumentParser
import ChapterKit
import Figures
import Foundation
import TensorEngine

// ANCHOR: options
struct Options: ChapterOptions {
    static let summary = "Convolutional autoencoders, pooling, unpooling, transposed convolutions."
    static let defaultEpochs = 10
    @OptionGroup var common: CommonOptions
    @Option(help: "Code size of the main model.") var codeSize = 20
    @Option(help: "Kernel size of the main model's convolutions (odd: 3, 5, 7).") var kernelSize = 3
    @Option(help: "Channels of the first convolution; the second has twice as many.")
    var channels = 32
    @Option(help: "Standard deviation of the denoising experiment's noise.") var sigma = 0.5
    @Flag(help: "Train the main model to restore 28×28 images from 14×14 ones.")
    var superResolution = false
    func check() throws {
        try requireAtLeast(1, codeSize, flag: "--code-size")
        try require((1...13).contains(kernelSize) && kernelSize % 2 == 1, "--kernel-size must "
                    + "be odd, from 1 to 13 (padding k/2 keeps 28 → 14 → 7), got \(kernelSize)")
        try requireAtLeast(1, channels, flag: "--channels")
        try requirePositive(sigma, flag: "--sigma")
    }
}
// ANCHOR_END: options

// ANCHOR: model
/// The main model, in `nn.Sequential` order so its checkpoint loads into PyTorch: two stride-2
/// convolutions (28 → 14 → 7) and a linear layer to the code; the mirror image back, with
/// transposed convolutions whose output padding 1 gives 14 and 28 rather than 13 and 27.
func makeConvolutionalAutoencoder(codeSize: Int, channels: Int = 32, kernelSize: Int = 3,
                                  generator g: SeededGenerator) -> Autoencoder {
    let (c, k, p) = (channels, kernelSize, kernelSize / 2)
    let encoder = Sequential<Float>([
        Conv2d(inChannels: 1, outChannels: c, kernelSize: k, stride: 2, padding: p, generator: g),
        Activation.relu,
        Conv2d(inChannels: c, outChannels: 2 * c, kernelSize: k, stride: 2, padding: p,
               generator: g),
        Activation.relu,
        Flatten(),
        Linear(inputSize: 2 * c * 7 * 7, outputSize: codeSize, generator: g),
    ])
    let decoder = Sequential<Float>([
        Linear(inputSize: codeSize, outputSize: 2 * c * 7 * 7, generator: g),
        Activation.relu,
        Unflatten([2 * c, 7, 7]),
        ConvTranspose2d(inChannels: 2 * c, outChannels: c, kernelSize: k, stride: 2, padding: p,
                        outputPadding: 1, generator: g),
        Activation.relu,
        ConvTranspose2d(inChannels: c, outChannels: 1, kernelSize: k, stride: 2, padding: p,
                        outputPadding: 1, generator: g),
    ])
    return Autoencoder(encoder: encoder, decoder: decoder, imageShape: [1, 28, 28])
}
// ANCHOR_END: model

// ANCHOR: training
/// Adam 1e-3 on sigmoid cross-entropy per pixel, batch 128; `corrupt` makes the input from the
/// clean batch (the identity for a plain autoencoder), the target is always the clean batch.
@discardableResult
func fit(_ name: String, parameters: [Tensor<Float>],
         model: @escaping (Tensor<Float>) -> AutoencoderOutput, epochs: Int, train: Examples,
         test: Examples, run: ChapterRun,
         corrupt: @escaping (Tensor<Float>) -> Tensor<Float> = { $0 }) throws -> TrainingHistory {
    var optimizer = Adam(parameters: parameters, learningRate: 1e-3)
    return try run.train(name, epochs: epochs, data: train, batchSize: 128) { batch in
        optimizer.minimize {
            sigmoidCrossEntropy(logits: model(corrupt(batch.inputs)).logits, labels: batch.inputs)
        }
    } afterEpoch: { _ in
        ["test_loss": meanReconstructionLoss(test, batchSize: 500) { model(corrupt($0)).logits }]
    }
}
// ANCHOR_END: training

runChapter("convolutional", options: Options.self) { options, run in
    // MARK: Worked examples on tiny tensors
    // ANCHOR: worked-pooling
    let grid = Tensor<Float>(shape: [1, 1, 4, 4],
                             scalars: [1, 3, 2, 0, 5, 4, 1, 2, 0, 2, 6, 1, 3, 1, 0, 4])
    let pooled = MaxPool2d<Float>(kernelSize: 2)(grid)
    let unpooled = MaxUnpool2d<Float>()(pooled.values, indices: pooled.indices,
                                        outputSize: PlaneSize(4))
    // ANCHOR_END: worked-pooling
    run.record(text: "pool_input", grid.formatted("%2.0f"))
    run.record(text: "pool_output", pooled.values.formatted("%2.0f"))
    run.record(text: "pool_indices", pooled.indices.positions.map(String.init).joined(separator: " "))
    run.record(text: "unpool_output", unpooled.formatted("%2.0f"))

    // ANCHOR: worked-transposed
    let signal = Tensor<Float>(shape: [1, 1, 1, 3], scalars: [1, 2, 3])
    let filter = Tensor<Float>(shape: [1, 1, 1, 3], scalars: [1, 0.5, -1])
    let taps = ConvolutionGeometry(kernel: PlaneSize(height: 1, width: 3))
    let transposed = transposedConvolution2D(signal, weight: filter, bias: nil, geometry: taps)
    let longWay = transposedConvolutionByZeroInsertion(signal, weight: filter, bias: nil,
                                                       geometry: taps)
    // In 2-D with stride 2, padding 1 and output padding 1, a 3×3 input becomes 6×6.
    let image = Tensor<Float>(randomNormal: [1, 1, 3, 3], generator: run.generator)
    let kernel = Tensor<Float>(randomNormal: [1, 1, 3, 3], generator: run.generator)
    let strided = ConvolutionGeometry(kernelSize: 3, stride: 2, padding: 1)
    let direct = transposedConvolution2D(image, weight: kernel, bias: nil, geometry: strided,
                                         outputPadding: PlaneSize(1))
    let viaZeros = transposedConvolutionByZeroInsertion(
        image, weight: kernel, bias: nil, geometry: strided, outputPadding: PlaneSize(1))
    // ANCHOR_END: worked-transposed
    run.record(text: "transposed_1d", transposed.formatted("%5.2f"))
    run.record(text: "transposed_1d_long_way", longWay.formatted("%5.2f"))
    run.record("transposed_1d_difference", Double(maximumAbsoluteDifference(transposed, longWay)))
    run.record("transposed_2d_difference", Double(maximumAbsoluteDifference(direct, viaZeros)))
    run.record(text: "transposed_2d_shape", "\(direct.shape[2])×\(direct.shape[3])")

    // MARK: The main model against the dense one
    let (train, test, classNames) = try run.loadImages()
    let shownIndices = (0..<10).compactMap { label in test.labels.firstIndex(of: label) }
    let shown = test.batch(shownIndices)
    let model = makeConvolutionalAutoencoder(codeSize: options.codeSize, channels: options.channels,
                                             kernelSize: options.kernelSize, generator: run.generator)
    try model.checkShapes(features: 784)
    // ANCHOR: super-resolution
    // Exercise 4: the input keeps the mean of each 2×2 block (a 14×14 image; average pooling as a
    // stride-2 convolution with a constant kernel), blown up again to 28×28 by nearest upsampling.
    let blockMean = Tensor<Float>(repeating: 0.25, shape: [1, 1, 2, 2])
    let shrink: (Tensor<Float>) -> Tensor<Float> = { rows in
        let images = rows.reshaped(to: [rows.shape[0], 1, 28, 28])
        let small = convolution2D(images, weight: blockMean, bias: nil,
                                  geometry: ConvolutionGeometry(kernelSize: 2, stride: 2))
        return upsampleNearest2D(small, scale: PlaneSize(2)).reshaped(to: [rows.shape[0], 784])
    }
    // ANCHOR_END: super-resolution
    let input: (Tensor<Float>) -> Tensor<Float> = options.superResolution ? shrink : { $0 }
    let epochs = run.epochs()
    let history = try fit("convolutional", parameters: model.parameters, model: model.callAsFunction,
                          epochs: epochs, train: train, test: test, run: run, corrupt: input)
    run.record("test_loss", history.series("test_loss").last ?? .nan)
    run.record("parameters", Double(model.parameterCount))
    if options.superResolution {
        let images = test.matrix, small = shrink(images)
        run.record("super_resolution_psnr", reconstructionPeakSignalToNoiseRatio(
            inputs: small, clean: images) { model($0).logits })
        let nearestError = meanSquaredError(predicted: small, expected: images).scalarValue
        run.record("nearest_psnr", peakSignalToNoiseRatio(meanSquaredError: Double(nearestError)))
    }
    let (k, code) = (options.kernelSize, options.codeSize)
    try run.saveCheckpoint(model.namedParameters, name: "convolutional", architecture:
        "encoder = \(model.encoder.summary); decoder = \(model.decoder.summary); input [N, 1, 28, 28]")

    // ANCHOR: dense
    // Chapter 1's dense model at the same code size, trained the same way for the same epochs.
    let dense = Autoencoder(sizes: [784, 256, 128, 64, options.codeSize], generator: run.generator)
    let denseHistory = try fit("dense", parameters: dense.parameters, model: dense.callAsFunction,
                               epochs: epochs, train: train, test: test, run: run, corrupt: input)
    // ANCHOR_END: dense
    run.record("dense_test_loss", denseHistory.series("test_loss").last ?? .nan)
    run.record("dense_parameters", Double(dense.parameterCount))
    let queries = test.prefix(run.scaled(full: 1000, quick: 100))
    run.record("retrieval_queries", Double(queries.count))
    for (name, encoder) in [("convolutional", model), ("dense", dense)] {
        run.record("precision_at_10_\(name)", retrievalPrecision(queries: queries, database: train) {
            encoder($0).code
        })
    }
    if options.codeSize == 2 {  // exercise 3: a 2-number code, drawn as a map
        let codes = mapOverBatches(test, batchSize: 500) { model($0).code }.rowArrays
        try ScatterPlot(title: "Test images in the convolutional model's 2-D code",
                        xLabel: "code unit 1", yLabel: "code unit 2",
                        x: codes.map { $0[0] }, y: codes.map { $0[1] }, classes: test.labels,
                        classNames: classNames).write(to: run.figure("code_map"), width: 900, height: 650)
    }
    try ImageGrid.labelledRows([("test images", shown.rowArrays),
                                ("dense", images(fromLogits: dense(shown).logits)),
                                ("convolutional", images(fromLogits: model(shown).logits))])
        .write(to: run.figure("reconstructions"))
    let axis = (1...epochs).map(Double.init)
    try LinePlot(title: "Test BCE per pixel after each epoch", xLabel: "epoch", yLabel: "BCE per pixel",
                 series: [
                     LineSeries(name: "convolutional", x: axis, y: history.series("test_loss")),
                     LineSeries(name: "dense (chapter 1's shape)", x: axis,
                                y: denseHistory.series("test_loss")),
                 ], showsMarkers: true).write(to: run.figure("loss_curves"))

    // MARK: Three ways back up: unpooling, transposed convolution, nearest upsampling
    // The secondary experiments (decoders, denoisers) share one smaller training budget.
    let subset = train.prefix(run.scaled(full: 12_000, quick: 500))
    let shortEpochs = run.scaled(full: 3, quick: 1)
    run.record("subset_images", Double(subset.count))
    run.record("subset_epochs", Double(shortEpochs))
    // ANCHOR: three-decoders
    var decoderRows: [(label: String, images: [[Float]])] = [("test images", shown.rowArrays)]
    var models: [Upsampling: PoolingAutoencoder] = [:]
    for kind in Upsampling.allCases {
        let candidate = PoolingAutoencoder(kind, codeSize: code, generator: run.generator)
        let candidateHistory = try fit(kind.rawValue, parameters: candidate.parameters,
                                       model: { candidate($0) }, epochs: shortEpochs, train: subset,
                                       test: test, run: run)
        run.record("\(kind.rawValue)_test_loss", candidateHistory.series("test_loss").last ?? .nan)
        run.record("\(kind.rawValue)_parameters", Double(candidate.parameterCount))
        decoderRows.append((kind.rawValue, images(fromLogits: candidate(shown).logits)))
        models[kind] = candidate
    }
    // The unpooling decoder also gets the positions of the maxima: decode each image with its own
    // code but the switches of the next image in the batch, and see what is left.
    let unpooling = models[.unpooling] ?? PoolingAutoencoder(.unpooling, codeSize: code,
                                                             generator: run.generator)
    let otherSwitches = averageOverBatches(test, batchSize: 500) { batch in
        let rows = batch.inputs.rowCount
        let others = batch.inputs.gatheringRows((0..<rows).map { ($0 + 1) % rows })
        let logits = unpooling(batch.inputs, switchesFrom: others).logits
        return Double(sigmoidCrossEntropy(logits: logits, labels: batch.inputs).scalarValue)
    }
    // ANCHOR_END: three-decoders
    run.record("unpooling_other_switches_test_loss", otherSwitches)
    let rolled = shown.gatheringRows((0..<10).map { ($0 + 1) % 10 })
    decoderRows.append(("unpooling, next image's switches", images(
        fromLogits: unpooling(shown, switchesFrom: rolled).logits)))
    try ImageGrid.labelledRows(decoderRows).write(to: run.figure("decoders"))

    // ANCHOR: checkerboard
    // How many kernel taps land on each output pixel: every weight 1, every input 1 (Odena et al.).
    let ones = Tensor<Float>(repeating: 1, shape: [1, 1, 7, 7])
    func onesKernel(_ k: Int) -> Tensor<Float> { Tensor(repeating: 1, shape: [1, 1, k, k]) }
    func overlap(kernelSize: Int, outputPadding: Int) -> Tensor<Float> {
        transposedConvolution2D(ones, weight: onesKernel(kernelSize), bias: nil,
                                geometry: ConvolutionGeometry(kernelSize: kernelSize, stride: 2,
                                                              padding: 1),
                                outputPadding: PlaneSize(outputPadding))
    }
    let uneven = overlap(kernelSize: 3, outputPadding: 1)
    let even = overlap(kernelSize: 4, outputPadding: 0)
    let resized = convolution2D(upsampleNearest2D(ones, scale: PlaneSize(2)), weight: onesKernel(3),
                                bias: nil, geometry: ConvolutionGeometry(kernelSize: 3, padding: 1))
    // ANCHOR_END: checkerboard
    run.record(text: "overlap_3_corner", uneven.reshaped(to: [14, 14]).rows(0..<4).formatted("%1.0f"))
    run.record(text: "overlap_4_corner", even.reshaped(to: [14, 14]).rows(0..<4).formatted("%1.0f"))
    var checkerboard = ImageGrid(imageWidth: 14, imageHeight: 14, scale: 12, padding: 4,
                                 normalization: .perImageMinMax, labelFontSize: 16)
    checkerboard.addRow(label: "taps per pixel", images: [uneven, even, resized].map { $0.scalars })
    checkerboard.columnLabels = [.init("transposed 3×3", column: 0), .init("transposed 4×4", column: 1),
                                 .init("upsample, 3×3", column: 2)]
    try checkerboard.write(to: run.figure("checkerboard"))

    // MARK: What the network learned
    let layers = model.encoder.layers
    let first = Sequential(Array(layers[0..<2])), second = Sequential(Array(layers[0..<4]))
    let sampleIndex = shownIndices.last ?? 0  // the first test image of the last class
    let sample = test.batch([sampleIndex]).reshaped(to: [1, 1, 28, 28])
    run.record(text: "sample_class", classNames[test.labels[sampleIndex]])
    var filters = ImageGrid(imageWidth: k, imageHeight: k, scale: 36 / k, padding: 3,
                            normalization: .perImageMinMax)
    filters.addRows(images: model.encoder.namedParameters[0].tensor.planes, columns: 16)
    try filters.write(to: run.figure("filters"))
    for (name, stage, size) in [("feature_maps_1", first, 14), ("feature_maps_2", second, 7)] {
        var maps = ImageGrid(imageWidth: size, imageHeight: size, scale: 56 / size, padding: 2,
                             normalization: .perImageMinMax)
        maps.addRows(images: withoutGradients { stage(sample) }.planes, columns: 16)
        try maps.write(to: run.figure(name))
    }

    // MARK: Denoising, against chapter 4's dense denoiser
    // ANCHOR: denoising
    let sigma = Float(options.sigma)
    let addNoise: (Tensor<Float>) -> Tensor<Float> = {
        gaussianCorruption($0, standardDeviation: sigma, generator: run.generator)
    }
    let denoisers: [(key: String, model: Autoencoder)] = [
        ("dense", Autoencoder(sizes: [784, 256, 64], codeActivation: .relu,
                              generator: run.generator)),
        ("convolutional", makeConvolutionalAutoencoder(codeSize: 64, generator: run.generator)),
    ]
    let cleanTest = test.matrix, noisyTest = addNoise(cleanTest)
    var denoisingPSNR: [String: Double] = [:]
    for (key, denoiser) in denoisers {
        try fit("\(key) denoiser", parameters: denoiser.parameters, model: denoiser.callAsFunction,
                epochs: shortEpochs, train: subset, test: test, run: run, corrupt: addNoise)
        denoisingPSNR[key] = reconstructionPeakSignalToNoiseRatio(
            inputs: noisyTest, clean: cleanTest) { denoiser($0).logits }
        run.record("\(key)_denoising_psnr", denoisingPSNR[key] ?? .nan)
    }
    // ANCHOR_END: denoising
    let noisyError = meanSquaredError(predicted: noisyTest, expected: cleanTest).scalarValue
    run.record("noisy_psnr", peakSignalToNoiseRatio(meanSquaredError: Double(noisyError)))
    let gain = (denoisingPSNR["convolutional"] ?? .nan) - (denoisingPSNR["dense"] ?? .nan)
    run.record("denoising_psnr_gain", gain)
    run.record("denoising_error_ratio", pow(10, gain / 10))  // 10·log₁₀ of the MSE ratio, inverted
    run.record("sigma", options.sigma)
    let noisyShown = noisyTest.gatheringRows(shownIndices)
    try ImageGrid.labelledRows([("noisy input", noisyShown.rowArrays)]
        + denoisers.map { ($0.key, images(fromLogits: $0.model(noisyShown).logits)) }
        + [("clean", shown.rowArrays)]).write(to: run.figure("denoising"))
}
