import KernelCore

// Max-pooling that remembers where each maximum was, max-unpooling that puts values back there,
// and nearest-neighbour upsampling, on [batch, channels, height, width] tensors.

/// Where each maximum of a max-pooling came from: for every output element, its position y·W + x
/// inside its input plane (PyTorch's `return_indices=True`), and the input plane's size.
public struct PoolingIndices: @unchecked Sendable {
    /// The positions, in a buffer from the tensors' pool (training allocates nothing new per step).
    let storage: PositionStorage
    /// One position per pooled element, in the pooled tensor's order.
    public var positions: [Int32] { Array(UnsafeBufferPointer(start: storage.pointer, count: storage.count)) }
    /// The pooled tensor's shape [N, C, outH, outW].
    public let shape: [Int]
    /// The size of the plane the positions index into (the pooling's input).
    public let inputSize: PlaneSize
}

/// Positions of maxima in a buffer from ``BufferPool``, returned to it when the last user goes.
final class PositionStorage {
    let pointer: UnsafeMutablePointer<Int32>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = BufferPool.shared.take(byteCount: Swift.max(count, 1) * 4).bindMemory(to: Int32.self, capacity: Swift.max(count, 1))
    }

    /// The largest position (−1 when empty).
    var largest: Int32 {
        var result: Int32 = -1
        for index in 0..<count { result = Swift.max(result, pointer[index]) }
        return result
    }

    deinit { BufferPool.shared.give(UnsafeMutableRawPointer(pointer), byteCount: Swift.max(count, 1) * 4) }
}

/// What a max-pooling returns: the pooled values and where each came from.
public struct MaxPoolOutput<Scalar: TensorScalar> {
    /// The maxima, [N, C, outH, outW].
    public let values: Tensor<Scalar>
    /// Their positions in the input, for ``maxUnpool2D(_:indices:outputSize:)``.
    public let indices: PoolingIndices
}

/// The output size of a pooling window sliding over `input`: ⌊(H − k) / s⌋ + 1 per axis (no padding).
func poolingOutputSize(input: [Int], kernel: PlaneSize, stride: PlaneSize) throws -> PlaneSize {
    guard input.count == 4 else { throw ShapeError("input \(describe(input)) is not [batch, channels, height, width]") }
    return try ConvolutionGeometry(kernel: kernel, stride: stride).outputSize(for: PlaneSize(height: input[2], width: input[3]))
}

/// Max-pooling over `kernel` windows moved by `stride` (PyTorch's `F.max_pool2d(…, return_indices=True)`,
/// no padding): y[n, c, i, j] = max of x over the window at (i·s, j·s). The gradient goes to the
/// maximum of each window only (the first one on ties).
public func maxPool2D<Scalar>(_ input: Tensor<Scalar>, kernel: PlaneSize, stride: PlaneSize) -> MaxPoolOutput<Scalar> {
    let output: PlaneSize
    do {
        output = try poolingOutputSize(input: input.shape, kernel: kernel, stride: stride)
    } catch {
        preconditionFailure("maxPool2D: \(error)")
    }
    let planes = input.shape[0] * input.shape[1]
    let shape = PoolingShape(planes: planes, height: input.shape[2], width: input.shape[3],
                             kernelHeight: kernel.height, kernelWidth: kernel.width,
                             strideHeight: stride.height, strideWidth: stride.width,
                             outputHeight: output.height, outputWidth: output.width)
    let outputShape = [input.shape[0], input.shape[1], output.height, output.width]
    let result = Tensor<Scalar>(uninitializedShape: outputShape, operation: "maxPool2D")
    let positions = PositionStorage(count: result.count)
    Scalar.maxPool(input.pointer, shape, into: result.mutablePointer, indices: positions.pointer)
    let indices = PoolingIndices(storage: positions, shape: outputShape,
                                 inputSize: PlaneSize(height: input.shape[2], width: input.shape[3]))
    let pooled = PooledPositions(storage: positions, planes: planes, smallPlane: output.height * output.width,
                                 largePlane: input.shape[2] * input.shape[3])
    result.recording("maxPool2D", inputs: [input]) { output in
        input.accumulateGradient { dx, accumulate in
            Scalar.scatterToPositions(output.gradient!.pointer, pooled, into: dx, accumulate: accumulate)
        }
    }
    return MaxPoolOutput(values: result, indices: indices)
}

