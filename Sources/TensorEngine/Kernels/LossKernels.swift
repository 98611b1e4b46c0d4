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
        fusedLossPass(z, y, count: count, losses: losses, gradient: gradient) { logits, labels in
            // loss = max(z, 0) − z y + log(1 + e^−|z|);  ∂loss/∂z = σ(z) − y, σ from the same e^−|z|.
            let negative = Self.lanesLess(logits, SIMD16<Self>())
            let e = Self.vectorExp(-logits.replacing(with: -logits, where: negative))
            let loss = logits.replacing(with: 0, where: negative) - logits * labels + Self.vectorLog1p(e)
            let inverse = 1 / (1 + e)
            let sigmoid = inverse.replacing(with: e * inverse, where: negative)
            return (loss, gradientScale * (sigmoid - labels))
        }
    }

    /// Σ (p − t)²; optionally the per-element losses and the gradient scale · 2 (p − t), in one pass.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func squaredError(
        predicted p: UnsafePointer<Self>, expected t: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self
    ) -> Double {
        let twiceScale = 2 * gradientScale
        return fusedLossPass(p, t, count: count, losses: losses, gradient: gradient) { predicted, expected in
            let difference = predicted - expected
            return (difference * difference, twiceScale * difference)
        }
    }

    /// The pass both losses share: `step` turns 16 lanes of (a, b) into their losses and gradient;
    /// the losses are summed per chunk and the chunk sums added in a fixed order, so the total does
    /// not depend on how the buffer was split across threads.
    @inline(__always)
    static func fusedLossPass(
        _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?,
        step: (SIMD16<Self>, SIMD16<Self>) -> (loss: SIMD16<Self>, gradient: SIMD16<Self>)
    ) -> Double {
        var totals = [Double](repeating: 0, count: chunkCount(count))
        totals.withUnsafeMutableBufferPointer { totals in
            forEachChunk(count) { start, length, chunk in
                let (a, b) = (a + start, b + start)
                let losses = losses.map { $0 + start }, gradient = gradient.map { $0 + start }
                var total = SIMD16<Self>()
                var i = 0
                while i + 16 <= length {
                    let (loss, derivative) = step(load(a, i), load(b, i))
                    total += loss
                    if let losses { store(loss, losses, i) }
                    if let gradient { store(derivative, gradient, i) }
                    i += 16
                }
                if i < length {
                    let n = length - i
                    var (loss, derivative) = step(loadPartial(a, i, n), loadPartial(b, i, n))
                    for lane in n..<16 { loss[lane] = 0 }  // the padding lanes add nothing
                    total += loss
                    if let losses { storePartial(loss, losses, i, n) }
                    if let gradient { storePartial(derivative, gradient, i, n) }
                }
                totals[chunk] = (0..<16).reduce(0.0) { $0 + Double(total[$1]) }
            }
        }
        return totals.reduce(0, +)
    }
}
