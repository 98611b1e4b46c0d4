import KernelCore

// 2-D convolution and transposed convolution on [batch, channels, height, width] tensors, with
// PyTorch's weight layouts, lowered to one matrix product each (see ConvolutionKernels.swift).

/// The kernel-loop description of a convolution from `image` [N, C, H, W] to output rows × columns.
func convolutionShape(image: [Int], output: PlaneSize, geometry: ConvolutionGeometry) -> ConvolutionShape {
    ConvolutionShape(batch: image[0], channels: image[1], height: image[2], width: image[3],
                     kernelHeight: geometry.kernel.height, kernelWidth: geometry.kernel.width,
                     strideHeight: geometry.stride.height, strideWidth: geometry.stride.width,
                     paddingHeight: geometry.padding.height, paddingWidth: geometry.padding.width,
                     outputHeight: output.height, outputWidth: output.width)
}

/// A batch cut into chunks of whole images, each small enough that its column matrix (and the product
/// made from it) stays in the processor's cache. Chunks run in parallel; their sizes depend only on
/// the shapes, so results are the same for every thread count.
struct ImageChunks {
    /// Images in the whole batch.
    let batch: Int
    /// Images per chunk (the last may have fewer).
    let imagesPerChunk: Int

    /// Chunks whose column matrices hold about 64 Ki values (256 KB of Float).
    init(batch: Int, columnValuesPerImage: Int) {
        self.batch = batch
        imagesPerChunk = Swift.max(1, Swift.min(batch, (1 << 16) / Swift.max(columnValuesPerImage, 1)))
    }

    /// The number of chunks.
    var count: Int { (batch + imagesPerChunk - 1) / imagesPerChunk }

    /// The images of chunk `index`.
    func images(_ index: Int) -> Range<Int> {
        (index * imagesPerChunk)..<Swift.min((index + 1) * imagesPerChunk, batch)
    }

    /// `shape` for the images of one chunk.
    func shape(_ shape: ConvolutionShape, _ index: Int) -> ConvolutionShape {
        ConvolutionShape(batch: images(index).count, channels: shape.channels, height: shape.height, width: shape.width,
                         kernelHeight: shape.kernelHeight, kernelWidth: shape.kernelWidth,
                         strideHeight: shape.strideHeight, strideWidth: shape.strideWidth,
                         paddingHeight: shape.paddingHeight, paddingWidth: shape.paddingWidth,
                         outputHeight: shape.outputHeight, outputWidth: shape.outputWidth)
    }
}

/// Calls `body` with `tensor`'s gradient buffer and whether to add to it, or with `nil` when the
/// tensor is absent or needs no gradient.
func withGradient<Scalar>(_ tensor: Tensor<Scalar>?, _ body: (UnsafeMutablePointer<Scalar>?, Bool) -> Void) {
    if let tensor, tensor.requiresGradient {
        tensor.accumulateGradient { body($0, $1) }
    } else {
        body(nil, false)
    }
}

/// Adds per-chunk partial gradients [chunks, count] into `tensor`'s gradient, in chunk order.
func addPartials<Scalar>(_ partials: Tensor<Scalar>?, into tensor: Tensor<Scalar>?) {
    guard let partials, let tensor else { return }
    tensor.accumulateGradient { gradient, accumulate in
        Scalar.sumRows(partials.pointer, rows: partials.shape[0], columns: partials.shape[1], into: gradient,
                       accumulate: accumulate)
    }
}

/// One chunk's share of a convolution's backward pass: its images, their shape and offsets, and
/// where it writes — its rows of the per-chunk weight and bias partials (`nil` where no gradient is
/// needed) and the input's gradient buffer.
struct ChunkGradients<Scalar: TensorScalar> {
    let images: Range<Int>, part: ConvolutionShape, inputOffset: Int, outputOffset: Int
    let weight: UnsafeMutablePointer<Scalar>?, bias: UnsafeMutablePointer<Scalar>?
    let input: UnsafeMutablePointer<Scalar>?, accumulate: Bool
}

/// Records a convolution's result with the backward pass both convolutions share: `body` gets the
/// result (with its gradient) and runs once per chunk of images, in parallel; the per-chunk weight and
/// bias partials are then summed in chunk order (so the gradient is the same whatever the thread count).
func recordingByChunks<Scalar>(
    _ result: Tensor<Scalar>, _ name: String, input: Tensor<Scalar>, weight: Tensor<Scalar>,
    bias: Tensor<Scalar>?, chunks: ImageChunks, shape: ConvolutionShape, inputImage: Int, outputImage: Int,
    _ body: @escaping (_ output: Tensor<Scalar>, ChunkGradients<Scalar>) -> Void
) -> Tensor<Scalar> {
    func partials(_ tensor: Tensor<Scalar>?) -> Tensor<Scalar>? {
        guard let tensor, tensor.requiresGradient else { return nil }
        return Tensor<Scalar>(uninitializedShape: [chunks.count, tensor.count])
    }
    return result.recording(name, inputs: bias.map { [input, weight, $0] } ?? [input, weight]) { output in
        let (weightPartials, biasPartials) = (partials(weight), partials(bias))
        withGradient(input) { dx, accumulate in
            forEachTask(chunks.count) { index in
                let images = chunks.images(index)
                body(output, ChunkGradients(
                    images: images, part: chunks.shape(shape, index), inputOffset: images.lowerBound * inputImage,
                    outputOffset: images.lowerBound * outputImage,
                    weight: weightPartials.map { $0.mutablePointer + index * weight.count },
                    bias: biasPartials.map { $0.mutablePointer + index * bias!.count }, input: dx, accumulate: accumulate))
            }
        }
        addPartials(weightPartials, into: weight)
        addPartials(biasPartials, into: bias)
    }
}

