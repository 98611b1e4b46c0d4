import KernelCore

// Max-pooling with the position of each maximum, max-unpooling that puts values back at those
// positions, and nearest-neighbour upsampling — each with its adjoint for the backward pass.
//
// All work on [N·C] planes of a batch (PyTorch's NCHW), one plane per index; planes are split across
// the engine's threads and each is written by exactly one thread. A position inside a plane is
// y·W + x, as PyTorch's `MaxPool2d(return_indices=True)` reports it.

/// The sizes of one pooling or upsampling call.
struct PoolingShape {
    /// N·C: planes processed independently.
    let planes: Int
    let height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int
    let outputHeight: Int, outputWidth: Int
}

extension TensorScalar {
    /// output[p, y, x] = max over the window at (y·s, x·s) of input[p], and `indices` its position
    /// (the first maximum in row-major window order; a NaN wins, so it is never hidden).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func maxPool(
        _ input: UnsafePointer<Self>, _ shape: PoolingShape, into output: UnsafeMutablePointer<Self>,
        indices: UnsafeMutablePointer<Int32>
    ) {
        let plane = shape.height * shape.width, outputPlane = shape.outputHeight * shape.outputWidth
        // The chapter's 2 × 2, stride-2 pooling, unrolled (the general loop below is 2× slower).
        if shape.kernelHeight == 2, shape.kernelWidth == 2, shape.strideHeight == 2, shape.strideWidth == 2 {
            let width = shape.width, outputWidth = shape.outputWidth
            forEachPart(shape.planes, work: shape.planes * plane) { planes in
                for p in planes {
                    let source = input + p * plane
                    for y in 0..<shape.outputHeight {
                        let top = 2 * y * width, slot = p * outputPlane + y * outputWidth
                        for x in 0..<outputWidth {
                            var bestIndex = top + 2 * x, best = source[bestIndex]
                            @inline(__always) func consider(_ position: Int) {
                                let value = source[position]
                                if value > best || (value.isNaN && !best.isNaN) { best = value; bestIndex = position }
                            }
                            consider(top + 2 * x + 1)
                            consider(top + width + 2 * x)
                            consider(top + width + 2 * x + 1)
                            output[slot + x] = best
                            indices[slot + x] = Int32(bestIndex)
                        }
                    }
                }
            }
            return
        }
        forEachPart(shape.planes, work: shape.planes * plane) { planes in
            for p in planes {
                let source = input + p * plane
                for y in 0..<shape.outputHeight {
                    for x in 0..<shape.outputWidth {
                        let top = y * shape.strideHeight, left = x * shape.strideWidth
                        var best = source[top * shape.width + left], bestIndex = top * shape.width + left
                        for i in 0..<shape.kernelHeight {
                            for j in 0..<shape.kernelWidth {
                                let position = (top + i) * shape.width + left + j
                                let value = source[position]
                                if value > best || (value.isNaN && !best.isNaN) { best = value; bestIndex = position }
                            }
                        }
                        let slot = p * outputPlane + y * shape.outputWidth + x
                        output[slot] = best
                        indices[slot] = Int32(bestIndex)
                    }
                }
            }
        }
    }

    /// Scatter: large[p, indices[p, k]] (+)= small[p, k] for every plane p and position k of `small`,
    /// zeroing `large` first unless `accumulate`. The backward pass of max-pooling (`small` is the
    /// gradient of the pooled output) and the forward pass of max-unpooling.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func scatterToPositions(
        _ small: UnsafePointer<Self>, _ positions: PooledPositions, into large: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        positions.forEach(work: positions.planes * positions.largePlane, beforePlane: { p in
            if !accumulate { (large + p * positions.largePlane).update(repeating: 0, count: positions.largePlane) }
        }) { s, l in large[l] += small[s] }
    }

    /// Gather: small[p, k] (+)= large[p, indices[p, k]], the adjoint of
    /// ``scatterToPositions(_:_:into:accumulate:)``: the backward pass of max-unpooling.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func gatherFromPositions(
        _ large: UnsafePointer<Self>, _ positions: PooledPositions, into small: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        positions.forEach(work: positions.planes * positions.smallPlane) { s, l in
            small[s] = accumulate ? small[s] + large[l] : large[l]
        }
    }

    /// Nearest-neighbour upsampling by whole factors: output[p, y, x] = input[p, y / sH, x / sW]
    /// (the shape's stride holds the factors, its output size the input size times them).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func upsampleNearest(_ input: UnsafePointer<Self>, _ shape: PoolingShape, into output: UnsafeMutablePointer<Self>) {
        let plane = shape.height * shape.width, outputPlane = shape.outputHeight * shape.outputWidth
        forEachPart(shape.planes, work: shape.planes * outputPlane) { planes in
            for p in planes {
                for y in 0..<shape.outputHeight {
                    let source = input + p * plane + (y / shape.strideHeight) * shape.width
                    let line = output + p * outputPlane + y * shape.outputWidth
                    for x in 0..<shape.outputWidth { line[x] = source[x / shape.strideWidth] }
                }
            }
        }
    }

    /// The adjoint of ``upsampleNearest(_:_:into:)``: each input pixel's gradient (+)= the sum of the
    /// sH × sW output gradients it was copied to.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func upsampleNearestBackward(
        _ upstream: UnsafePointer<Self>, _ shape: PoolingShape, into gradient: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        let plane = shape.height * shape.width, outputPlane = shape.outputHeight * shape.outputWidth
        forEachPart(shape.planes, work: shape.planes * outputPlane) { planes in
            for p in planes {
                let destination = gradient + p * plane
                if !accumulate { destination.update(repeating: 0, count: plane) }
                for y in 0..<shape.outputHeight {
                    let line = upstream + p * outputPlane + y * shape.outputWidth
                    let target = destination + (y / shape.strideHeight) * shape.width
                    for x in 0..<shape.outputWidth { target[x / shape.strideWidth] += line[x] }
                }
            }
        }
    }
}

/// Where max-pooling found each window's maximum: `indices[p, k]`, a flat index into plane p of
/// the large side (`largePlane` values), for each of the `smallPlane` positions k of the small side.
/// The geometry that scatter and its adjoint gather share; it holds the positions' storage, so a
/// backward pass that keeps it keeps them.
struct PooledPositions {
    let storage: PositionStorage
    let planes: Int
    let smallPlane: Int
    let largePlane: Int

    /// Calls `body(s, l)` for every plane p and position k of the small side, with the flat indices
    /// s = p·smallPlane + k and l = p·largePlane + indices[p, k]; planes are split across threads, and
    /// `beforePlane(p)` runs on each plane's thread before its positions.
    @inline(__always)
    func forEach(work: Int, beforePlane: (Int) -> Void = { _ in }, _ body: (_ small: Int, _ large: Int) -> Void) {
        let indices = UnsafePointer(storage.pointer)
        forEachPart(planes, work: work) { part in
            for p in part {
                beforePlane(p)
                for k in 0..<smallPlane {
                    body(p * smallPlane + k, p * largePlane + Int(indices[p * smallPlane + k]))
                }
            }
        }
    }
}
