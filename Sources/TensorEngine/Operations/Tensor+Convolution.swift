import KernelCore
// 2-D convolution and transposed convolution on [batch, channels, height, width] tensors, with
// PyTorch's weight layouts, lowered to one matrix product each (see ConvolutionKernels.swift).

/// A shape an operation or layer cannot work with; the message names what and the shapes.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    /// One line naming the layer or operation and the shapes.
    public let description: String
    /// An error with a one-line message.
    public init(_ description: String) { self.description = description }
}

/// Height and width of an image plane (or of a kernel, a stride, a padding).
public struct PlaneSize: Sendable, Equatable, CustomStringConvertible {
    /// Rows.
    public var height: Int
    /// Columns.
    public var width: Int
    /// A size of `height` rows and `width` columns.
    public init(height: Int, width: Int) { self.height = height; self.width = width }
    /// The square size `side` × `side`.
    public init(_ side: Int) { self.init(height: side, width: side) }
    /// `3×3`, or `3` when square.
    public var description: String { height == width ? "\(height)" : "\(height)×\(width)" }
}

/// The geometry of a convolution: kernel size, stride and zero padding, per axis.
///
/// For an input of size H the output has ⌊(H + 2p − k) / s⌋ + 1 rows (PyTorch's `Conv2d`), and a
/// transposed convolution maps H back to (H − 1)·s − 2p + k + outputPadding (`ConvTranspose2d`).
public struct ConvolutionGeometry: Sendable, Equatable, CustomStringConvertible {
    /// Kernel height and width.
    public var kernel: PlaneSize
    /// Step between neighbouring output positions, in input pixels.
    public var stride: PlaneSize
    /// Zeros added on each side of the input.
    public var padding: PlaneSize

    /// A geometry from its three sizes.
    public init(kernel: PlaneSize, stride: PlaneSize = PlaneSize(1), padding: PlaneSize = PlaneSize(0)) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// A square geometry: `kernelSize` × `kernelSize`, the same stride and padding on both axes.
    public init(kernelSize: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kernel: PlaneSize(kernelSize), stride: PlaneSize(stride), padding: PlaneSize(padding))
    }

    /// `kernel 3, stride 2, padding 1`.
    public var description: String { "kernel \(kernel), stride \(stride), padding \(padding)" }

    /// The output size ⌊(H + 2p − k) / s⌋ + 1 per axis; throws when the stride is below 1, the padding
    /// negative, or the kernel larger than the padded input.
    public func outputSize(for input: PlaneSize) throws -> PlaneSize {
        guard kernel.height >= 1, kernel.width >= 1 else { throw ShapeError("kernel must be at least 1, got \(kernel)") }
        guard stride.height >= 1, stride.width >= 1 else { throw ShapeError("stride must be at least 1, got \(stride)") }
        guard padding.height >= 0, padding.width >= 0 else { throw ShapeError("padding must not be negative, got \(padding)") }
        let padded = PlaneSize(height: input.height + 2 * padding.height, width: input.width + 2 * padding.width)
        guard kernel.height <= padded.height, kernel.width <= padded.width else {
            throw ShapeError("kernel \(kernel) is larger than the padded input \(padded.height)×\(padded.width) (input \(input.height)×\(input.width), padding \(padding))")
        }
        return PlaneSize(height: (padded.height - kernel.height) / stride.height + 1,
                         width: (padded.width - kernel.width) / stride.width + 1)
    }

    /// The output size (H − 1)·s − 2p + k + outputPadding of the transposed convolution; throws when
    /// the output padding is not below the stride or the result would be empty.
    public func transposedOutputSize(for input: PlaneSize, outputPadding: PlaneSize) throws -> PlaneSize {
        guard kernel.height >= 1, kernel.width >= 1 else { throw ShapeError("kernel must be at least 1, got \(kernel)") }
        guard stride.height >= 1, stride.width >= 1 else { throw ShapeError("stride must be at least 1, got \(stride)") }
        guard padding.height >= 0, padding.width >= 0 else { throw ShapeError("padding must not be negative, got \(padding)") }
        guard outputPadding.height >= 0, outputPadding.width >= 0,
              outputPadding.height < stride.height, outputPadding.width < stride.width else {
            throw ShapeError("output padding \(outputPadding) must be at least 0 and smaller than the stride \(stride)")
        }
        let output = PlaneSize(
            height: (input.height - 1) * stride.height - 2 * padding.height + kernel.height + outputPadding.height,
            width: (input.width - 1) * stride.width - 2 * padding.width + kernel.width + outputPadding.width)
        guard output.height >= 1, output.width >= 1 else {
            throw ShapeError("output would be \(output.height)×\(output.width) for input \(input.height)×\(input.width) (\(self))")
        }
        return output
    }
}

