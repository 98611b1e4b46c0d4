import KernelCore

// The fused losses: value, per-element losses and gradient in one pass, split across threads in
// chunks whose partial sums are added in a fixed order.
//
// Each kernel is generic over the element type and pre-specialised for Float and Double
// (`@_specialize`), so a call from generic code runs a specialised copy with no generic dispatch
// inside its loops, whichever file it is called from.

extension TensorScalar {
    /// Σ max(z, 0) − z y + log(1 + e^−|z|); optionally the per-element losses and the gradient
    /// scale · (σ(z) − y), all in one pass.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func sigmoidCrossEntropy(
        logits z: UnsafePointer<Self>, labels y: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self
    ) -> Double {
        let chunks = chunkCount(count)
        var totals = [Double](repeating: 0, count: chunks)
        totals.withUnsafeMutableBufferPointer { totals in
        forEachChunk(count) { start, length, chunk in
        let count = length
        let (z, y) = (z + start, y + start)
        let losses = losses.map { $0 + start }, gradient = gradient.map { $0 + start }
        var total = SIMD16<Self>()
        var i = 0
        @inline(__always) func step(_ logits: SIMD16<Self>, _ labels: SIMD16<Self>) -> (loss: SIMD16<Self>, gradient: SIMD16<Self>) {
            // loss = max(z, 0) − z y + log(1 + e^−|z|);  ∂loss/∂z = σ(z) − y, σ from the same e^−|z|.
            let e = Self.vectorExp(-logits.replacing(with: -logits, where: Self.lanesLess(logits, SIMD16<Self>())))
            let loss = logits.replacing(with: 0, where: Self.lanesLess(logits, SIMD16<Self>())) - logits * labels + Self.vectorLog1p(e)
            let inverse = 1 / (1 + e)
            let sigmoid = inverse.replacing(with: e * inverse, where: Self.lanesLess(logits, SIMD16<Self>()))
            return (loss, gradientScale * (sigmoid - labels))
        }
        while i + 16 <= count {
            let (loss, derivative) = step(load(z, i), load(y, i))
            total += loss
            if let losses { store(loss, losses, i) }
            if let gradient { store(derivative, gradient, i) }
            i += 16
        }
        if i < count {
            let n = count - i
            var (loss, derivative) = step(loadPartial(z, i, n), loadPartial(y, i, n))
            for lane in n..<16 { loss[lane] = 0 }
            total += loss
            if let losses { storePartial(loss, losses, i, n) }
            if let gradient { storePartial(derivative, gradient, i, n) }
        }
        totals[chunk] = (0..<16).reduce(0.0) { $0 + Double(total[$1]) }
        }
        }
        return totals.reduce(0, +)
    }

    /// Σ (p − t)²; optionally the per-element losses and the gradient scale · 2 (p − t), in one pass.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func squaredError(
        predicted p: UnsafePointer<Self>, expected t: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self
    ) -> Double {
        let chunks = chunkCount(count)
        var totals = [Double](repeating: 0, count: chunks)
        totals.withUnsafeMutableBufferPointer { totals in
        forEachChunk(count) { start, length, chunk in
        let count = length
        let (p, t) = (p + start, t + start)
        let losses = losses.map { $0 + start }, gradient = gradient.map { $0 + start }
        var total = SIMD16<Self>()
        var i = 0
        let twiceScale = 2 * gradientScale
        while i + 16 <= count {
            let difference = load(p, i) - load(t, i)
            let loss = difference * difference
            total += loss
            if let losses { store(loss, losses, i) }
            if let gradient { store(twiceScale * difference, gradient, i) }
            i += 16
        }
        if i < count {
            let n = count - i
            let difference = loadPartial(p, i, n) - loadPartial(t, i, n)
            total += difference * difference
            if let losses { storePartial(difference * difference, losses, i, n) }
            if let gradient { storePartial(twiceScale * difference, gradient, i, n) }
        }
        totals[chunk] = (0..<16).reduce(0.0) { $0 + Double(total[$1]) }
        }
        }
        return totals.reduce(0, +)
    }
}
