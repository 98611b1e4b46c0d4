import KernelCore

// im2col and col2im as whole-block copies rather than short lines.
//
// With stride s and padding p, tap i of the kernel puts input row s·y − p + i at output row y.
// Write i − p = s·dy + a with 0 ≤ a < s: that input row is row y + dy of the *phase* a, the plane of
// input rows a, a + s, a + 2s, … (the same holds for columns, with b and dx). Stored with the
// output's row length Wo, a phase plane turns one tap's whole [Ho, Wo] block of the column matrix
// into one contiguous copy at offset dy·Wo + dx. The copy also carries, at the ends of each row,
// values that wrapped round from the neighbouring row; those entries lie in the padding and are
// zeroed. For stride 1 with Wo = W the input plane is its own phase plane and nothing is rearranged.

/// How a convolution's taps map onto phase planes, or `nil` from ``init(_:)`` when some tap's valid
/// columns run past the output's row length (then a phase plane stored with rows of Wo cannot hold
/// them, and the line-by-line kernels serve).
struct ConvolutionPhases {
    let shape: ConvolutionShape
    /// Rows stored per phase plane: ⌈H / s⌉.
    let rows: Int
    /// Values per phase plane: rows · Wo.
    var planeSize: Int { rows * shape.outputWidth }
    /// Whether the input plane serves as its own phase plane (stride 1 and Wo = W).
    var isInputPlane: Bool { shape.strideHeight == 1 && shape.strideWidth == 1 && shape.outputWidth == shape.width }
    /// Values of all s_H · s_W phase planes of one image plane.
    var scratchSize: Int { shape.strideHeight * shape.strideWidth * planeSize }

    /// Per tap (i, j) in row-major order: its contiguous copy, or `nil` when it sees only padding.
    let taps: [PhaseTap?]

    init?(_ shape: ConvolutionShape) {
        self.shape = shape
        let rows = (shape.height + shape.strideHeight - 1) / shape.strideHeight, width = shape.outputWidth
        self.rows = rows
        var taps: [PhaseTap?] = []
        for i in 0..<shape.kernelHeight {
            let (a, dy) = Self.split(i - shape.paddingHeight, shape.strideHeight)
            let validY = shape.validRows(tap: i)
            for j in 0..<shape.kernelWidth {
                let (b, dx) = Self.split(j - shape.paddingWidth, shape.strideWidth)
                let validX = shape.validColumns(tap: j)
                guard !validY.isEmpty, !validX.isEmpty else {
                    taps.append(nil)
                    continue
                }
                if validX.upperBound - 1 + dx >= width { return nil }
                taps.append(PhaseTap(
                    source: (a * shape.strideWidth + b) * rows * width + dy * width + dx, rows: validY, columns: validX,
                    first: validY.lowerBound * width + validX.lowerBound,
                    end: (validY.upperBound - 1) * width + validX.upperBound))
            }
        }
        self.taps = taps
    }

    /// r = s·shift + phase with 0 ≤ phase < s.
    static func split(_ r: Int, _ s: Int) -> (phase: Int, shift: Int) {
        let phase = ((r % s) + s) % s
        return (phase, (r - phase) / s)
    }
}

/// One tap's block of the column matrix as a contiguous copy: block[t] = phases[source + t] for t in
/// first..<end, valid at the rows and columns given (the rest of the block is padding).
struct PhaseTap {
    /// Offset into the phase planes of block entry 0: its phase plane's start plus dy·Wo + dx.
    let source: Int
    /// The output rows and columns whose input pixel lies inside the image.
    let rows: Range<Int>, columns: Range<Int>
    /// The copy's span in the [Ho, Wo] block, from the first valid entry to one past the last.
    let first: Int, end: Int
}

extension TensorScalar {
    /// Zeroes, inside a tap's span, the row ends outside the valid columns (where the contiguous
    /// copy wraps round).
    @inline(__always)
    static func zeroWrappedEnds(_ block: UnsafeMutablePointer<Self>, _ tap: PhaseTap, width: Int) {
        let (rows, columns) = (tap.rows, tap.columns)
        for y in rows {
            let line = block + y * width
            if y > rows.lowerBound { for x in 0..<columns.lowerBound { line[x] = 0 } }
            if y < rows.upperBound - 1 { for x in columns.upperBound..<width { line[x] = 0 } }
        }
    }

