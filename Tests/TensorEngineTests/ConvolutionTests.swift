import Foundation
import Testing
@testable import TensorEngine

// Convolution, transposed convolution, max-pooling / unpooling and upsampling: forward values
// against PyTorch, gradients against central differences in Double, shapes and their errors.
//
// The expected values were printed by References/convolution.py with PyTorch 2.15 (CPU, float64). Inputs
// are exact binary fractions from `pattern`, so both sides start from identical numbers.

/// ((i · multiplier) mod modulus − offset) / scale for i = 0, 1, … (the reference script's `pattern`).
func pattern<Scalar: TensorScalar>(_ shape: [Int], _ multiplier: Int, _ modulus: Int, _ offset: Int, _ scale: Double) -> Tensor<Scalar> {
    let count = shape.reduce(1, *)
    return Tensor(shape: shape, scalars: (0..<count).map { Scalar(Double((($0 * multiplier) % modulus) - offset) / scale) })
}

@Suite("Convolution against PyTorch")
struct ConvolutionReferenceTests {
    static let convolutionStride1: [Double] = [-0.0625, -1.09375, 1.3125, 0.625, 0.625, 0.625, 0.96875, -0.0625, -1.09375, -0.8125, -1.84375, 0.5625, -0.125, -0.125, -0.125, 0.21875, -0.8125, -1.84375, -0.1875, -1.21875, 1.1875, 0.5, 0.5, 0.5, 0.84375, -0.1875, -1.21875, 0.625, 0.625, -0.0625, -0.0625, -1.09375, 1.3125, 0.625, 0.625, 0.625, -0.125, -0.125, -0.8125, -0.8125, -1.84375, 0.5625, -0.125, -0.125, -0.125, 0.5, 0.5, -0.1875, -0.1875, -1.21875, 1.1875, 0.5, 0.5, 0.5]
    static let convolutionStride2Padding1: [Double] = [-0.34375, 1.25, 1.65625, -0.3125, 0.625, -0.4375, 0.34375, 1.53125, 0.59375, -1.09375, 0.5, 0.90625, -1.0625, -0.125, -1.1875, -0.40625, 0.78125, -0.15625, -0.46875, 1.125, 1.53125, -0.4375, 0.5, -0.5625, 0.21875, 1.40625, 0.46875, -0.28125, 0.5, 0.59375, 0.6875, -1.09375, -0.4375, -0.5625, -0.15625, 1.65625, -1.03125, -0.25, -0.15625, -0.0625, -1.84375, -1.1875, -1.3125, -0.90625, 0.90625, -0.40625, 0.375, 0.46875, 0.5625, -1.21875, -0.5625, -0.6875, -0.28125, 1.53125]
    static let transposedStride2: [Double] = [0.4375, 0.59375, 0.5, 0.4375, 0.5625, 0.40625, 0.90625, 0.03125, 0.40625, 1.3125, 0.25, 0.875, -0.0625, 1.15625, 0.6875, -0.03125, 0.75, 0.125, 1.625, 0.59375, 0.125, 0.625, 0.0, 0.5, -0.3125, -0.15625, -0.25, -0.3125, -0.1875, -0.34375, 0.15625, -0.71875, -0.34375, 0.5625, -0.5, 0.125, -0.8125, 0.40625, -0.0625, -0.78125, 0.0, -0.625, 0.875, -0.15625, -0.625, -0.125, -0.75, -0.25, 0.875, 0.1875, 0.25, 1.0625, 0.3125, 0.78125, -0.53125, 1.09375, 1.03125, 0.3125, 0.875, 0.5, 1.0625, -0.28125, 0.4375, 0.59375, 0.5, 0.5, -0.625, 0.46875, 0.625, 0.5, 0.5, 0.5, 0.125, -0.5625, -0.5, 0.3125, -0.4375, 0.03125, -1.28125, 0.34375, 0.28125, -0.4375, 0.125, -0.25, 0.3125, -1.03125, -0.3125, -0.15625, -0.25, -0.25, -1.375, -0.28125, -0.125, -0.25, -0.25, -0.25]
    static let transposedStride1: [Double] = [0.375, 0.53125, 0.53125, 0.46875, 0.59375, -0.5625, 1.09375, 0.09375, 0.71875, 0.78125, 1.03125, -0.125, 1.3125, 0.34375, 0.125, 0.21875, 1.71875, 0.25, 0.0, 0.5, -0.375, -0.21875, -0.21875, -0.28125, -0.15625, -1.3125, 0.34375, -0.65625, -0.03125, 0.03125, 0.28125, -0.875, 0.5625, -0.40625, -0.625, -0.53125, 0.96875, -0.5, -0.75, -0.25, 1.25, -0.1875, 0.8125, 0.21875, 0.21875, 1.25, 0.71875, 0.75, 0.59375, 0.78125, 0.125, 0.25, 0.0, 0.96875, 0.5, 0.78125, -0.65625, 0.625, 0.5, 0.5, 0.5, -0.9375, 0.0625, -0.53125, -0.53125, 0.5, -0.03125, 0.0, -0.15625, 0.03125, -0.625, -0.5, -0.75, 0.21875, -0.25, 0.03125, -1.40625, -0.125, -0.25, -0.25]