/// Checks a convolution's input [N, C, H, W] against its weight and returns the output shape.
/// `weight` is [Cout, C, kH, kW], or [C, Cout, kH, kW] when `transposed`.
func convolutionOutputShape(
    input: [Int], weight: [Int], geometry: ConvolutionGeometry, transposed: Bool, outputPadding: PlaneSize = PlaneSize(0)
) throws -> [Int] {
    guard input.count == 4 else { throw ShapeError("input \(describe(input)) is not [batch, channels, height, width]") }
    guard weight.count == 4 else { throw ShapeError("weight \(describe(weight)) is not 4-dimensional") }
    let inputChannels = transposed ? weight[0] : weight[1], outputChannels = transposed ? weight[1] : weight[0]
    guard input[1] == inputChannels else {
        throw ShapeError("input \(describe(input)) has \(input[1]) channels, but the weight \(describe(weight)) expects \(inputChannels)")
    }
    guard weight[2] == geometry.kernel.height, weight[3] == geometry.kernel.width else {
        throw ShapeError("weight \(describe(weight)) does not match kernel \(geometry.kernel)")
    }
    let plane = PlaneSize(height: input[2], width: input[3])
    let output = transposed
        ? try geometry.transposedOutputSize(for: plane, outputPadding: outputPadding)
        : try geometry.outputSize(for: plane)
    return [input[0], outputChannels, output.height, output.width]
}

/// The kernel-loop description of a convolution from `image` [N, C, H, W] to output rows × columns.
func convolutionShape(image: [Int], output: PlaneSize, geometry: ConvolutionGeometry) -> ConvolutionShape {
    ConvolutionShape(batch: image[0], channels: image[1], height: image[2], width: image[3],
                     kernelHeight: geometry.kernel.height, kernelWidth: geometry.kernel.width,
                     strideHeight: geometry.stride.height, strideWidth: geometry.stride.width,
                     paddingHeight: geometry.padding.height, paddingWidth: geometry.padding.width,
                     outputHeight: output.height, outputWidth: output.width)
}