    /// A tap's block of the column matrix over its span (entries outside the span are left as they
    /// are): the contiguous copy from the phase planes, with the wrapped row ends zeroed.
    @inline(__always)
    static func copySpan(_ phasePlanes: UnsafePointer<Self>, _ tap: PhaseTap, into block: UnsafeMutablePointer<Self>, width: Int) {
        (block + tap.first).update(from: phasePlanes + tap.source + tap.first, count: tap.end - tap.first)
        zeroWrappedEnds(block, tap, width: width)
    }

    /// phase[a, b][u, v] = plane[s·u + a, s·v + b] for the columns v < Wo, 0 in any column past the
    /// plane's edge. Stride 2 across splits each row's pairs with vector loads (``splitPairs``).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func splitIntoPhases(_ plane: UnsafePointer<Self>, _ phases: ConvolutionPhases, into scratch: UnsafeMutablePointer<Self>) {
        let shape = phases.shape, (sH, sW) = (shape.strideHeight, shape.strideWidth), width = shape.outputWidth
        for a in 0..<sH {
            for u in 0..<((shape.height - a + sH - 1) / sH) {
                let source = plane + (u * sH + a) * shape.width
                var b = 0
                if sW == 2 {  // phases b = 0 and 1 at once: the even and odd lanes of the row's pairs
                    let even = scratch + (a * 2) * phases.planeSize + u * width, odd = even + phases.planeSize
                    let v = splitPairs(source, pairs: Swift.min(shape.width / 2, width), even: even, odd: odd)
                    copyPhaseLine(source, stride: 2, from: v, into: even, columns: Swift.min((shape.width + 1) / 2, width),
                                  width: width)
                    copyPhaseLine(source + 1, stride: 2, from: v, into: odd, columns: Swift.min(shape.width / 2, width),
                                  width: width)
                    b = 2
                }
                for b in b..<sW {
                    let line = scratch + (a * sW + b) * phases.planeSize + u * width
                    copyPhaseLine(source + b, stride: sW, from: 0, into: line,
                                  columns: Swift.min((shape.width - b + sW - 1) / sW, width), width: width)
                }
            }
        }
    }

    /// even[v] = row[2v], odd[v] = row[2v + 1] for v < pairs, by vectors of 4 pairs, the last vector
    /// overlapping the one before it; returns how many pairs it wrote (0 when there are fewer than 4).
    @inline(__always)
    static func splitPairs(_ row: UnsafePointer<Self>, pairs: Int, even: UnsafeMutablePointer<Self>,
                           odd: UnsafeMutablePointer<Self>) -> Int {
        guard pairs >= 4 else { return 0 }
        var v = 0
        while true {
            let start = Swift.min(v, pairs - 4)
            let values = UnsafeRawPointer(row + 2 * start).loadUnaligned(as: SIMD8<Self>.self)
            UnsafeMutableRawPointer(even + start).storeBytes(of: values.evenHalf, as: SIMD4<Self>.self)
            UnsafeMutableRawPointer(odd + start).storeBytes(of: values.oddHalf, as: SIMD4<Self>.self)
            if start == pairs - 4 { return pairs }
            v += 4
        }
    }

    /// The adjoint of ``splitPairs(_:pairs:even:odd:)``: row[2v] (+)= even[v], row[2v + 1] (+)= odd[v]
    /// for v < pairs, by vectors of 4 pairs. The last vector overlaps the one before it, so its old
    /// values are read before any is written. Returns how many pairs it wrote.
    @inline(__always)
    static func mergePairs(even: UnsafePointer<Self>, odd: UnsafePointer<Self>, pairs: Int, into row: UnsafeMutablePointer<Self>,
                           accumulate: Bool) -> Int {
        guard pairs >= 4 else { return 0 }
        let last = pairs - 4, lastRow = UnsafeMutableRawPointer(row + 2 * last)
        let lastOld = accumulate ? lastRow.loadUnaligned(as: SIMD8<Self>.self) : SIMD8<Self>()  // before any store
        func interleaved(_ v: Int) -> SIMD8<Self> {
            var values = SIMD8<Self>()
            values.evenHalf = UnsafeRawPointer(even + v).loadUnaligned(as: SIMD4<Self>.self)
            values.oddHalf = UnsafeRawPointer(odd + v).loadUnaligned(as: SIMD4<Self>.self)
            return values
        }
        var v = 0
        while v < last {
            let destination = UnsafeMutableRawPointer(row + 2 * v)
            var values = interleaved(v)
            if accumulate { values += destination.loadUnaligned(as: SIMD8<Self>.self) }
            destination.storeBytes(of: values, as: SIMD8<Self>.self)
            v += 4
        }
        lastRow.storeBytes(of: accumulate ? interleaved(last) + lastOld : interleaved(last), as: SIMD8<Self>.self)
        return pairs
    }

    /// line[v] = source[v·stride] for v in start..<columns, and 0 from there to `width`.
    @inline(__always)
    static func copyPhaseLine(_ source: UnsafePointer<Self>, stride: Int, from start: Int, into line: UnsafeMutablePointer<Self>,
                              columns: Int, width: Int) {
        var v = start
        while v < columns { line[v] = source[v * stride]; v += 1 }
        while v < width { line[v] = 0; v += 1 }
    }

    /// The adjoint of ``splitIntoPhases(_:_:into:)``: plane[s·u + a, s·v + b] (+)= phase[a, b][u, v];
    /// plane columns past Wo in their phase receive nothing (0 unless `accumulate`).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func mergePhases(_ scratch: UnsafePointer<Self>, _ phases: ConvolutionPhases, into plane: UnsafeMutablePointer<Self>,
                            accumulate: Bool) {
        let shape = phases.shape, (sH, sW) = (shape.strideHeight, shape.strideWidth), width = shape.outputWidth
        for a in 0..<sH {
            for u in 0..<((shape.height - a + sH - 1) / sH) {
                let target = plane + (u * sH + a) * shape.width
                var start = 0
                if sW == 2 {  // the even and odd phases into the row's pairs at once
                    let even = scratch + (a * 2) * phases.planeSize + u * width, odd = even + phases.planeSize
                    start = mergePairs(even: even, odd: odd, pairs: Swift.min(shape.width / 2, width), into: target,
                                       accumulate: accumulate)
                }
                for b in 0..<sW {
                    let line = scratch + (a * sW + b) * phases.planeSize + u * width, columns = target + b
                    let phaseColumns = (shape.width - b + sW - 1) / sW, stored = Swift.min(phaseColumns, width)
                    let first = b < 2 ? start : 0
                    if accumulate {
                        for v in first..<stored { columns[v * sW] += line[v] }
                    } else {
                        for v in first..<stored { columns[v * sW] = line[v] }
                        for v in stored..<phaseColumns { columns[v * sW] = 0 }
                    }
                }
            }
        }
    }

    /// im2col (see ``imageToColumns(_:_:into:)``) by one contiguous copy per tap and image.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func imageToColumnsByPhases(_ image: UnsafePointer<Self>, _ phases: ConvolutionPhases, into columns: UnsafeMutablePointer<Self>) {
        let shape = phases.shape, outputPlane = shape.outputHeight * shape.outputWidth
        let taps = shape.kernelHeight * shape.kernelWidth
        forEachPhasePlanes(image, phases) { n, channel, phasePlanes in
            for (index, tap) in phases.taps.enumerated() {
                let block = columns + (channel * taps + index) * shape.columnCount + n * outputPlane
                guard let tap else {
                    block.update(repeating: 0, count: outputPlane)
                    continue
                }
                copySpan(phasePlanes, tap, into: block, width: shape.outputWidth)
                block.update(repeating: 0, count: tap.first)
                (block + tap.end).update(repeating: 0, count: outputPlane - tap.end)
            }
        }
    }

    /// Calls `body(n, c, plane, scratch)` for every image plane (n, c) in order, with the plane's offset
    /// in the batch and a phase-plane scratch reused plane to plane (nil when the stride is 1 and each
    /// plane serves as its own phase plane).
    @inline(__always)
    static func forEachImagePlane(
        _ phases: ConvolutionPhases,
        _ body: (_ n: Int, _ channel: Int, _ plane: Int, _ scratch: UnsafeMutablePointer<Self>?) -> Void
    ) {
        let shape = phases.shape
        let scratch = phases.isInputPlane ? nil : UnsafeMutablePointer<Self>.allocate(capacity: phases.scratchSize)
        defer { scratch?.deallocate() }
        for n in 0..<shape.batch {
            for channel in 0..<shape.channels {
                body(n, channel, (n * shape.channels + channel) * shape.height * shape.width, scratch)
            }
        }
    }

    /// Calls `body(n, c, phasePlanes)` for every image plane (n, c) in order, with its phase planes:
    /// the plane itself when it serves as its own, else its split into the scratch.
    @inline(__always)
    static func forEachPhasePlanes(
        _ image: UnsafePointer<Self>, _ phases: ConvolutionPhases,
        _ body: (_ n: Int, _ channel: Int, _ phasePlanes: UnsafePointer<Self>) -> Void
    ) {
        forEachImagePlane(phases) { n, channel, plane, scratch in
            if let scratch { splitIntoPhases(image + plane, phases, into: scratch) }
            body(n, channel, scratch.map { UnsafePointer($0) } ?? image + plane)
        }
    }

    /// Sums every valid tap's block into image (n, c) at the tap's shift, images and channels in order
    /// and taps in row-major order, through phase planes merged at the end of each plane when the
    /// stride is not 1. `block(n, c, index, tap)` gives the block with its wrapped row ends zeroed.
    @inline(__always)
    static func sumTapBlocks(
        _ phases: ConvolutionPhases, into image: UnsafeMutablePointer<Self>, accumulate: Bool,
        _ block: (_ n: Int, _ channel: Int, _ index: Int, _ tap: PhaseTap) -> UnsafePointer<Self>
    ) {
        forEachImagePlane(phases) { n, channel, plane, scratch in
            let target = image + plane, phasePlanes = scratch ?? target
            if let scratch {
                scratch.update(repeating: 0, count: phases.scratchSize)
            } else if !accumulate {
                target.update(repeating: 0, count: phases.shape.height * phases.shape.width)
            }
            for (index, tap) in phases.taps.enumerated() {
                guard let tap else { continue }
                let values = block(n, channel, index, tap), destination = phasePlanes + tap.source
                for t in tap.first..<tap.end { destination[t] += values[t] }
            }
            if let scratch { mergePhases(scratch, phases, into: target, accumulate: accumulate) }
        }
    }

    /// col2im (see ``columnsToImage(_:_:into:accumulate:)``) by one contiguous sum per tap and image.
    /// Each pixel still sums its taps in tap order. Zeroes the entries of `columns` that lie in the
    /// padding (they hold nothing a pixel receives).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func columnsToImageByPhases(
        _ columns: UnsafeMutablePointer<Self>, _ phases: ConvolutionPhases, into image: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        let shape = phases.shape, outputPlane = shape.outputHeight * shape.outputWidth
        let taps = shape.kernelHeight * shape.kernelWidth
        sumTapBlocks(phases, into: image, accumulate: accumulate) { n, channel, index, tap in
            let block = columns + (channel * taps + index) * shape.columnCount + n * outputPlane
            zeroWrappedEnds(block, tap, width: shape.outputWidth)
            return UnsafePointer(block)
        }
    }

    /// col2im of the column matrix Wᵀ dz of a convolution with one output channel, without forming it:
    /// entry ((c, i, j), (n, p)) is w[c, i, j] · dz[n, p], so each tap's block is one scaled plane of dz,
    /// made in a scratch the size of one plane, where a matrix product would write, and col2im read
    /// back, C·kH·kW values per output pixel.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func columnsToImageOfScaledPlanes(
        weights: UnsafePointer<Self>, planes: UnsafePointer<Self>, _ phases: ConvolutionPhases,
        into image: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        let shape = phases.shape, outputPlane = shape.outputHeight * shape.outputWidth
        let taps = shape.kernelHeight * shape.kernelWidth
        let block = UnsafeMutablePointer<Self>.allocate(capacity: outputPlane)
        defer { block.deallocate() }
        sumTapBlocks(phases, into: image, accumulate: accumulate) { n, channel, index, tap in
            let weight = weights[channel * taps + index], source = planes + n * outputPlane
            for t in tap.first..<tap.end { block[t] = weight * source[t] }
            zeroWrappedEnds(block, tap, width: shape.outputWidth)
            return UnsafePointer(block)
        }
    }
}