    func convolutionInputs<S: TensorScalar>(_: S.Type) -> (x: Tensor<S>, w: Tensor<S>, b: Tensor<S>) {
        (pattern([2, 2, 5, 5], 7, 11, 5, 4), pattern([3, 2, 3, 3], 5, 9, 4, 8), Tensor(shape: [3], scalars: [0.25, -0.5, 0.125]))
    }

    func transposedInputs<S: TensorScalar>(_: S.Type) -> (x: Tensor<S>, w: Tensor<S>, b: Tensor<S>) {
        (pattern([2, 3, 2, 3], 7, 11, 5, 4), pattern([3, 2, 3, 3], 5, 9, 4, 8), Tensor(shape: [2], scalars: [0.5, -0.25]))
    }

    @Test("Conv2d forward equals PyTorch's F.conv2d (Float and Double)", arguments: [false, true])
    func convolutionValues(strided: Bool) {
        let geometry = strided ? ConvolutionGeometry(kernelSize: 3, stride: 2, padding: 1) : ConvolutionGeometry(kernelSize: 3)
        let expected = strided ? Self.convolutionStride2Padding1 : Self.convolutionStride1
        let (x, w, b) = convolutionInputs(Double.self)
        let double = convolution2D(x, weight: w, bias: b, geometry: geometry)
        #expect(double.shape == [2, 3, 3, 3])
        #expect(maximumDifference(double.scalars, expected) < 1e-12)
        let (xf, wf, bf) = convolutionInputs(Float.self)
        let single = convolution2D(xf, weight: wf, bias: bf, geometry: geometry)
        #expect(maximumDifference(single.scalars.map(Double.init), expected) < 1e-5)
    }

    @Test("ConvTranspose2d forward equals PyTorch's F.conv_transpose2d, with and without output padding",
          arguments: [false, true])
    func transposedValues(strided: Bool) {
        let geometry = strided ? ConvolutionGeometry(kernelSize: 3, stride: 2, padding: 1) : ConvolutionGeometry(kernelSize: 3)
        let outputPadding = PlaneSize(strided ? 1 : 0)
        let expected = strided ? Self.transposedStride2 : Self.transposedStride1
        let (x, w, b) = transposedInputs(Double.self)
        let double = transposedConvolution2D(x, weight: w, bias: b, geometry: geometry, outputPadding: outputPadding)
        #expect(double.shape == (strided ? [2, 2, 4, 6] : [2, 2, 4, 5]))
        #expect(maximumDifference(double.scalars, expected) < 1e-12)
        let (xf, wf, bf) = transposedInputs(Float.self)
        let single = transposedConvolution2D(xf, weight: wf, bias: bf, geometry: geometry, outputPadding: outputPadding)
        #expect(maximumDifference(single.scalars.map(Double.init), expected) < 1e-5)
        // The same numbers the long way: zeros inserted, flipped kernel, ordinary convolution.
        let longWay = transposedConvolutionByZeroInsertion(x, weight: w, bias: b, geometry: geometry, outputPadding: outputPadding)
        #expect(longWay.shape == double.shape)
        #expect(maximumDifference(longWay.scalars, expected) < 1e-12)
    }

