import Foundation
import KernelCore

// Bulk random fills: uniform, normal and Bernoulli buffers, 16 lanes at a time and in parallel for
// large buffers, from the same SplitMix64 stream as the scalar draws.
//
// SplitMix64 is counter-based: after state s, draw k (k = 0, 1, …) is mix(s + (k + 1) γ). So each
// element's value is a function of its own draw index, whatever the lane or thread that computes
// it, and a fill gives the same buffer for every thread count and split. Every fill of `count`
// elements consumes exactly `count` draws (the state advances by count · γ), so the scalar stream
// after a fill continues where `count` calls of `next()` would have left it.

/// SplitMix64's increment γ (the golden ratio in 64 bits).
@usableFromInline let splitMixIncrement: UInt64 = 0x9E37_79B9_7F4A_7C15

/// SplitMix64's output function for one counter value.
@inlinable @inline(__always)
func splitMixFinalise(_ counter: UInt64) -> UInt64 {
    var z = counter
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// SplitMix64's output function for 16 counter values.
@inlinable @inline(__always)
func splitMixFinalise(_ counter: SIMD16<UInt64>) -> SIMD16<UInt64> {
    var z = counter
    z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z &>> 31)
}

/// Draw `index` after `state`: mix(state + (index + 1) γ).
@inlinable @inline(__always)
func draw(after state: UInt64, index: Int) -> UInt64 {
    splitMixFinalise(state &+ UInt64(index + 1) &* splitMixIncrement)
}