/// 2-D convolution y = f(W ⋆ x + b) of a batch x [N, C, H, W] with a weight W [Cout, C, kH, kW] and a
/// bias b [Cout] (PyTorch's `F.conv2d`, which computes a cross-correlation), optionally fused with an
/// activation whose derivative needs only its output (ReLU, sigmoid, tanh, …).
///
/// Lowered to one product: with X = im2col(x) [C·kH·kW, N·outH·outW], z = W X + b. Backward, with
/// dz = g ⊙ f′: ∂/∂W = dz Xᵀ, ∂/∂b = Σ dz over batch and positions, ∂/∂x = col2im(Wᵀ dz).
public func convolution2D<Scalar>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?, geometry: ConvolutionGeometry,
    activation: UnaryFunction? = nil
) -> Tensor<Scalar> {
    if let activation, !activation.derivativeNeedsOnlyOutput {
        return convolution2D(input, weight: weight, bias: bias, geometry: geometry).applying(activation, "activation")
    }
    let outputShape: [Int]
    do {
        outputShape = try convolutionOutputShape(input: input.shape, weight: weight.shape, geometry: geometry, transposed: false)
    } catch {
        preconditionFailure("convolution2D: \(error)")
    }
    let outputChannels = weight.shape[0]
    if let bias {
        precondition(bias.count == outputChannels, "convolution2D: bias \(describe(bias.shape)) does not match weight \(describe(weight.shape))")
    }
    let shape = convolutionShape(image: input.shape, output: PlaneSize(height: outputShape[2], width: outputShape[3]),
                                 geometry: geometry)
    let rows = shape.columnRows, columnCount = shape.columnCount, planeSize = outputShape[2] * outputShape[3]
    let columns = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "im2col")
    Scalar.imageToColumns(input.pointer, shape, into: columns.mutablePointer)
    let product = Tensor<Scalar>(uninitializedShape: [outputChannels, columnCount], operation: "convolution2D")
    Scalar.gemm(transposeA: false, transposeB: false, rows: outputChannels, columns: columnCount, inner: rows,
                alpha: 1, a: weight.pointer, lda: rows, b: columns.pointer, ldb: columnCount,
                beta: 0, c: product.mutablePointer, ldc: columnCount)
    let result = Tensor<Scalar>(uninitializedShape: outputShape, operation: "convolution2D")
    Scalar.channelsToBatch(product.pointer, channels: outputChannels, batch: shape.batch, planeSize: planeSize,
                           bias: bias?.pointer, activation: activation, into: result.mutablePointer, accumulate: false)
    let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
    return result.recording("convolution2D", inputs: inputs) { output in
        // dz in the product's [Cout, N·P] layout, through the activation's derivative.
        let dz = Tensor<Scalar>(uninitializedShape: [outputChannels, columnCount], operation: "gradient")
        Scalar.batchToChannels(output.gradient!.pointer, channels: outputChannels, batch: shape.batch, planeSize: planeSize,
                               activation: activation, output: output.pointer, into: dz.mutablePointer)
        weight.accumulateGradient { dw, accumulate in
            Scalar.gemm(transposeA: false, transposeB: true, rows: outputChannels, columns: rows, inner: columnCount,
                        alpha: 1, a: dz.pointer, lda: columnCount, b: columns.pointer, ldb: columnCount,
                        beta: accumulate ? 1 : 0, c: dw, ldc: rows)
        }
        bias?.accumulateGradient { db, accumulate in
            Scalar.sumPerChannel(dz.pointer, batch: 1, channels: outputChannels, planeSize: columnCount,
                                 into: db, accumulate: accumulate)
        }
        input.accumulateGradient { dx, accumulate in
            let columnGradient = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "gradient")
            Scalar.gemm(transposeA: true, transposeB: false, rows: rows, columns: columnCount, inner: outputChannels,
                        alpha: 1, a: weight.pointer, lda: rows, b: dz.pointer, ldb: columnCount,
                        beta: 0, c: columnGradient.mutablePointer, ldc: columnCount)
            Scalar.columnsToImage(columnGradient.pointer, shape, into: dx, accumulate: accumulate)
        }
    }
}