// A convolution with one output channel (the last layer of a decoder that ends in a convolution)
// is a matrix product with one row: [1, C·kH·kW] × [C·kH·kW, N·P]. Its column matrix is C·kH·kW
// times the size of the output, all written and read once for a product that does 2 FLOPs per
// value. These kernels form each tap's block in a scratch the size of one plane and use it at once.
extension TensorScalar {
    /// Calls `body(n, c, index, tap, block)` with each valid tap's block of image (n, c) over its span,
    /// images and channels in order, taps in row-major order.
    @inline(__always)
    static func forEachTapBlock(
        _ image: UnsafePointer<Self>, _ phases: ConvolutionPhases,
        _ body: (_ n: Int, _ channel: Int, _ index: Int, _ tap: PhaseTap, _ block: UnsafePointer<Self>) -> Void
    ) {
        let shape = phases.shape
        let block = UnsafeMutablePointer<Self>.allocate(capacity: shape.outputHeight * shape.outputWidth)
        defer { block.deallocate() }
        forEachPhasePlanes(image, phases) { n, channel, phasePlanes in
            for (index, tap) in phases.taps.enumerated() {
                guard let tap else { continue }
                copySpan(phasePlanes, tap, into: block, width: shape.outputWidth)
                body(n, channel, index, tap, block)
            }
        }
    }