/// Draws `first`, `first` + 1, … `first` + 15 after `state`.
@inlinable @inline(__always)
func draws(after state: UInt64, first: Int) -> SIMD16<UInt64> {
    let lanes = SIMD16<UInt64>(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
    return splitMixFinalise(state &+ (UInt64(first) &+ lanes) &* splitMixIncrement)
}

/// The low and high 32 bits of 16 draws.
@inlinable @inline(__always)
func halves(_ bits: SIMD16<UInt64>) -> (low: SIMD16<UInt32>, high: SIMD16<UInt32>) {
    let words = unsafeBitCast(bits, to: SIMD32<UInt32>.self)  // little-endian: low word first
    return (words.evenHalf, words.oddHalf)
}

/// Float(v) for integers v < 2^23, exactly, by placing v in the mantissa of 2^23 (no int-to-float
/// conversion, which baseline x86-64 does lane by lane for some types).
@inlinable @inline(__always)
func exactFloat(_ value: SIMD16<UInt32>) -> FloatVector {
    unsafeBitCast(value | 0x4B00_0000, to: FloatVector.self) - 8_388_608
}

/// Uniform in [0, 1) with 23 random bits (the top bits of each 32-bit word).
@inlinable @inline(__always)
func unitUniform(_ word: SIMD16<UInt32>) -> FloatVector {
    unsafeBitCast((word &>> 9) | 0x3F80_0000, to: FloatVector.self) - 1
}

/// Splits 0..<groups (groups of `groupSize` elements out of `count`) into parts, in parallel when
/// the buffer is large, and calls `body` with each part's element range.
@inlinable @inline(__always)
func forEachGroupRange(count: Int, groupSize: Int, _ body: (_ start: Int, _ end: Int) -> Void) {
    let groups = (count + groupSize - 1) / groupSize
    forEachPart(groups, work: count) { part in
        body(part.lowerBound * groupSize, Swift.min(part.upperBound * groupSize, count))
    }
}

// MARK: - Uniform

/// buffer[k] = lower + (upper − lower) u_k, u_k = the top 23 bits of draw k's low word as a
/// fraction of 2^23; results that round up to `upper` are moved to the largest Float below it.
@inlinable
func fillUniformFloat(_ buffer: UnsafeMutablePointer<Float>, count: Int, lower: Float, upper: Float,
                      state: UInt64) {
    let width = upper - lower, below = upper.nextDown
    forEachGroupRange(count: count, groupSize: 16) { start, end in
        var index = start
        while index < end {
            var value = lower + width * unitUniform(halves(draws(after: state, first: index)).low)
            value.replace(with: below, where: value .>= upper)
            storeLanes(value, buffer, index, Swift.min(16, end - index))
            index += 16
        }
    }
}

/// buffer[k] = lower + (upper − lower) u_k with u_k = (draw k >> 11) / 2^53, the value
/// `nextUniform()` would have given at that point of the stream.
@inlinable
func fillUniformScalar<Scalar: TensorScalar>(
    _ buffer: UnsafeMutablePointer<Scalar>, count: Int, lower: Scalar, upper: Scalar, state: UInt64
) {
    let width = Double(upper - lower), low = Double(lower)
    forEachGroupRange(count: count, groupSize: 16) { start, end in
        for index in start..<end {
            buffer[index] = Scalar(low + width * Double(draw(after: state, index: index) >> 11) * 0x1.0p-53)
        }
    }
}

// MARK: - Normal

// Box–Muller in blocks of 32 elements: block b takes draws 16b … 16b + 15. Draw 16b + l gives
// u₁ ∈ (0, 1] from its high word (32 bits, so the radius reaches √(2 · 32 ln 2) ≈ 6.7σ) and an angle
// θ = 2π u₂ − π from its low word (23 bits); element 32b + l is r cos θ and element 32b + 16 + l is
// r sin θ, with r = √(−2 log u₁). Draws 16b + 16 … 32b + 31 go unused but are still counted.

/// (r cos θ, r sin θ) for the 16 draws `first` … `first` + 15 after `state`.
@inlinable @inline(__always)
func normalPairs(after state: UInt64, first: Int) -> (cos: FloatVector, sin: FloatVector) {
    let (low, high) = halves(draws(after: state, first: first))
    // u₁ = (x + ½) / 2^32 for the high word x, from its two 16-bit halves (each exact in a Float).
    let upper = exactFloat(high &>> 16), lower = exactFloat(high & 0xFFFF)
    let u1 = (upper * 65_536 + (lower + 0.5)) * 0x1.0p-32
    let radius = vectorSquareRoot(-2 * vectorLog(u1))
    let angle = unitUniform(low) * (2 * Float.pi) - Float.pi
    let (sine, cosine) = vectorSinCos(angle)
    return (radius * cosine, radius * sine)
}

/// buffer ← mean + standardDeviation · N(0, 1), Float, vectorised (layout above).
@inlinable
func fillNormalFloat(_ buffer: UnsafeMutablePointer<Float>, count: Int, mean: Float,
                     standardDeviation: Float, state: UInt64) {
    forEachGroupRange(count: count, groupSize: 32) { start, end in
        var index = start
        while index < end {
            let (cosine, sine) = normalPairs(after: state, first: index / 2)
            let first = mean + standardDeviation * cosine, second = mean + standardDeviation * sine
            storeLanes(first, buffer, index, Swift.min(16, end - index))
            if end - index > 16 { storeLanes(second, buffer, index + 16, Swift.min(16, end - index - 16)) }
            index += 32
        }
    }
}

/// The same layout and draws as ``fillNormalFloat``, computed in Double with libm, one element at a
/// time (for Double tensors: gradient checks and tests, where speed does not matter).
@inlinable
func fillNormalScalar<Scalar: TensorScalar>(
    _ buffer: UnsafeMutablePointer<Scalar>, count: Int, mean: Scalar, standardDeviation: Scalar,
    state: UInt64
) {
    let m = Double(mean), s = Double(standardDeviation)
    forEachGroupRange(count: count, groupSize: 32) { start, end in
        for index in start..<end {
            let block = index / 32, lane = index % 32
            let bits = draw(after: state, index: 16 * block + lane % 16)
            let u1 = (Double(bits >> 32) + 0.5) * 0x1.0p-32
            let angle = Double((bits & 0xFFFF_FFFF) >> 9) * 0x1.0p-23 * (2 * Double.pi) - Double.pi
            let radius = (-2 * Foundation.log(u1)).squareRoot()
            buffer[index] = Scalar(m + s * radius * (lane < 16 ? Foundation.cos(angle) : Foundation.sin(angle)))
        }
    }
}

// MARK: - Bernoulli

/// The threshold T with draw < T ⟺ (draw >> 11) / 2^53 < p, for 0 < p < 1: T = ⌈p 2^53⌉ 2^11.
@inlinable @inline(__always)
func bernoulliThreshold(_ probability: Double) -> UInt64 {
    UInt64((probability * 0x1.0p53).rounded(.up)) << 11
}

/// buffer[k] = value when draw k < threshold, else `otherwise`, Float, vectorised.
@inlinable
func fillBernoulliFloat(_ buffer: UnsafeMutablePointer<Float>, count: Int, threshold: UInt64,
                        value: Float, otherwise: Float, state: UInt64) {
    let valueBits = SIMD16<UInt32>(repeating: value.bitPattern)
    let otherBits = SIMD16<UInt32>(repeating: otherwise.bitPattern)
    let limit = SIMD16<UInt64>(repeating: threshold)
    forEachGroupRange(count: count, groupSize: 16) { start, end in
        var index = start
        while index < end {
            let hit = SIMD16<UInt64>(repeating: 0).replacing(with: .max, where: draws(after: state, first: index) .< limit)
            let select = halves(hit).low
            let bits = (valueBits & select) | (otherBits & ~select)
            let result = unsafeBitCast(bits, to: FloatVector.self)
            storeLanes(result, buffer, index, Swift.min(16, end - index))
            index += 16
        }
    }
}

/// buffer[k] = value when draw k < threshold, else `otherwise`, one element at a time.
@inlinable
func fillBernoulliScalar<Scalar: TensorScalar>(
    _ buffer: UnsafeMutablePointer<Scalar>, count: Int, threshold: UInt64, value: Scalar,
    otherwise: Scalar, state: UInt64
) {
    forEachGroupRange(count: count, groupSize: 16) { start, end in
        for index in start..<end {
            buffer[index] = draw(after: state, index: index) < threshold ? value : otherwise
        }
    }
}

/// buffer[k] = value when u_k < probabilities[k], else `otherwise`, with u_k the uniform
/// ``fillUniformFloat`` draws for element k (23 random bits).
@inlinable
func fillBernoulliFloat(_ buffer: UnsafeMutablePointer<Float>, probabilities: UnsafePointer<Float>, count: Int,
                        value: Float, otherwise: Float, state: UInt64) {
    let values = FloatVector(repeating: value), others = FloatVector(repeating: otherwise)
    forEachGroupRange(count: count, groupSize: 16) { start, end in
        var index = start
        while index < end {
            let uniform = unitUniform(halves(draws(after: state, first: index)).low)
            let width = Swift.min(16, end - index)
            let probability = loadLanes(probabilities, index, width)
            storeLanes(others.replacing(with: values, where: uniform .< probability), buffer, index, width)
            index += 16
        }
    }
}
