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
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal N(0, 1) by the Box–Muller transform.
    public func nextNormal() -> Double {
        let u1 = 1 - nextUniform()  // (0, 1]: log is finite
        let u2 = nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// Fills a buffer with uniform values in [lower, upper).
    public func fillUniform<Scalar: TensorScalar>(_ buffer: UnsafeMutablePointer<Scalar>, count: Int, lower: Scalar = 0, upper: Scalar = 1) {
        let width = Double(upper - lower), low = Double(lower)
        for i in 0..<count { buffer[i] = Scalar(low + width * nextUniform()) }
    }

    /// Fills a buffer with N(mean, standardDeviation²) values, two per Box–Muller pair.
    public func fillNormal<Scalar: TensorScalar>(_ buffer: UnsafeMutablePointer<Scalar>, count: Int, mean: Scalar = 0, standardDeviation: Scalar = 1) {
        var i = 0
        let m = Double(mean), s = Double(standardDeviation)
        while i < count {
            let radius = (-2 * Foundation.log(1 - nextUniform())).squareRoot()
            let angle = 2 * Double.pi * nextUniform()
            buffer[i] = Scalar(m + s * radius * Foundation.cos(angle))
            if i + 1 < count { buffer[i + 1] = Scalar(m + s * radius * Foundation.sin(angle)) }
            i += 2
        }
    }

    /// A uniformly random permutation of 0..<count (Fisher–Yates, drawing from this generator).
    public func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        if count < 2 { return indices }
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            indices.swapAt(i, j)
        }
        return indices
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