/// 2-D convolution y = f(W ⋆ x + b) of a batch x [N, C, H, W] with a weight W [Cout, C, kH, kW] and a
/// bias b [Cout] (PyTorch's `F.conv2d`, which computes a cross-correlation), optionally fused with an
/// activation whose derivative needs only its output (ReLU, sigmoid, tanh, …).
///
/// Lowered to one product: with X = im2col(x) [C·kH·kW, N·outH·outW], z = W X + b. Backward, with
/// dz = g ⊙ f′: ∂/∂W = dz Xᵀ, ∂/∂b = Σ dz over batch and positions, ∂/∂x = col2im(Wᵀ dz). Both run on
/// chunks of images in parallel (see ``ImageChunks``); the weight and bias gradients are summed over
/// the chunks in a fixed order.
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
    let rows = shape.columnRows, planeSize = outputShape[2] * outputShape[3]
    let inputImage = input.count / max(shape.batch, 1), outputImage = outputChannels * planeSize
    // ANCHOR: convolution-forward
    let chunks = ImageChunks(batch: shape.batch, columnValuesPerImage: rows * planeSize)
    let result = Tensor<Scalar>(uninitializedShape: outputShape, operation: "convolution2D")
    forEachTask(chunks.count) { index in  // chunks of whole images, in parallel
        let images = chunks.images(index), part = chunks.shape(shape, index)
        let columnCount = part.columnCount
        let product = Tensor<Scalar>(uninitializedShape: [outputChannels, columnCount],
                                     operation: "convolution2D")
        let image = input.pointer + images.lowerBound * inputImage
        if outputChannels == 1, let phases = ConvolutionPhases(part) {
            // W has one row: sum each tap's shifted plane, scaled by its weight, without forming X.
            Scalar.convolutionToOneChannel(image, weights: weight.pointer, phases,
                                           into: product.mutablePointer)
        } else {
            // X: one column of C·k·k input values per output position of the chunk (im2col).
            let columns = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "im2col")
            Scalar.imageToColumns(image, part, into: columns.mutablePointer)
            // W X: [C', C·k·k] × [C·k·k, positions].
            Scalar.packedProduct(weight.pointer, columns.pointer, into: product.mutablePointer,
                                 rows: outputChannels, columns: columnCount, inner: rows)
        }
        // [C', images, positions] → [images, C', positions], adding the bias and the activation.
        Scalar.channelsToBatch(product.pointer, channels: outputChannels, batch: images.count,
                               planeSize: planeSize, bias: bias?.pointer, activation: activation,
                               into: result.mutablePointer + images.lowerBound * outputImage,
                               accumulate: false)
    }
    // ANCHOR_END: convolution-forward
    return recordingByChunks(result, "convolution2D", input: input, weight: weight, bias: bias, chunks: chunks,
                             shape: shape, inputImage: inputImage, outputImage: outputImage) { output, chunk in
        let gradient = output.gradient!, images = chunk.images, columnCount = chunk.part.columnCount
        // dz in the product's [Cout, n·P] layout, through the activation's derivative.
        let dz = Tensor<Scalar>(uninitializedShape: [outputChannels, columnCount], operation: "gradient")
        Scalar.batchToChannels(gradient.pointer + chunk.outputOffset, channels: outputChannels, batch: images.count,
                               planeSize: planeSize, activation: activation, output: output.pointer + chunk.outputOffset,
                               into: dz.mutablePointer)
        if let biasPartial = chunk.bias {
            Scalar.sumPerChannel(dz.pointer, batch: 1, channels: outputChannels, planeSize: columnCount,
                                 into: biasPartial, accumulate: false)
        }
        let onePhases = outputChannels == 1 ? ConvolutionPhases(chunk.part) : nil
        if let weightPartial = chunk.weight, let phases = onePhases {
            Scalar.oneChannelWeightGradient(input.pointer + chunk.inputOffset, outputGradient: dz.pointer, phases,
                                            into: weightPartial)
        } else if let weightPartial = chunk.weight {
            let columns = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "im2col")
            Scalar.imageToColumns(input.pointer + chunk.inputOffset, chunk.part, into: columns.mutablePointer)
            Scalar.packedProduct(dz.pointer, columns.pointer, into: weightPartial,
                                 rows: outputChannels, columns: rows, inner: columnCount, transposeB: true)
        }
        if let dx = chunk.input, let phases = onePhases {
            Scalar.columnsToImageOfScaledPlanes(weights: weight.pointer, planes: dz.pointer, phases,
                                                into: dx + chunk.inputOffset, accumulate: chunk.accumulate)
        } else if let dx = chunk.input {
            let columnGradient = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "gradient")
            Scalar.packedProduct(weight.pointer, dz.pointer, into: columnGradient.mutablePointer,
                                 rows: rows, columns: columnCount, inner: outputChannels, transposeA: true)
            Scalar.columnsToImage(columnGradient.mutablePointer, chunk.part, into: dx + chunk.inputOffset, accumulate: chunk.accumulate)
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
/// Z = im2col(dz): ∂/∂W = x̃ Zᵀ, ∂/∂b = Σ dz, ∂/∂x = W Z (a convolution of dz). Both run on chunks of
/// images in parallel; the weight and bias gradients are summed over the chunks in a fixed order.
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
    let rows = shape.columnRows
    let inputPlane = input.shape[2] * input.shape[3], outputPlane = outputShape[2] * outputShape[3]
    let inputImage = inputChannels * inputPlane, outputImage = outputChannels * outputPlane
    let chunks = ImageChunks(batch: shape.batch, columnValuesPerImage: rows * inputPlane)
    let result = Tensor<Scalar>(uninitializedShape: outputShape, operation: "transposedConvolution2D")
    forEachTask(chunks.count) { index in
        let images = chunks.images(index), part = chunks.shape(shape, index), columnCount = part.columnCount
        let channelsFirst = Tensor<Scalar>(uninitializedShape: [inputChannels, columnCount], operation: "channelsFirst")
        Scalar.batchToChannels(input.pointer + images.lowerBound * inputImage, channels: inputChannels, batch: images.count,
                               planeSize: inputPlane, activation: nil, output: nil, into: channelsFirst.mutablePointer)
        let columns = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "transposedConvolution2D")
        Scalar.packedProduct(weight.pointer, channelsFirst.pointer, into: columns.mutablePointer,
                             rows: rows, columns: columnCount, inner: inputChannels, transposeA: true)
        let target = result.mutablePointer + images.lowerBound * outputImage
        Scalar.columnsToImage(columns.mutablePointer, part, into: target, accumulate: false)
        Scalar.addChannelBiasAndActivate(target, batch: images.count, channels: outputChannels, planeSize: outputPlane,
                                         bias: bias?.pointer, activation: activation)
    }
    return recordingByChunks(result, "transposedConvolution2D", input: input, weight: weight, bias: bias, chunks: chunks,
                             shape: shape, inputImage: inputImage, outputImage: outputImage) { output, chunk in
        let gradient = output.gradient!, images = chunk.images, columnCount = chunk.part.columnCount
        let chunkValues = images.count * outputImage
        var dz = UnsafePointer(gradient.pointer + chunk.outputOffset)
        let derivative = activation.map { _ in Tensor<Scalar>(uninitializedShape: [chunkValues], operation: "gradient") }
        if let activation, let derivative {
            let y = output.pointer + chunk.outputOffset  // the derivative needs only the output
            Scalar.applyUnaryDerivative(activation, input: y, output: y, upstream: dz, into: derivative.mutablePointer,
                                        count: chunkValues, accumulate: false, serial: true)
            dz = derivative.pointer
        }
        if let biasPartial = chunk.bias {
            Scalar.sumPerChannel(dz, batch: images.count, channels: outputChannels, planeSize: outputPlane,
                                 into: biasPartial, accumulate: false)
        }
        let columns = Tensor<Scalar>(uninitializedShape: [rows, columnCount], operation: "im2col")
        Scalar.imageToColumns(dz, chunk.part, into: columns.mutablePointer)
        if let weightPartial = chunk.weight {
            let channelsFirst = Tensor<Scalar>(uninitializedShape: [inputChannels, columnCount], operation: "channelsFirst")
            Scalar.batchToChannels(input.pointer + chunk.inputOffset, channels: inputChannels, batch: images.count,
                                   planeSize: inputPlane, activation: nil, output: nil,
                                   into: channelsFirst.mutablePointer)
            Scalar.packedProduct(channelsFirst.pointer, columns.pointer, into: weightPartial,
                                 rows: inputChannels, columns: rows, inner: columnCount, transposeB: true)
        }
        if let dx = chunk.input {
            let product = Tensor<Scalar>(uninitializedShape: [inputChannels, columnCount], operation: "gradient")
            Scalar.packedProduct(weight.pointer, columns.pointer, into: product.mutablePointer,
                                 rows: inputChannels, columns: columnCount, inner: rows)
            Scalar.channelsToBatch(product.pointer, channels: inputChannels, batch: images.count,
                                   planeSize: inputPlane, bias: nil, activation: nil, into: dx + chunk.inputOffset,
                                   accumulate: chunk.accumulate)
        }
    }
}