    @Test("the 1-D transposed convolution of the lecture notes: 3 values → 5 with a 3-tap filter")
    func oneDimensionalTransposed() {
        // PyTorch: F.conv_transpose1d([[[1, 2, 3]]], [[[1, 0.5, -1]]]) = [1, 2.5, 3, -0.5, -3].
        let x = Tensor<Double>(shape: [1, 1, 1, 3], scalars: [1, 2, 3])
        let w = Tensor<Double>(shape: [1, 1, 1, 3], scalars: [1, 0.5, -1])
        let geometry = ConvolutionGeometry(kernel: PlaneSize(height: 1, width: 3))
        #expect(transposedConvolution2D(x, weight: w, bias: nil, geometry: geometry).scalars == [1, 2.5, 3, -0.5, -3])
        #expect(transposedConvolutionByZeroInsertion(x, weight: w, bias: nil, geometry: geometry).scalars == [1, 2.5, 3, -0.5, -3])
    }

    @Test("MaxPool2d values and indices, and MaxUnpool2d, equal PyTorch's (ties go to the first maximum)")
    func poolingValues() {
        let x: Tensor<Float> = pattern([1, 2, 4, 6], 7, 11, 5, 4)
        let pooled = MaxPool2d<Float>(kernelSize: 2)(x)
        #expect(pooled.values.shape == [1, 2, 2, 3])
        #expect(pooled.values.scalars == [1.0, 1.25, 0.25, 0.5, 1.25, 1.0, 1.25, 0.25, 1.0, 1.25, 1.0, 1.25])
        #expect(pooled.indices.positions == [6, 3, 4, 12, 14, 17, 1, 2, 4, 12, 15, 23])
        let restored = MaxUnpool2d<Float>()(pooled.values, indices: pooled.indices, outputSize: PlaneSize(height: 4, width: 6))
        #expect(restored.scalars == [0.0, 0.0, 0.0, 1.25, 0.25, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0, 1.25, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                                     0.0, 1.25, 0.25, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.25, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.25])
        let overlapping = MaxPool2d<Float>(kernelSize: 3, stride: 1)(x)
        #expect(overlapping.values.scalars == [1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.0, 1.25, 1.25, 1.0, 1.0, 1.25, 1.0, 1.0, 1.25])
        #expect(overlapping.indices.positions == [14, 3, 3, 3, 14, 14, 14, 17, 1, 1, 4, 4, 12, 15, 15, 23])
    }

