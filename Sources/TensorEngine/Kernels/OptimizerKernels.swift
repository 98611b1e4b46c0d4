import KernelCore

// Optimizer updates exactly as torch.optim computes them.
//
// Each kernel is generic over the element type and pre-specialised for Float and Double
// (`@_specialize`), so a call from generic code runs a specialised copy with no generic dispatch
// inside its loops, whichever file it is called from.

extension TensorScalar {
    /// One Adam step exactly as `torch.optim.Adam` (L2 weight decay added to the gradient).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func adamStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>,
        firstMoment: UnsafeMutablePointer<Self>, secondMoment: UnsafeMutablePointer<Self>, count: Int,
        learningRate: Self, beta1: Self, beta2: Self, epsilon: Self, weightDecay: Self,
        biasCorrection1: Self, biasCorrection2: Self
    ) {
        // torch.optim.Adam: g += λ p; m = β1 m + (1 − β1) g; v = β2 v + (1 − β2) g²;
        // p −= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
        let stepSize = learningRate / biasCorrection1
        let inverseRootCorrection2 = 1 / biasCorrection2.squareRoot()
        @inline(__always) func update(_ p: SIMD16<Self>, _ g0: SIMD16<Self>, _ m0: SIMD16<Self>, _ v0: SIMD16<Self>)
            -> (SIMD16<Self>, SIMD16<Self>, SIMD16<Self>)
        {
            let g = weightDecay == 0 ? g0 : g0 + weightDecay * p
            let m = beta1 * m0 + (1 - beta1) * g
            let v = beta2 * v0 + (1 - beta2) * g * g
            let denominator = Self.vectorSquareRoot(v) * inverseRootCorrection2 + epsilon
            return (p - stepSize * m / denominator, m, v)
        }
        forEachChunk(count) { start, length, _ in
        let parameter = parameter + start, gradient = gradient + start
        let firstMoment = firstMoment + start, secondMoment = secondMoment + start, count = length
        var i = 0
        while i + 16 <= count {
            let (p, m, v) = update(load(UnsafePointer(parameter), i), load(gradient, i),
                                   load(UnsafePointer(firstMoment), i), load(UnsafePointer(secondMoment), i))
            store(p, parameter, i); store(m, firstMoment, i); store(v, secondMoment, i)
            i += 16
        }
        if i < count {
            let n = count - i
            let (p, m, v) = update(loadPartial(UnsafePointer(parameter), i, n), loadPartial(gradient, i, n),
                                   loadPartial(UnsafePointer(firstMoment), i, n), loadPartial(UnsafePointer(secondMoment), i, n))
            storePartial(p, parameter, i, n); storePartial(m, firstMoment, i, n); storePartial(v, secondMoment, i, n)
        }
        }
    }
}
