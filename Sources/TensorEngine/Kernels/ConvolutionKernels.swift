import KernelCore

// The loops that lower a 2-D convolution to one matrix product (Chellapilla, Puri & Simard 2006;
// Caffe's im2col / col2im), and the layout changes around that product.
//
// A batch of images is [N, C, H, W] (PyTorch's NCHW). `imageToColumns` writes the matrix whose row
// (c, i, j) holds, for every output position (n, y, x) of the whole batch, the input pixel that kernel
// tap (i, j) of channel c sees there (0 in the padding): [C·kH·kW, N·outH·outW]. A convolution is then
// W [Cout, C·kH·kW] times that matrix, giving [Cout, N·outH·outW], which `channelsToBatch` turns into
// [N, Cout, outH, outW]. `columnsToImage` is the adjoint of `imageToColumns` (it adds every column
// entry back onto the pixel it came from), so the same pair serves the input gradient of a convolution
// and the forward pass of a transposed convolution.
//
// Kernels are pre-specialised for Float and Double, and run on the calling thread: the operations
// split a batch into chunks of whole images (small enough for the cache) and run chunks in parallel.

/// The sizes a convolution kernel loop needs, in one value.
struct ConvolutionShape {
    let batch: Int, channels: Int, height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int
    let paddingHeight: Int, paddingWidth: Int, outputHeight: Int, outputWidth: Int

    /// Rows of the column matrix: C·kH·kW.
    var columnRows: Int { channels * kernelHeight * kernelWidth }
    /// Columns of the column matrix: N·outH·outW.
    var columnCount: Int { batch * outputHeight * outputWidth }

    /// The output positions x whose input column x·s − p + j falls inside 0..<width, for tap j.
    @inline(__always)
    func validColumns(tap: Int) -> Range<Int> {
        validRange(tap: tap, padding: paddingWidth, stride: strideWidth, inputSize: width, outputSize: outputWidth)
    }

    /// The output rows y whose input row y·s − p + i falls inside 0..<height, for tap i.
    @inline(__always)
    func validRows(tap: Int) -> Range<Int> {
        validRange(tap: tap, padding: paddingHeight, stride: strideHeight, inputSize: height, outputSize: outputHeight)
    }

    @inline(__always)
    private func validRange(tap: Int, padding: Int, stride: Int, inputSize: Int, outputSize: Int) -> Range<Int> {
        // o·s − p + t ≥ 0  ⇔ o ≥ ⌈(p − t) / s⌉;   o·s − p + t ≤ inputSize − 1 ⇔ o ≤ ⌊(inputSize − 1 + p − t) / s⌋
        let lowerNumerator = padding - tap
        let lower = lowerNumerator <= 0 ? 0 : (lowerNumerator + stride - 1) / stride
        let upperNumerator = inputSize - 1 + padding - tap
        let upper = upperNumerator < 0 ? -1 : upperNumerator / stride
        let end = Swift.min(upper + 1, outputSize)
        return lower < end ? lower..<end : 0..<0
    }
}

