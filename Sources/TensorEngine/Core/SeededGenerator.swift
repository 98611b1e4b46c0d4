import KernelCore
import Foundation

/// The one source of randomness of a run: SplitMix64 (Steele, Lea & Flood 2014), seeded once.
///
/// Initialisation, shuffling, noise and dropout all draw from the same generator, in program order,
/// so the same seed (and BLAS thread count) reproduces a run exactly. It is a class so every part of
/// a chapter shares one stream; pass it along, never create a second one from the clock.
public final class SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    /// The seed this generator started from.
    public let seed: UInt64

    /// A generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        self.state = seed
    }

    /// The next 64 random bits: state += 0x9E3779B97F4A7C15, then the SplitMix64 finaliser.
    public func next() -> UInt64 {
        state &+= splitMixIncrement
        return splitMixFinalise(state)
    }

    /// Reserves the next `count` draws for a bulk fill: returns the state they count from (draw k
    /// is mix(state + (k + 1) γ)) and advances the stream past them, as `count` calls of `next()` would.
    func reserveDraws(_ count: Int) -> UInt64 {
        let start = state
        state &+= UInt64(count) &* splitMixIncrement
        return start
    }

    /// Uniform in [0, 1) with 53 random bits.
    public func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal N(0, 1) by the Box–Muller transform.
    public func nextNormal() -> Double {
        let u1 = 1 - nextUniform()  // (0, 1]: log is finite
        let u2 = nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    // The bulk fills below each consume exactly `count` draws, whatever the element type, and compute
    // element k from its own draws only (Kernels/RandomKernels.swift), so their results do not depend
    // on the thread count; the Float versions run 16 lanes at a time.

    /// Fills a buffer with uniform values in [lower, upper): element k from draw k (23 random bits
    /// for Float; for Double, lower + (upper − lower) × what `nextUniform()` would have returned).
    public func fillUniform<Scalar: TensorScalar>(_ buffer: UnsafeMutablePointer<Scalar>, count: Int, lower: Scalar = 0, upper: Scalar = 1) {
        let start = reserveDraws(count)
        if Scalar.self == Float.self {
            fillUniformFloat(UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Float.self), count: count,
                             lower: Float(lower), upper: Float(upper), state: start)
        } else {
            fillUniformScalar(buffer, count: count, lower: lower, upper: upper, state: start)
        }
    }

    /// Fills a buffer with N(mean, standardDeviation²) values by Box–Muller, one draw per pair of
    /// elements (Float: vectorised in single precision; Double: the same draws in double precision).
    public func fillNormal<Scalar: TensorScalar>(_ buffer: UnsafeMutablePointer<Scalar>, count: Int, mean: Scalar = 0, standardDeviation: Scalar = 1) {
        let start = reserveDraws(count)
        if Scalar.self == Float.self {
            fillNormalFloat(UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Float.self), count: count,
                            mean: Float(mean), standardDeviation: Float(standardDeviation), state: start)
        } else {
            fillNormalScalar(buffer, count: count, mean: mean, standardDeviation: standardDeviation, state: start)
        }
    }

    /// Fills a buffer with `value` with probability `probability` and `otherwise` elsewhere,
    /// independently: element k is `value` exactly when the k-th `nextUniform()` from here would be
    /// below `probability` (so a scalar loop over `nextUniform()` gives the same buffer).
    public func fillBernoulli<Scalar: TensorScalar>(
        _ buffer: UnsafeMutablePointer<Scalar>, count: Int, probability: Double, value: Scalar, otherwise: Scalar
    ) {
        precondition(!probability.isNaN, "fillBernoulli: probability is NaN")
        let start = reserveDraws(count)
        guard probability < 1 else {
            buffer.update(repeating: value, count: count)
            return
        }
        let threshold = probability > 0 ? bernoulliThreshold(probability) : 0
        if Scalar.self == Float.self {
            fillBernoulliFloat(UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Float.self), count: count,
                               threshold: threshold, value: Float(value), otherwise: Float(otherwise), state: start)
        } else {
            fillBernoulliScalar(buffer, count: count, threshold: threshold, value: value, otherwise: otherwise,
                                state: start)
        }
    }

    /// Fills a Float buffer with `value` where element k's uniform draw (the u_k of ``fillUniform``)
    /// is below `probabilities[k]`, and `otherwise` elsewhere: a coin per element, each with its own bias.
    public func fillBernoulli(
        _ buffer: UnsafeMutablePointer<Float>, probabilities: UnsafePointer<Float>, count: Int, value: Float,
        otherwise: Float
    ) {
        fillBernoulliFloat(buffer, probabilities: probabilities, count: count, value: value, otherwise: otherwise,
                           state: reserveDraws(count))
    }
}

extension Tensor {
    /// A tensor of N(mean, standardDeviation²) samples.
    public convenience init(randomNormal shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1, generator: SeededGenerator) {
        self.init(uninitializedShape: shape, operation: "randomNormal")
        generator.fillNormal(mutablePointer, count: count, mean: mean, standardDeviation: standardDeviation)
    }

    /// A tensor of uniform samples in [lower, upper).
    public convenience init(randomUniform shape: [Int], lower: Scalar = 0, upper: Scalar = 1, generator: SeededGenerator) {
        self.init(uninitializedShape: shape, operation: "randomUniform")
        generator.fillUniform(mutablePointer, count: count, lower: lower, upper: upper)
    }
}
