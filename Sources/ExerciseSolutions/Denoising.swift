// Solution of exercise denoising.1 (the task: Sources/Exercises/Denoising.swift).
import TensorEngine

// ANCHOR: solution
/// Solution of denoising.1: a 0/1 mask, one uniform draw per element, times the clean values.
public func maskingNoise(_ clean: Tensor<Float>,
                         fraction: Double,
                         generator: SeededGenerator) throws -> Tensor<Float> {
    let keep = (0..<clean.count).map { _ -> Float in generator.nextUniform() < fraction ? 0 : 1 }
    return clean * Tensor(shape: clean.shape, scalars: keep)
}
// ANCHOR_END: solution