extension TensorScalar {
    /// im2col: columns[(c, i, j), (n, y, x)] = image[n, c, y·s − p + i, x·s − p + j], 0 outside the image.
    /// By whole-block copies from phase planes where the geometry allows (see ConvolutionPhases.swift),
    /// else line by line.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func imageToColumns(_ image: UnsafePointer<Self>, _ shape: ConvolutionShape, into columns: UnsafeMutablePointer<Self>) {
        if let phases = ConvolutionPhases(shape) {
            imageToColumnsByPhases(image, phases, into: columns)
        } else {
            imageToColumnsByLines(image, shape, into: columns)
        }
    }

    /// ``imageToColumns(_:_:into:)`` one output line at a time: any geometry.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func imageToColumnsByLines(_ image: UnsafePointer<Self>, _ shape: ConvolutionShape, into columns: UnsafeMutablePointer<Self>) {
        let plane = shape.height * shape.width, outputPlane = shape.outputHeight * shape.outputWidth
        let taps = shape.kernelHeight * shape.kernelWidth
        for row in 0..<shape.columnRows {
            let channel = row / taps, i = (row % taps) / shape.kernelWidth, j = row % shape.kernelWidth
            let validY = shape.validRows(tap: i), validX = shape.validColumns(tap: j)
            let rowStart = columns + row * shape.columnCount
            for n in 0..<shape.batch {
                let source = image + (n * shape.channels + channel) * plane
                let destination = rowStart + n * outputPlane
                for y in 0..<shape.outputHeight {
                    let line = destination + y * shape.outputWidth
                    guard validY.contains(y) else {
                        line.update(repeating: 0, count: shape.outputWidth)
                        continue
                    }
                    let sourceLine = source + (y * shape.strideHeight - shape.paddingHeight + i) * shape.width
                        - shape.paddingWidth + j
                    // Plain loops rather than memmove/memset: lines are a few dozen values long.
                    for x in 0..<validX.lowerBound { line[x] = 0 }
                    let stride = shape.strideWidth
                    if stride == 1 {
                        for x in validX { line[x] = sourceLine[x] }
                    } else {
                        for x in validX { line[x] = sourceLine[x * stride] }
                    }
                    for x in validX.upperBound..<shape.outputWidth { line[x] = 0 }
                }
            }
        }
    }

    /// col2im, the adjoint of ``imageToColumns(_:_:into:)``: image[n, c, y·s − p + i, x·s − p + j] +=
    /// columns[(c, i, j), (n, y, x)] over every tap and output position. Overwrites `image` unless
    /// `accumulate`. Each pixel sums its taps in a fixed order (deterministic). May zero the entries of
    /// `columns` that lie in the padding.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func columnsToImage(
        _ columns: UnsafeMutablePointer<Self>, _ shape: ConvolutionShape, into image: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        if let phases = ConvolutionPhases(shape) {
            columnsToImageByPhases(columns, phases, into: image, accumulate: accumulate)
        } else {
            columnsToImageByLines(columns, shape, into: image, accumulate: accumulate)
        }
    }

    /// ``columnsToImage(_:_:into:accumulate:)`` one output line at a time: any geometry.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func columnsToImageByLines(
        _ columns: UnsafePointer<Self>, _ shape: ConvolutionShape, into image: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        let plane = shape.height * shape.width, outputPlane = shape.outputHeight * shape.outputWidth
        let taps = shape.kernelHeight * shape.kernelWidth
        for channel in 0..<shape.channels {
            if !accumulate {
                for n in 0..<shape.batch { (image + (n * shape.channels + channel) * plane).update(repeating: 0, count: plane) }
            }
            for tap in 0..<taps {
                let i = tap / shape.kernelWidth, j = tap % shape.kernelWidth
                let validY = shape.validRows(tap: i), validX = shape.validColumns(tap: j)
                guard !validX.isEmpty else { continue }
                let rowStart = columns + (channel * taps + tap) * shape.columnCount
                for n in 0..<shape.batch {
                    let destination = image + (n * shape.channels + channel) * plane
                    let source = rowStart + n * outputPlane
                    for y in validY {
                        let line = source + y * shape.outputWidth
                        let imageLine = destination + (y * shape.strideHeight - shape.paddingHeight + i) * shape.width
                            - shape.paddingWidth + j
                        // Plain loops: the compiler vectorises the stride-1 one; a generic SIMD helper
                        // called per short line measured 10× slower here.
                        let stride = shape.strideWidth
                        if stride == 1 {
                            for x in validX { imageLine[x] += line[x] }
                        } else {
                            for x in validX { imageLine[x * stride] += line[x] }
                        }
                    }
                }
            }
        }
    }

    /// [C, N, P] → [N, C, P] with an optional per-channel bias and activation on the way:
    /// destination[n, c, p] = f(source[c, n, p] + bias[c]), or += source[c, n, p] when `accumulate`.
    /// The tail of a convolution's forward pass (P = outH·outW) and of a transposed one's input gradient.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func channelsToBatch(
        _ source: UnsafePointer<Self>, channels: Int, batch: Int, planeSize: Int, bias: UnsafePointer<Self>?,
        activation: UnaryFunction?, into destination: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        for channel in 0..<channels {
            let shift = SIMD16<Self>(repeating: bias?[channel] ?? 0)
            for n in 0..<batch {
                let from = source + (channel * batch + n) * planeSize
                let to = destination + (n * channels + channel) * planeSize
                if accumulate {
                    map2Serial(UnsafePointer(to), from, to, planeSize) { $0 + $1 }
                    continue
                }
                switch activation {
                case nil: map1Serial(from, to, planeSize) { $0 + shift }
                case .relu?: map1Serial(from, to, planeSize) { UnaryFunction.relu.forward($0 + shift) }
                case .sigmoid?: map1Serial(from, to, planeSize) { UnaryFunction.sigmoid.forward($0 + shift) }
                case let function?: map1Serial(from, to, planeSize) { function.forward($0 + shift) }
                }
            }
        }
    }

    /// [N, C, P] → [C, N, P], through an activation's derivative when given:
    /// destination[c, n, p] = source[n, c, p] · f′ computed from output[n, c, p] (the forward result).
    /// The head of a convolution's backward pass, and the input layout of a transposed convolution.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func batchToChannels(
        _ source: UnsafePointer<Self>, channels: Int, batch: Int, planeSize: Int,
        activation: UnaryFunction?, output: UnsafePointer<Self>?, into destination: UnsafeMutablePointer<Self>
    ) {
        for channel in 0..<channels {
            for n in 0..<batch {
                let offset = (n * channels + channel) * planeSize
                let to = destination + (channel * batch + n) * planeSize
                if let activation, let output {
                    // The fused activations' derivatives need only the output, so it stands in for x.
                    applyUnaryDerivative(activation, input: output + offset, output: output + offset,
                                         upstream: source + offset, into: to, count: planeSize,
                                         accumulate: false, serial: true)
                } else {
                    to.update(from: source + offset, count: planeSize)
                }
            }
        }
    }

    /// x[n, c, p] = f(x[n, c, p] + bias[c]) in place over [N, C, P] (the tail of a transposed convolution).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func addChannelBiasAndActivate(
        _ x: UnsafeMutablePointer<Self>, batch: Int, channels: Int, planeSize: Int, bias: UnsafePointer<Self>?,
        activation: UnaryFunction?
    ) {
        guard bias != nil || activation != nil else { return }
        for index in 0..<(batch * channels) {
            let plane = x + index * planeSize
            let shift = SIMD16<Self>(repeating: bias?[index % channels] ?? 0)
            switch activation {
            case nil: map1Serial(UnsafePointer(plane), plane, planeSize) { $0 + shift }
            case .relu?: map1Serial(UnsafePointer(plane), plane, planeSize) { UnaryFunction.relu.forward($0 + shift) }
            case let function?: map1Serial(UnsafePointer(plane), plane, planeSize) { function.forward($0 + shift) }
            }
        }
    }

    /// out[c] (+)= Σ_{n, p} x[n, c, p]: the bias gradient of a layer on [N, C, P] tensors.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func sumPerChannel(
        _ x: UnsafePointer<Self>, batch: Int, channels: Int, planeSize: Int, into out: UnsafeMutablePointer<Self>,
        accumulate: Bool
    ) {
        for channel in 0..<channels {
            var total: Self = 0
            for n in 0..<batch { total += sum(x + (n * channels + channel) * planeSize, count: planeSize) }
            out[channel] = accumulate ? out[channel] + total : total
        }
    }
}
