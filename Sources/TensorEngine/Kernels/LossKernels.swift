import KernelCore

// The fused losses: value, per-element losses and gradient in one pass, split across threads in
// chunks whose partial sums are added in a fixed order.
//
// Each kernel is generic over the element type and pre-specialised for Float and Double
// (`@_specialize`), so a call from generic code runs a specialised copy with no generic dispatch
// inside its loops, whichever file it is called from.

/// The per-element losses computed with their gradient in one pass.
enum ElementwiseLoss {
    /// Of logits a against labels b: ℓ = max(a, 0) − a b + log(1 + e^−|a|), ∂ℓ/∂a = σ(a) − b.
    case sigmoidCrossEntropy
    /// Of predictions a against expected values b: ℓ = (a − b)², ∂ℓ/∂a = 2 (a − b).
    case squaredError
}

extension TensorScalar {
    /// Σ ℓ(a, b) over `count` elements; optionally the per-element losses and the gradient
    /// scale · ∂ℓ/∂a, all in one pass.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func elementwiseLoss(
        _ kind: ElementwiseLoss, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self
    ) -> Double {
        switch kind {
        case .sigmoidCrossEntropy:
            return fusedLossPass(a, b, count: count, losses: losses, gradient: gradient) { logits, labels in
                // σ(z) from the same e^−|z| as the loss.
                let negative = Self.lanesLess(logits, SIMD16<Self>())
                let e = Self.vectorExp(-logits.replacing(with: -logits, where: negative))
                let loss = logits.replacing(with: 0, where: negative) - logits * labels + Self.vectorLog1p(e)
                let inverse = 1 / (1 + e)
                let sigmoid = inverse.replacing(with: e * inverse, where: negative)
                return (loss, gradientScale * (sigmoid - labels))
            }
        case .squaredError:
            let twiceScale = 2 * gradientScale
            return fusedLossPass(a, b, count: count, losses: losses, gradient: gradient) { predicted, expected in
                let difference = predicted - expected
                return (difference * difference, twiceScale * difference)
            }
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
