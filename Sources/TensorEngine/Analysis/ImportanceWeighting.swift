import Foundation

// Importance-weighted bounds on log p(x) for a latent-variable model with prior p(z) = N(0, I)
// and a diagonal Gaussian encoder q(z|x) = N(μ, diag σ²): Burda, Grosse & Salakhutdinov,
// "Importance Weighted Autoencoders" (ICLR 2016). The VAE chapter uses them to show how loose
// its ELBO is.

/// The bounds L_k on log p(x) of a set of images, for several sample counts k, from one draw of
/// codes per image (see `importanceWeightedBounds(mean:logVariance:sampleCounts:generator:_:)`).
public struct ImportanceWeightedBounds: Sendable {
    /// The sample counts k, in the order given.
    public let sampleCounts: [Int]
    /// `perImage[i][j]`: the bound for image i with k = `sampleCounts[j]`, in nats.
    public let perImage: [[Double]]

    /// The mean bound over the images for each sample count, in the order of ``sampleCounts``.
    public var means: [Double] {
        sampleCounts.indices.map { column in
            perImage.reduce(0) { $0 + $1[column] } / Double(Swift.max(perImage.count, 1))
        }
    }
}

// ANCHOR: log-weights
/// Log importance weights log wₖ = log p(x | zₖ) + log p(zₖ) − log q(zₖ | x) of
/// `sampleCount` codes zₖ = μ + σ ⊙ εₖ, εₖ ~ N(0, I), for one image with posterior
/// N(μ, diag exp(logVariance)). Both Gaussian densities are in closed form; `logLikelihood` gets
/// the codes [K, d] and returns log p(x | zₖ) for each of them, [K] or [K, 1].
public func importanceLogWeights(
    mean: [Float], logVariance: [Float], sampleCount: Int, generator: SeededGenerator,
    logLikelihood: (_ codes: Tensor<Float>) -> Tensor<Float>
) -> [Double] {
    precondition(mean.count == logVariance.count && sampleCount >= 1,
                 "importanceLogWeights: \(mean.count) means, \(logVariance.count) log-variances, "
                 + "\(sampleCount) samples")
    let size = mean.count
    let noise = Tensor<Float>(randomNormal: [sampleCount, size], generator: generator).scalars
    var codes = [Float](repeating: 0, count: sampleCount * size)
    var logPriorMinusLogPosterior = [Double](repeating: 0, count: sampleCount)
    for sample in 0..<sampleCount {
        for unit in 0..<size {
            let epsilon = Double(noise[sample * size + unit])
            let logVarianceOfUnit = Double(logVariance[unit])
            let code = Double(mean[unit]) + Foundation.exp(0.5 * logVarianceOfUnit) * epsilon
            codes[sample * size + unit] = Float(code)
            // log N(z; 0, 1) − log N(z; μ, σ²) with (z − μ)/σ = ε:
            // the two log √(2π) cancel.
            logPriorMinusLogPosterior[sample] +=
                0.5 * (epsilon * epsilon + logVarianceOfUnit - code * code)
        }
    }
    let codeTensor = Tensor(shape: [sampleCount, size], scalars: codes)
    let likelihoods = withoutGradients { logLikelihood(codeTensor) }.scalars
    precondition(likelihoods.count == sampleCount, "importanceLogWeights: logLikelihood "
                 + "returned \(likelihoods.count) values for \(sampleCount) codes")
    return (0..<sampleCount).map { Double(likelihoods[$0]) + logPriorMinusLogPosterior[$0] }
}

/// The bound L_k = log (1/k) Σₖ wₖ ≤ log p(x) from n ≥ k log weights: log-mean-exp over
/// each of the ⌊n/k⌋ disjoint blocks of k consecutive weights, averaged over the blocks.
/// Each block is one draw of L_k, so the average estimates E[L_k] with every sample; E[L_1] is
/// the ELBO, and E[L_k] rises with k towards log p(x).
public func importanceWeightedBound(logWeights: [Double], sampleCount k: Int) -> Double {
    precondition(k >= 1 && k <= logWeights.count,
                 "importanceWeightedBound: \(k) samples asked of \(logWeights.count) log weights")
    let blocks = logWeights.count / k
    let total = (0..<blocks).reduce(0) { $0 + logMeanExp(logWeights[($1 * k)..<(($1 + 1) * k)]) }
    return total / Double(blocks)
}
// ANCHOR_END: log-weights

/// log((1/n) Σᵢ exp(aᵢ)), shifted by the largest aᵢ so that no term overflows; −∞ for no values.
public func logMeanExp(_ values: ArraySlice<Double>) -> Double {
    guard let largest = values.max(), largest.isFinite else { return values.max() ?? -.infinity }
    let sum = values.reduce(0) { $0 + Foundation.exp($1 - largest) }
    return largest + Foundation.log(sum / Double(values.count))
}

/// The bounds L_k for every k in `sampleCounts`, for each row of `mean` and `logVariance` (one
/// image each, [n, d]), from max(sampleCounts) codes per image drawn from `generator`.
/// `logLikelihood(codes, row)` returns log p(x_row | z) for each row of `codes`.
public func importanceWeightedBounds(
    mean: Tensor<Float>, logVariance: Tensor<Float>, sampleCounts: [Int],
    generator: SeededGenerator,
    _ logLikelihood: (_ codes: Tensor<Float>, _ row: Int) -> Tensor<Float>
) -> ImportanceWeightedBounds {
    precondition(mean.shape == logVariance.shape && mean.shape.count == 2,
                 "importanceWeightedBounds: mean \(describe(mean.shape)) and logVariance "
                 + describe(logVariance.shape))
    precondition(!sampleCounts.isEmpty && sampleCounts.allSatisfy { $0 >= 1 },
                 "importanceWeightedBounds: sample counts \(sampleCounts) must be at least 1")
    let largest = sampleCounts.max()!, means = mean.rowArrays, logVariances = logVariance.rowArrays
    let perImage = means.indices.map { row -> [Double] in
        let logWeights = importanceLogWeights(
            mean: means[row], logVariance: logVariances[row], sampleCount: largest,
            generator: generator
        ) { logLikelihood($0, row) }
        return sampleCounts.map { importanceWeightedBound(logWeights: logWeights, sampleCount: $0) }
    }
    return ImportanceWeightedBounds(sampleCounts: sampleCounts, perImage: perImage)
}
