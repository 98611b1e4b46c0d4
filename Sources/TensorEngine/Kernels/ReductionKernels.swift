import KernelCore

// Reductions over buffers and rows: sums in a fixed order (same input, same bits), dot products,
// maxima, finiteness, column sums and row-wise softmax.
//
// Each kernel is generic over the element type and pre-specialised for Float and Double
// (`@_specialize`), so a call from generic code runs a specialised copy with no generic dispatch
// inside its loops, whichever file it is called from.

extension TensorScalar {
    /// Σ over 16-lane blocks of `lanes(start, width)`, in a fixed order: the reductions' one loop.
    /// `width` is 16 but for a last partial block, whose missing lanes must read as zero.
    @inline(__always)
    static func sumOfLanes(count: Int, _ lanes: (_ start: Int, _ width: Int) -> SIMD16<Self>) -> SIMD16<Self> {
        var accumulator = SIMD16<Self>()
        var i = 0
        while i + 16 <= count {
            accumulator += lanes(i, 16)
            i += 16
        }
        if i < count { accumulator += lanes(i, count - i) }
        return accumulator
    }

    /// Σ x, summed in a fixed order (so the same input always gives the same bits).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func sum(_ x: UnsafePointer<Self>, count: Int) -> Self {
        horizontalSum(sumOfLanes(count: count) { loadLanes(x, $0, $1) })
    }

    /// Σ a ⊙ b.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Self {
        horizontalSum(sumOfLanes(count: count) { loadLanes(a, $0, $1) * loadLanes(b, $0, $1) })
    }

    /// The largest element and its first index (NaN wins, so a NaN is never hidden).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func maximum(_ x: UnsafePointer<Self>, count: Int) -> (value: Self, index: Int) {
        var best = -Self.infinity, bestIndex = 0
        for i in 0..<count {
            let value = x[i]
            if value.isNaN { return (value, i) }
            if value > best || i == 0 { best = value; bestIndex = i }
        }
        return (best, bestIndex)
    }

    /// Whether no element is NaN or ±∞.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func allFinite(_ x: UnsafePointer<Self>, count: Int) -> Bool {
        // x − x is 0 for finite x and NaN for NaN or ±∞; NaN makes the sum NaN.
        horizontalSum(sumOfLanes(count: count) { let v = loadLanes(x, $0, $1); return v - v }) == 0
    }

    /// out[c] = (accumulate ? out[c] : 0) + Σ_r x[r, c]: the gradient of a row broadcast.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func sumRows(
        _ x: UnsafePointer<Self>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        if !accumulate { out.update(repeating: 0, count: columns) }
        for row in 0..<rows {
            map2(UnsafePointer(out), x + row * columns, out, columns) { $0 + $1 }
        }
    }

    /// Row-wise softmax, or log-softmax when `logarithm`, with the row maximum subtracted first.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func softmaxRows(
        _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, rows: Int, columns: Int, logarithm: Bool
    ) {
        for row in 0..<rows {
            let input = x + row * columns, output = y + row * columns
            let largest = SIMD16<Self>(repeating: maximum(input, count: columns).value)
            map1(input, output, columns) { Self.vectorExp($0 - largest) }
            let total = sum(UnsafePointer(output), count: columns)
            if logarithm {
                let logTotal = SIMD16<Self>(repeating: Self.vectorLog(SIMD16<Self>(repeating: total))[0])
                map1(input, output, columns) { $0 - largest - logTotal }
            } else {
                let scale = 1 / total
                map1(UnsafePointer(output), output, columns) { $0 * scale }
            }
        }
    }
}
