import ExerciseSolutions
import TensorEngine

/// One version of every exercise function, as closures the checks call: the student's (built by
/// `check-exercise` from the Exercises module) or the reference solutions (``solutions``). The checks
/// use Double, so gradients can be compared with finite differences; masking noise is Float, as the
/// chapters use it.
public struct ExerciseImplementations {
    /// vae.1: z = μ + e^(v/2) ⊙ ε from (μ, v, ε).
    public var reparameterise: (Tensor<Double>, Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>
    /// vae.1: KL(N(μ, e^v) ‖ N(0, I)) summed over units, mean over rows, from (μ, v).
    public var gaussianKL: (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>
    /// convolutional.1: (input, weight, bias, stride, padding) → transposed convolution.
    public var transposedConvolution: (Tensor<Double>, Tensor<Double>, Tensor<Double>?, Int, Int) throws -> Tensor<Double>
    /// sparse.1: (activations, ρ) → Σ_j KL(ρ ‖ ρ̂_j).
    public var sparsityPenalty: (Tensor<Double>, Double) throws -> Tensor<Double>
    /// sparse.1: (ρ̂, ρ) → −ρ/ρ̂ + (1 − ρ)/(1 − ρ̂).
    public var sparsityPenaltyGradient: (Tensor<Double>, Double) throws -> Tensor<Double>
    /// basic.1: (code, W, b) → code · W + b.
    public var tiedDecoder: (Tensor<Double>, Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>
    /// denoising.1: (clean, fraction, generator) → masked copy.
    public var maskingNoise: (Tensor<Float>, Double, SeededGenerator) throws -> Tensor<Float>
    /// contractive.1: (h, W) → mean over rows of Σ_j (h_j (1 − h_j))² Σ_i W_ji².
    public var squaredJacobianNorm: (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>
    /// adversarial.1: (prior logits, code logits) → ½ (BCE(prior, 1) + BCE(codes, 0)).
    public var discriminatorLoss: (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>
    /// adversarial.1: code logits → BCE(codes, 1).
    public var generatorLoss: (Tensor<Double>) throws -> Tensor<Double>
    /// text.1: counts → log(N / df) per column.
    public var inverseDocumentFrequency: (Tensor<Float>) throws -> Tensor<Float>
    /// text.1: (counts, idf) → L2-normalised c ⊙ idf rows.
    public var tfidf: (Tensor<Float>, Tensor<Float>) throws -> Tensor<Float>

    /// Gathers one version of every function.
    public init(
        reparameterise: @escaping (Tensor<Double>, Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>,
        gaussianKL: @escaping (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>,
        transposedConvolution: @escaping (Tensor<Double>, Tensor<Double>, Tensor<Double>?, Int, Int) throws -> Tensor<Double>,
        sparsityPenalty: @escaping (Tensor<Double>, Double) throws -> Tensor<Double>,
        sparsityPenaltyGradient: @escaping (Tensor<Double>, Double) throws -> Tensor<Double>,
        tiedDecoder: @escaping (Tensor<Double>, Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>,
        maskingNoise: @escaping (Tensor<Float>, Double, SeededGenerator) throws -> Tensor<Float>,
        squaredJacobianNorm: @escaping (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>,
        discriminatorLoss: @escaping (Tensor<Double>, Tensor<Double>) throws -> Tensor<Double>,
        generatorLoss: @escaping (Tensor<Double>) throws -> Tensor<Double>,
        inverseDocumentFrequency: @escaping (Tensor<Float>) throws -> Tensor<Float>,
        tfidf: @escaping (Tensor<Float>, Tensor<Float>) throws -> Tensor<Float>
    ) {
        self.reparameterise = reparameterise
        self.gaussianKL = gaussianKL
        self.transposedConvolution = transposedConvolution
        self.sparsityPenalty = sparsityPenalty
        self.sparsityPenaltyGradient = sparsityPenaltyGradient
        self.tiedDecoder = tiedDecoder
        self.maskingNoise = maskingNoise
        self.squaredJacobianNorm = squaredJacobianNorm
        self.discriminatorLoss = discriminatorLoss
        self.generatorLoss = generatorLoss
        self.inverseDocumentFrequency = inverseDocumentFrequency
        self.tfidf = tfidf
    }

    /// The reference solutions in Sources/ExerciseSolutions: every check must pass on them.
    public static var solutions: ExerciseImplementations {
        ExerciseImplementations(
            reparameterise: { try ExerciseSolutions.reparameterise(mean: $0, logVariance: $1, noise: $2) },
            gaussianKL: { try ExerciseSolutions.gaussianKL(mean: $0, logVariance: $1) },
            transposedConvolution: {
                try ExerciseSolutions.transposedConvolutionAsConvolution($0, weight: $1, bias: $2, stride: $3, padding: $4)
            },
            sparsityPenalty: { try ExerciseSolutions.sparsityPenalty(activations: $0, target: $1) },
            sparsityPenaltyGradient: { try ExerciseSolutions.sparsityPenaltyGradient(meanActivation: $0, target: $1) },
            tiedDecoder: { try ExerciseSolutions.tiedDecoder(code: $0, encoderWeight: $1, bias: $2) },
            maskingNoise: { try ExerciseSolutions.maskingNoise($0, fraction: $1, generator: $2) },
            squaredJacobianNorm: { try ExerciseSolutions.squaredJacobianNorm(code: $0, encoderWeight: $1) },
            discriminatorLoss: { try ExerciseSolutions.discriminatorLoss(priorLogits: $0, codeLogits: $1) },
            generatorLoss: { try ExerciseSolutions.generatorLoss(codeLogits: $0) },
            inverseDocumentFrequency: { try ExerciseSolutions.inverseDocumentFrequency(counts: $0) },
            tfidf: { try ExerciseSolutions.tfidf(counts: $0, inverseDocumentFrequency: $1) }
        )
    }
}
