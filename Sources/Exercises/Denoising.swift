// Exercise denoising.1: masking noise, the corruption of Vincent et al. (2008).
// Check with `make check-exercise E=denoising.1`.
import TensorEngine

/// Masking noise: every element of `clean` is set to 0 with probability `fraction`, independently
/// of every other element, and kept unchanged otherwise (no rescaling by 1/(1 − fraction), unlike
/// dropout). Draw one uniform number u per element from `generator` (`generator.nextUniform()`, in
/// [0, 1)) and zero the element when u < fraction, so the same seed gives the same mask.
///
/// `clean` has any shape; the result has the same shape. `fraction` is in [0, 1]. The noise is
/// data: no gradient needs to flow.
public func maskingNoise(_ clean: Tensor<Float>,
                         fraction: Double,
                         generator: SeededGenerator) throws -> Tensor<Float> {
    throw NotWrittenYet("maskingNoise(_:fraction:generator:)",
                        exercise: "denoising.1", file: "Denoising.swift")
}
