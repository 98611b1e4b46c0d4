// Input corruptions q(x̃ | x) for denoising (introduced in the denoising chapter, reused by the
// contractive one). The noise is data: the results carry no gradient back to the noise.

// ANCHOR: corruption
/// Additive Gaussian noise clipped to the pixel range: x̃ = clip(x + σ ε, 0, 1), ε ~ N(0, I).
public func gaussianCorruption(
    _ clean: Tensor<Float>, standardDeviation: Float, generator: SeededGenerator
) -> Tensor<Float> {
    precondition(standardDeviation >= 0,
                 "gaussianCorruption: standard deviation \(standardDeviation) is negative")
    let noise = Tensor<Float>(randomNormal: clean.shape, standardDeviation: standardDeviation,
                              generator: generator)
    return clamp(clean + noise, lower: 0, upper: 1)
}

/// Masking noise: each element is set to 0 with probability `fraction`, independently, and kept
/// unchanged otherwise (no rescaling, unlike dropout).
public func maskingCorruption(
    _ clean: Tensor<Float>, fraction: Double, generator: SeededGenerator
) -> Tensor<Float> {
    precondition(fraction >= 0 && fraction <= 1,
                 "maskingCorruption: fraction \(fraction) outside [0, 1]")
    let mask = Tensor<Float>(uninitializedShape: clean.shape, operation: "mask")
    // 0 where the element's uniform draw u < fraction, else 1 (vectorised; same as a loop over
    // `generator.nextUniform() < fraction ? 0 : 1`)
    generator.fillBernoulli(mask.mutablePointer, count: mask.count, probability: fraction, value: 0,
                            otherwise: 1)
    return clean * mask
}

/// The two corruptions of the denoising chapter.
public enum NoiseKind: String, CaseIterable, Sendable { case gaussian, masking }

/// A corruption q(x̃ | x) of one kind at one level: σ for Gaussian noise, the masked fraction for
/// masking noise.
public struct Corruption: Sendable {
    /// Which corruption.
    public var kind: NoiseKind
    /// σ for Gaussian noise, the fraction of pixels set to 0 for masking noise.
    public var level: Float

    /// A corruption of `kind` at `level`.
    public init(kind: NoiseKind, level: Float) { (self.kind, self.level) = (kind, level) }

    /// A corrupted copy of `clean`, with noise drawn from `generator`.
    public func callAsFunction(
        _ clean: Tensor<Float>, generator: SeededGenerator
    ) -> Tensor<Float> {
        switch kind {
        case .gaussian:
            return gaussianCorruption(clean, standardDeviation: level, generator: generator)
        case .masking:
            return maskingCorruption(clean, fraction: Double(level), generator: generator)
        }
    }

    /// "Gaussian noise, σ = 0.5" or "masking noise, fraction 0.3", for the book's prose.
    public var name: String {
        kind == .gaussian ? "Gaussian noise, σ = \(level)" : "masking noise, fraction \(level)"
    }
}
// ANCHOR_END: corruption