/// Max-unpooling (PyTorch's `F.max_unpool2d`): each value of x goes back to the position its
/// max-pooling recorded, in a plane of `outputSize` (normally the pooling input's size); everything
/// else is 0. The gradient of each
/// input element is the output gradient at its position.
public func maxUnpool2D<Scalar>(_ input: Tensor<Scalar>, indices: PoolingIndices, outputSize: PlaneSize) -> Tensor<Scalar> {
    precondition(input.shape == indices.shape,
                 "maxUnpool2D: input \(describe(input.shape)) does not match the pooling indices \(describe(indices.shape))")
    let planes = input.shape[0] * input.shape[1], inputPlane = input.shape[2] * input.shape[3]
    let outputPlane = outputSize.height * outputSize.width
    // As in PyTorch, a position is a flat index into the output plane; normally the output has the
    // pooling input's size, so every value returns to where it was found.
    let positions = indices.storage
    precondition(outputPlane > Int(positions.largest),
                 "maxUnpool2D: output \(outputSize.height)×\(outputSize.width) is too small for the pooling indices (pooled from \(indices.inputSize.height)×\(indices.inputSize.width))")
    let result = Tensor<Scalar>(uninitializedShape: [input.shape[0], input.shape[1], outputSize.height, outputSize.width],
                                operation: "maxUnpool2D")
    let pooled = PooledPositions(storage: positions, planes: planes, smallPlane: inputPlane, largePlane: outputPlane)
    Scalar.scatterToPositions(input.pointer, pooled, into: result.mutablePointer, accumulate: false)
    return result.recording("maxUnpool2D", inputs: [input]) { output in
        input.accumulateGradient { dx, accumulate in
            Scalar.gatherFromPositions(output.gradient!.pointer, pooled, into: dx, accumulate: accumulate)
        }
    }
}

/// Nearest-neighbour upsampling by whole factors (PyTorch's `nn.Upsample(scale_factor:, mode: "nearest")`):
/// y[n, c, i, j] = x[n, c, ⌊i / s⌋, ⌊j / s⌋]. Each input's gradient is the sum over its s × s copies.
public func upsampleNearest2D<Scalar>(_ input: Tensor<Scalar>, scale: PlaneSize) -> Tensor<Scalar> {
    precondition(input.shape.count == 4, "upsampleNearest2D: input \(describe(input.shape)) is not [batch, channels, height, width]")
    precondition(scale.height >= 1 && scale.width >= 1, "upsampleNearest2D: scale must be at least 1, got \(scale)")
    let shape = PoolingShape(planes: input.shape[0] * input.shape[1], height: input.shape[2], width: input.shape[3],
                             kernelHeight: scale.height, kernelWidth: scale.width,
                             strideHeight: scale.height, strideWidth: scale.width,
                             outputHeight: input.shape[2] * scale.height, outputWidth: input.shape[3] * scale.width)
    let result = Tensor<Scalar>(uninitializedShape: [input.shape[0], input.shape[1], shape.outputHeight, shape.outputWidth],
                                operation: "upsampleNearest2D")
    Scalar.upsampleNearest(input.pointer, shape, into: result.mutablePointer)
    return result.recording("upsampleNearest2D", inputs: [input]) { output in
        input.accumulateGradient { dx, accumulate in
            Scalar.upsampleNearestBackward(output.gradient!.pointer, shape, into: dx, accumulate: accumulate)
        }
    }
}