/// 2-D transposed convolution y = f(Wᵀ ⋆ x + b) of x [N, C, H, W] with a weight W [C, Cout, kH, kW] and
/// a bias b [Cout] (PyTorch's `F.conv_transpose2d`): the adjoint of the convolution with the same weight
/// and geometry, whose output is (H − 1)·s − 2p + k + outputPadding rows high. It equals an ordinary
/// convolution, with the flipped kernel, of x with s − 1 zeros inserted between pixels and k − 1 − p
/// zeros around them.
///
/// Forward: z = col2im(Wᵀ x̃) + b, where x̃ is x as [C, N·H·W]. Backward, with dz = g ⊙ f′ and
/// Z = im2col(dz): ∂/∂W = x̃ Zᵀ, ∂/∂b = Σ dz, ∂/∂x = W Z (a convolution of dz).
public func transposedConvolution2D<Scalar>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?, geometry: ConvolutionGeometry,
    outputPadding: PlaneSize = PlaneSize(0), activation: UnaryFunction? = nil
) -> Tensor<Scalar> {
    if let activation, !activation.derivativeNeedsOnlyOutput {
        return transposedConvolution2D(input, weight: weight, bias: bias, geometry: geometry, outputPadding: outputPadding)
            .applying(activation, "activation")
    }
    let outputShape: [Int]
    do {
        outputShape = try convolutionOutputShape(input: input.shape, weight: weight.shape, geometry: geometry,
                                                 transposed: true, outputPadding: outputPadding)
    } catch {
        preconditionFailure("transposedConvolution2D: \(error)")
    }
    let inputChannels = weight.shape[0], outputChannels = weight.shape[1]
    if let bias {
        precondition(bias.count == outputChannels, "transposedConvolution2D: bias \(describe(bias.shape)) does not match weight \(describe(weight.shape))")
    }
    // The convolution this one is the adjoint of: from the output image back to the input's size.
    let shape = convolutionShape(image: outputShape, output: PlaneSize(height: input.shape[2], width: input.shape[3]),
                                 geometry: geometry)
    let rows = shape.columnRows, columnCount = shape.columnCount
    let inputPlane = input.shape[2] * input.shape[3], outputPlane = outputShape[2] * outputShape[3]
    let channelsFirst = Tensor<Scalar>(uninitializedShape: [inputChannels, columnCount], operation: "channelsFirst")
    Scalar.batchToChannels(input.pointer, channels: inputChannels, batch: shape.batch, planeSize: inputPlane,
                           activation: nil, output: nil, into: channelsFirst.mutablePointer)
    let columns = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "transposedConvolution2D")
    Scalar.gemm(transposeA: true, transposeB: false, rows: rows, columns: columnCount, inner: inputChannels,
                alpha: 1, a: weight.pointer, lda: rows, b: channelsFirst.pointer, ldb: columnCount,
                beta: 0, c: columns.mutablePointer, ldc: columnCount)
    let result = Tensor<Scalar>(uninitializedShape: outputShape, operation: "transposedConvolution2D")
    Scalar.columnsToImage(columns.pointer, shape, into: result.mutablePointer, accumulate: false)
    Scalar.addChannelBiasAndActivate(result.mutablePointer, batch: shape.batch, channels: outputChannels,
                                     planeSize: outputPlane, bias: bias?.pointer, activation: activation)
    let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
    return result.recording("transposedConvolution2D", inputs: inputs) { output in
        var dz = output.gradient!
        if let activation {
            dz = Tensor<Scalar>(uninitializedShape: outputShape, operation: "gradient")
            Scalar.applyUnaryDerivative(activation, input: output.pointer, output: output.pointer,
                                        upstream: output.gradient!.pointer, into: dz.mutablePointer,
                                        count: dz.count, accumulate: false)
        }
        bias?.accumulateGradient { db, accumulate in
            Scalar.sumPerChannel(dz.pointer, batch: shape.batch, channels: outputChannels, planeSize: outputPlane,
                                 into: db, accumulate: accumulate)
        }
        let gradientColumns = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "im2col")
        Scalar.imageToColumns(dz.pointer, shape, into: gradientColumns.mutablePointer)
        weight.accumulateGradient { dw, accumulate in
            Scalar.gemm(transposeA: false, transposeB: true, rows: inputChannels, columns: rows, inner: columnCount,
                        alpha: 1, a: channelsFirst.pointer, lda: columnCount, b: gradientColumns.pointer, ldb: columnCount,
                        beta: accumulate ? 1 : 0, c: dw, ldc: rows)
        }
        input.accumulateGradient { dx, accumulate in
            let product = Tensor<Scalar>(uninitializedShape: [inputChannels, columnCount], operation: "gradient")
            Scalar.gemm(transposeA: false, transposeB: false, rows: inputChannels, columns: columnCount, inner: rows,
                        alpha: 1, a: weight.pointer, lda: rows, b: gradientColumns.pointer, ldb: columnCount,
                        beta: 0, c: product.mutablePointer, ldc: columnCount)
            Scalar.channelsToBatch(product.pointer, channels: inputChannels, batch: shape.batch, planeSize: inputPlane,
                                   bias: nil, activation: nil, into: dx, accumulate: accumulate)
        }
    }
}