    /// output[n, p] = Σ_(c, i, j) w[c, i, j] · image[n, c, y·s − p + i, x·s − p + j] for the positions
    /// p = (y, x): a convolution with one output channel, summed over channels and taps in order.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func convolutionToOneChannel(
        _ image: UnsafePointer<Self>, weights: UnsafePointer<Self>, _ phases: ConvolutionPhases,
        into output: UnsafeMutablePointer<Self>
    ) {
        let shape = phases.shape, outputPlane = shape.outputHeight * shape.outputWidth
        let taps = shape.kernelHeight * shape.kernelWidth
        output.update(repeating: 0, count: shape.batch * outputPlane)
        forEachTapBlock(image, phases) { n, channel, index, tap, block in
            let weight = weights[channel * taps + index], sum = output + n * outputPlane
            for t in tap.first..<tap.end { sum[t] += weight * block[t] }
        }
    }

    /// gradient[c, i, j] = Σ_(n, p) dz[n, p] · image[n, c, y·s − p + i, x·s − p + j]: the weight
    /// gradient of ``convolutionToOneChannel(_:weights:_:into:)``, summed over images in order.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func oneChannelWeightGradient(
        _ image: UnsafePointer<Self>, outputGradient dz: UnsafePointer<Self>, _ phases: ConvolutionPhases,
        into gradient: UnsafeMutablePointer<Self>
    ) {
        let shape = phases.shape, outputPlane = shape.outputHeight * shape.outputWidth
        let taps = shape.kernelHeight * shape.kernelWidth
        gradient.update(repeating: 0, count: shape.channels * taps)
        forEachTapBlock(image, phases) { n, channel, index, tap, block in
            gradient[channel * taps + index] += dot(dz + n * outputPlane + tap.first, block + tap.first,
                                                    count: tap.end - tap.first)
        }
    }
}