    @Test("nearest upsampling repeats every pixel s × s times")
    func upsampleValues() {
        let x = Tensor<Float>(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        #expect(Upsample<Float>(scale: 2)(x).scalars == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }
}

@Suite("Convolution gradients (Double, central differences)")
struct ConvolutionGradientTests {
    struct Case: Sendable, CustomStringConvertible {
        var transposed = false
        let batch, inputChannels, outputChannels, size, kernel, stride, padding, outputPadding: Int
        var description: String {
            (transposed ? "transposed " : "") + "N\(batch) \(inputChannels)→\(outputChannels) \(size)×\(size) "
                + "k\(kernel) s\(stride) p\(padding) op\(outputPadding)"
        }
    }

    static let convolutionCases = [
        Case(batch: 2, inputChannels: 2, outputChannels: 3, size: 5, kernel: 3, stride: 1, padding: 0, outputPadding: 0),
        Case(batch: 2, inputChannels: 2, outputChannels: 3, size: 5, kernel: 3, stride: 1, padding: 1, outputPadding: 0),
        Case(batch: 2, inputChannels: 3, outputChannels: 2, size: 6, kernel: 3, stride: 2, padding: 0, outputPadding: 0),
        Case(batch: 3, inputChannels: 2, outputChannels: 4, size: 7, kernel: 3, stride: 2, padding: 1, outputPadding: 0),
        Case(batch: 2, inputChannels: 1, outputChannels: 2, size: 6, kernel: 2, stride: 2, padding: 0, outputPadding: 0),
        // One output channel: the input gradient is summed from scaled planes, with no product.
        Case(batch: 2, inputChannels: 3, outputChannels: 1, size: 5, kernel: 3, stride: 1, padding: 1, outputPadding: 0),
        Case(batch: 2, inputChannels: 2, outputChannels: 1, size: 6, kernel: 3, stride: 2, padding: 1, outputPadding: 0),
    ]

    static let transposedCases = [
        Case(batch: 2, inputChannels: 2, outputChannels: 3, size: 3, kernel: 3, stride: 1, padding: 0, outputPadding: 0),
        Case(batch: 2, inputChannels: 3, outputChannels: 2, size: 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1),
        Case(batch: 3, inputChannels: 2, outputChannels: 2, size: 4, kernel: 3, stride: 2, padding: 0, outputPadding: 0),
        Case(batch: 2, inputChannels: 2, outputChannels: 1, size: 3, kernel: 2, stride: 2, padding: 0, outputPadding: 1),
    ].map { var transposed = $0; transposed.transposed = true; return transposed }

    @Test("Conv2d and ConvTranspose2d: input, weight and bias gradients, alone and with an activation",
          arguments: convolutionCases + transposedCases)
    func gradients(_ c: Case) {
        let seed: UInt64 = c.transposed ? 4 : 1
        let x = uniform([c.batch, c.inputChannels, c.size, c.size], -1, 1, seed: seed)
        let channels = c.transposed ? [c.inputChannels, c.outputChannels] : [c.outputChannels, c.inputChannels]
        let w = uniform(channels + [c.kernel, c.kernel], -1, 1, seed: seed + 1)
        let b = uniform([c.outputChannels], -1, 1, seed: seed + 2)
        let geometry = ConvolutionGeometry(kernelSize: c.kernel, stride: c.stride, padding: c.padding)
        func layer(_ activation: UnaryFunction?) -> Tensor<Double> {
            c.transposed
                ? transposedConvolution2D(x, weight: w, bias: b, geometry: geometry,
                                          outputPadding: PlaneSize(c.outputPadding), activation: activation)
                : convolution2D(x, weight: w, bias: b, geometry: geometry, activation: activation)
        }
        let upstream = weights(withoutGradients { layer(nil) }.shape)
        // Fused activations are smooth ones, so finite differences are exact enough.
        for activation in [nil, c.transposed ? UnaryFunction.tanh : .sigmoid] {
            let step = c.transposed ? 1e-6 : activation == nil ? 1e-4 : 1e-5
            expectGradientsMatch("\(c) \(activation.map { "\($0)" } ?? "alone")", [("x", x), ("weight", w), ("bias", b)],
                                 step: step) {
                (layer(activation) * upstream).sum()
            }
        }
    }

    @Test("a non-square kernel and stride (the 1-D case as height 1)")
    func nonSquare() {
        let x = uniform([2, 2, 1, 7], -1, 1, seed: 7)
        let w = uniform([3, 2, 1, 3], -1, 1, seed: 8)
        let geometry = ConvolutionGeometry(kernel: PlaneSize(height: 1, width: 3), stride: PlaneSize(height: 1, width: 2))
        let upstream = weights(withoutGradients { convolution2D(x, weight: w, bias: nil, geometry: geometry) }.shape)
        expectGradientsMatch("conv 1×3 stride 1×2", [("x", x), ("weight", w)]) {
            (convolution2D(x, weight: w, bias: nil, geometry: geometry) * upstream).sum()
        }
    }

    @Test("max-pooling, max-unpooling and upsampling")
    func pooling() {
        // Distinct values (a permutation scaled: 89 is prime to 144), so no window has a tie a finite
        // difference could flip.
        let count = 2 * 2 * 6 * 6
        let order = (0..<count).map { $0 * 89 % count }
        let x = Tensor<Double>(shape: [2, 2, 6, 6], scalars: order.map { Double($0) / Double(count) - 0.5 })
        for (kernel, stride) in [(2, 2), (3, 1), (3, 2)] {
            let pool = MaxPool2d<Double>(kernelSize: kernel, stride: stride)
            let upstream = weights(withoutGradients { pool(x).values }.shape)
            expectGradientsMatch("maxPool k\(kernel) s\(stride)", [("x", x)]) { (pool(x).values * upstream).sum() }
        }
        let pooled = withoutGradients { MaxPool2d<Double>(kernelSize: 2)(x) }
        let small = uniform(pooled.values.shape, -1, 1, seed: 10)
        let upstream = weights([2, 2, 6, 6])
        expectGradientsMatch("maxUnpool", [("x", small)]) {
            (MaxUnpool2d<Double>()(small, indices: pooled.indices, outputSize: PlaneSize(6)) * upstream).sum()
        }
        let upsampled = weights([2, 2, 12, 12])
        expectGradientsMatch("upsample", [("x", x)]) { (Upsample<Double>(scale: 2)(x) * upsampled).sum() }
    }

    @Test("a whole convolutional autoencoder, through flatten and unflatten")
    func model() {
        let generator = SeededGenerator(seed: 11)
        let encoder = Sequential<Double>([
            Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, generator: generator), Activation(.tanh),
            Flatten(), Linear(inputSize: 2 * 3 * 3, outputSize: 2, generator: generator),
        ])
        let decoder = Sequential<Double>([
            Linear(inputSize: 2, outputSize: 2 * 3 * 3, generator: generator), Activation(.tanh), Unflatten([2, 3, 3]),
            ConvTranspose2d(inChannels: 2, outChannels: 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: generator),
        ])
        let x = uniform([2, 1, 6, 6], 0, 1, seed: 12)
        let parameters = encoder.namedParameters.map { ("encoder.\($0.name)", $0.tensor) }
            + decoder.namedParameters.map { ("decoder.\($0.name)", $0.tensor) }
        // Each op above holds 1e-6 on its own; through five layers of tanh the finite differences'
        // truncation error (h² f‴ ≈ 1e-10 here) is a larger share of the few smallest gradients.
        expectGradientsMatch("conv autoencoder", parameters, tolerance: 2e-5, step: 1e-5) {
            sigmoidCrossEntropy(logits: decoder(encoder(x)).reshaped(to: [2, 36]), labels: x.reshaped(to: [2, 36]), reduction: .batchMean)
        }
    }
}

@Suite("Convolution shapes, names and errors")
struct ConvolutionShapeTests {
    @Test("output sizes follow PyTorch: ⌊(H + 2p − k)/s⌋ + 1 and (H − 1)s − 2p + k + op")
    func sizes() throws {
        #expect(try ConvolutionGeometry(kernelSize: 3, stride: 2, padding: 1).outputSize(for: PlaneSize(28)) == PlaneSize(14))
        #expect(try ConvolutionGeometry(kernelSize: 3, stride: 2, padding: 1).outputSize(for: PlaneSize(14)) == PlaneSize(7))
        #expect(try ConvolutionGeometry(kernelSize: 5).outputSize(for: PlaneSize(28)) == PlaneSize(24))
        #expect(try ConvolutionGeometry(kernelSize: 3, stride: 2, padding: 1)
            .transposedOutputSize(for: PlaneSize(7), outputPadding: PlaneSize(1)) == PlaneSize(14))
        #expect(try ConvolutionGeometry(kernelSize: 3, stride: 2, padding: 1)
            .transposedOutputSize(for: PlaneSize(7), outputPadding: PlaneSize(0)) == PlaneSize(13))
    }

    /// The convolutional chapter's main model: encoder and decoder in nn.Sequential order.
    func chapterModel(kernelSize: Int = 3, stride: Int = 2, decoderChannels: Int = 64) -> (encoder: Sequential<Float>, decoder: Sequential<Float>) {
        let generator = SeededGenerator(seed: 0)
        let encoder = Sequential<Float>([
            Conv2d(inChannels: 1, outChannels: 32, kernelSize: kernelSize, stride: stride, padding: 1, generator: generator), Activation(.relu),
            Conv2d(inChannels: 32, outChannels: 64, kernelSize: 3, stride: 2, padding: 1, generator: generator), Activation(.relu),
            Flatten(), Linear(inputSize: 3136, outputSize: 20, generator: generator),
        ])
        let decoder = Sequential<Float>([
            Linear(inputSize: 20, outputSize: 3136, generator: generator), Activation(.relu), Unflatten([64, 7, 7]),
            ConvTranspose2d(inChannels: decoderChannels, outChannels: 32, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: generator),
            Activation(.relu),
            ConvTranspose2d(inChannels: 32, outChannels: 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: generator),
        ])
        return (encoder, decoder)
    }

    @Test("the chapter's model: PyTorch's parameter names and layouts, and the shapes through it")
    func namesAndLayouts() throws {
        let (encoder, decoder) = chapterModel()
        let names = prefixed("encoder", encoder.namedParameters) + prefixed("decoder", decoder.namedParameters)
        #expect(names.map(\.name) == ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
                                      "encoder.5.weight", "encoder.5.bias", "decoder.0.weight", "decoder.0.bias",
                                      "decoder.3.weight", "decoder.3.bias", "decoder.5.weight", "decoder.5.bias"])
        #expect(names.map(\.tensor.shape) == [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [20, 3136], [20],
                                              [3136, 20], [3136], [64, 32, 3, 3], [32], [32, 1, 3, 3], [1]])
        #expect(try encoder.outputShape(for: [128, 1, 28, 28]) == [128, 20])
        #expect(try decoder.outputShape(for: [128, 20]) == [128, 1, 28, 28])
        let output = withoutGradients { decoder(encoder(Tensor<Float>(zeros: [2, 1, 28, 28]))) }
        #expect(output.shape == [2, 1, 28, 28])
    }

    @Test("flatten keeps channel, row, column order (nn.Flatten), and unflatten undoes it")
    func flattenOrder() {
        let x = Tensor<Float>(shape: [2, 2, 2, 3], scalars: (0..<24).map(Float.init))
        let flat = Flatten<Float>()(x)
        #expect(flat.shape == [2, 12])
        #expect(flat.scalars == x.scalars)
        #expect(Unflatten<Float>([2, 2, 3])(flat).shape == [2, 2, 2, 3])
    }

    @Test("bad geometry is a one-line error naming the layer and the shapes")
    func errors() {
        func message(_ body: () throws -> [Int]) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        let kernelTooLarge = message { try chapterModel(kernelSize: 31).encoder.outputShape(for: [1, 1, 28, 28]) }
        #expect(kernelTooLarge.contains("layer 0 Conv2d(1, 32, kernel 31, stride 2, padding 1)"), "\(kernelTooLarge)")
        #expect(kernelTooLarge.contains("larger than the padded input 30×30"), "\(kernelTooLarge)")
        let zeroStride = message { try chapterModel(stride: 0).encoder.outputShape(for: [1, 1, 28, 28]) }
        #expect(zeroStride.contains("layer 0") && zeroStride.contains("stride must be at least 1, got 0"), "\(zeroStride)")
        let channels = message { try chapterModel(decoderChannels: 16).decoder.outputShape(for: [1, 20]) }
        #expect(channels.contains("layer 3 ConvTranspose2d(16, 32"), "\(channels)")
        #expect(channels.contains("input [1, 64, 7, 7] has 64 channels, but the weight [16, 32, 3, 3] expects 16"), "\(channels)")
        #expect(!kernelTooLarge.contains("\n") && !zeroStride.contains("\n") && !channels.contains("\n"))
        let unflatten = message { try Sequential<Float>([Unflatten([3, 7, 7])]).outputShape(for: [1, 3136]) }
        #expect(unflatten.contains("does not unflatten"), "\(unflatten)")
    }

    @Test("running a convolution on a mismatched input stops with the shapes")
    func runtimeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let layer = Conv2d<Float>(inChannels: 3, outChannels: 4, kernelSize: 3, generator: SeededGenerator(seed: 0))
            _ = layer(Tensor<Float>(zeros: [1, 2, 8, 8]))
        }
        if let result {
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("convolution2D") && text.contains("[1, 2, 8, 8]") && text.contains("[4, 3, 3, 3]"), "\(text)")
        }
        await #expect(processExitsWith: .failure) {
            _ = maxUnpool2D(Tensor<Float>(zeros: [1, 1, 2, 2]), indices: maxPool2D(Tensor<Float>(zeros: [1, 1, 4, 4]), kernel: PlaneSize(2), stride: PlaneSize(2)).indices,
                            outputSize: PlaneSize(2))
        }
    }

    @Test("two training steps give identical bits for the same seed and thread count")
    func determinism() {
        func train(threads: Int) -> [Float] {
            setThreadCount(threads)
            defer { setThreadCount(1) }
            let (encoder, decoder) = chapterModel()
            let images = Tensor<Float>(randomUniform: [16, 1, 28, 28], generator: SeededGenerator(seed: 3))
            var optimizer = Adam(parameters: encoder.parameters + decoder.parameters, learningRate: 1e-3)
            for _ in 0..<2 {
                optimizer.zeroGradients()
                sigmoidCrossEntropy(logits: decoder(encoder(images)), labels: images).backward()
                optimizer.step()
            }
            return decoder.parameters.last!.scalars + encoder.parameters.first!.scalars
        }
        let first = train(threads: 1)
        #expect(train(threads: 1) == first)
        // Another thread count splits matrix products into other blocks, and BLAS may round the edge
        // of a block differently: the same numbers up to rounding, not the same bits.
        #expect(maximumDifference(train(threads: 2), first) < 1e-5)
    }
}