/// The transposed convolution computed the long way (Dumoulin & Visin 2016, §4): insert s − 1 zeros
/// between neighbouring input pixels, pad with k − 1 − p zeros on each side (plus the output padding
/// at the bottom and right), then run an ordinary stride-1 convolution with every kernel flipped and
/// the weight's channel axes swapped. Equals ``transposedConvolution2D(_:weight:bias:geometry:outputPadding:activation:)``
/// up to rounding; slower, and here to show (and test) why the two are the same. Needs p ≤ k − 1.
/// Values only: gradients do not flow through it.
public func transposedConvolutionByZeroInsertion<Scalar>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?, geometry: ConvolutionGeometry,
    outputPadding: PlaneSize = PlaneSize(0)
) -> Tensor<Scalar> {
    precondition(input.shape.count == 4 && weight.shape.count == 4 && input.shape[1] == weight.shape[0],
                 "transposedConvolutionByZeroInsertion: input \(describe(input.shape)) does not match weight \(describe(weight.shape))")
    let (kernel, stride, padding) = (geometry.kernel, geometry.stride, geometry.padding)
    precondition(padding.height < kernel.height && padding.width < kernel.width,
                 "transposedConvolutionByZeroInsertion: padding \(padding) must be below the kernel \(kernel)")
    let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let border = PlaneSize(height: kernel.height - 1 - padding.height, width: kernel.width - 1 - padding.width)
    let spread = PlaneSize(height: (height - 1) * stride.height + 1, width: (width - 1) * stride.width + 1)
    let padded = PlaneSize(height: spread.height + 2 * border.height + outputPadding.height,
                           width: spread.width + 2 * border.width + outputPadding.width)
    var values = [Scalar](repeating: 0, count: batch * channels * padded.height * padded.width)
    let source = input.scalars
    for plane in 0..<(batch * channels) {
        for y in 0..<height {
            for x in 0..<width {
                let row = border.height + y * stride.height, column = border.width + x * stride.width
                values[(plane * padded.height + row) * padded.width + column] = source[(plane * height + y) * width + x]
            }
        }
    }
    let zeroInserted = Tensor<Scalar>(shape: [batch, channels, padded.height, padded.width], scalars: values)
    // Flip each kernel and swap [in, out] to a convolution's [out, in].
    let (inputChannels, outputChannels) = (weight.shape[0], weight.shape[1])
    let weights = weight.scalars
    var flipped = [Scalar](repeating: 0, count: weight.count)
    for i in 0..<inputChannels {
        for o in 0..<outputChannels {
            for y in 0..<kernel.height {
                for x in 0..<kernel.width {
                    let from = ((i * outputChannels + o) * kernel.height + y) * kernel.width + x
                    let to = ((o * inputChannels + i) * kernel.height + (kernel.height - 1 - y)) * kernel.width + (kernel.width - 1 - x)
                    flipped[to] = weights[from]
                }
            }
        }
    }
    let convolutionWeight = Tensor<Scalar>(shape: [outputChannels, inputChannels, kernel.height, kernel.width], scalars: flipped)
    return convolution2D(zeroInserted, weight: convolutionWeight, bias: bias, geometry: ConvolutionGeometry(kernel: kernel))
}
