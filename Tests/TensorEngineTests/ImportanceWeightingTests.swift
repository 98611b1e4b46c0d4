import Foundation
import Testing
@testable import TensorEngine

/// A linear-Gaussian model whose log p(x) and posterior are known in closed form: p(z) = N(0, I₂),
/// p(x | z) = N(W z + b, s² I₃) with W's columns orthogonal, so the true posterior is diagonal.
private struct LinearGaussianModel {
    let weights: [[Double]] = [[1, 0], [0, 2], [0, 0]]  // [3, 2], orthogonal columns
    let bias: [Double] = [0.5, -1, 0.25]
    let noiseVariance = 0.25
    let image: [Double] = [1.2, 0.3, -0.4]

    /// log N(x; b, W Wᵀ + s² I): W Wᵀ is diagonal here.
    var exactLogLikelihood: Double {
        (0..<3).reduce(0) { total, i in
            let variance = weights[i].reduce(0) { $0 + $1 * $1 } + noiseVariance
            let residual = image[i] - bias[i]
            return total - 0.5 * (log(2 * Double.pi * variance) + residual * residual / variance)
        }
    }

    /// The true posterior N(μ, diag σ²): σⱼ² = 1 / (1 + ‖wⱼ‖² / s²), μⱼ = σⱼ² wⱼ·(x − b) / s².
    var posterior: (mean: [Float], logVariance: [Float]) {
        let parts = (0..<2).map { j -> (Float, Float) in
            let column = (0..<3).map { weights[$0][j] }
            let variance = 1 / (1 + column.reduce(0) { $0 + $1 * $1 } / noiseVariance)
            let projection = (0..<3).reduce(0) { $0 + column[$1] * (image[$1] - bias[$1]) }
            return (Float(variance * projection / noiseVariance), Float(log(variance)))
        }
        return (parts.map(\.0), parts.map(\.1))
    }

    /// log p(x | z) for each row of `codes` [K, 2].
    func logLikelihood(_ codes: Tensor<Float>) -> Tensor<Float> {
        let values = codes.rowArrays.map { z -> Float in
            let total = (0..<3).reduce(0.0) { total, i in
                let predicted = weights[i][0] * Double(z[0]) + weights[i][1] * Double(z[1]) + bias[i]
                let residual = image[i] - predicted
                return total - 0.5 * (log(2 * Double.pi * noiseVariance) + residual * residual / noiseVariance)
            }
            return Float(total)
        }
        return Tensor(shape: [values.count], scalars: values)
    }

    /// The ELBO of a diagonal Gaussian q = N(μ, diag σ²) in closed form: E_q[log p(x|z)] − KL(q ‖ p).
    func evidenceLowerBound(mean: [Double], variance: [Double]) -> Double {
        let expected = (0..<3).reduce(0.0) { total, i in
            let predicted = weights[i][0] * mean[0] + weights[i][1] * mean[1] + bias[i]
            let spread: Double = weights[i][0] * weights[i][0] * variance[0] + weights[i][1] * weights[i][1] * variance[1]
            let squared = (image[i] - predicted) * (image[i] - predicted) + spread
            return total - 0.5 * (log(2 * Double.pi * noiseVariance) + squared / noiseVariance)
        }
        let divergence = (0..<2).reduce(0.0) { total, j -> Double in
            let logVariance: Double = Foundation.log(variance[j])
            return total + 0.5 * (variance[j] + mean[j] * mean[j] - 1 - logVariance)
        }
        return expected - divergence
    }
}

extension TensorEngineTests {
    @Suite("Importance-weighted bounds")
    struct ImportanceWeightingTests {
        @Test func logMeanExpIsStable() {
            #expect(logMeanExp([1000, 1000]) == 1000)
            #expect(Swift.abs(logMeanExp([0, log(3)]) - log(2)) < 1e-12)
            #expect(Swift.abs(logMeanExp([-1000, -1000 + log(3)]) - (-1000 + log(2))) < 1e-9)
            #expect(logMeanExp([]) == -.infinity)
        }

        @Test func blockedBoundsRiseWithNestedBlockSizes() {
            // Over one fixed sample set, log of a block mean ≥ mean of the logs of its sub-blocks'
            // means (concavity of log), so the blocked estimate cannot fall from k to a multiple of k.
            let generator = SeededGenerator(seed: 3)
            let logWeights = (0..<1000).map { _ in 3 * generator.nextNormal() }
            let bounds = [1, 10, 100, 1000].map { importanceWeightedBound(logWeights: logWeights, sampleCount: $0) }
            #expect(Swift.abs(bounds[0] - logWeights.reduce(0, +) / 1000) < 1e-9)  // L_1 is the mean log weight
            #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 })
            #expect(bounds[3] == logMeanExp(logWeights[...]))
            // Constant weights: every k gives the same value.
            #expect(importanceWeightedBound(logWeights: [2, 2, 2, 2, 2], sampleCount: 2) == 2)
        }

        @Test func exactPosteriorGivesExactLogLikelihoodForEveryK() {
            // With q equal to the true posterior, every weight p(x, z) / q(z | x) equals p(x).
            let model = LinearGaussianModel()
            let (mean, logVariance) = model.posterior
            let logWeights = importanceLogWeights(mean: mean, logVariance: logVariance, sampleCount: 200,
                                                  generator: SeededGenerator(seed: 1), logLikelihood: model.logLikelihood)
            let exact = model.exactLogLikelihood
            #expect(logWeights.allSatisfy { Swift.abs($0 - exact) < 1e-4 }, "\(logWeights.prefix(4)) vs \(exact)")
        }

        @Test func oneSampleBoundIsTheELBOAndLargeKApproachesLogLikelihood() {
            // A q that is off: the mean shifted by about a third of a standard deviation and the
            // variance 1.5 times too large (wider than the posterior, so the weights stay tame).
            let model = LinearGaussianModel()
            let exact = model.posterior
            let mean = zip(exact.mean, [0.1, 0.05]).map { Double($0) + $1 }
            let variance = exact.logVariance.map { 1.5 * exp(Double($0)) }
            let logWeights = importanceLogWeights(
                mean: mean.map(Float.init), logVariance: variance.map { Float(log($0)) }, sampleCount: 40_000,
                generator: SeededGenerator(seed: 7), logLikelihood: model.logLikelihood)
            // E[L_1] = ELBO: the mean log weight within four standard errors of the closed form.
            let average = logWeights.reduce(0, +) / Double(logWeights.count)
            let spread = (logWeights.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(logWeights.count)).squareRoot()
            let elbo = model.evidenceLowerBound(mean: mean, variance: variance)
            #expect(Swift.abs(average - elbo) < 4 * spread / Double(logWeights.count).squareRoot(), "\(average) vs \(elbo)")
            #expect(elbo < model.exactLogLikelihood - 0.05)  // the bound is visibly loose for this q
            // L_k rises with k and approaches log p(x) from below.
            let bounds = [1, 10, 100, 1000, 10_000].map { importanceWeightedBound(logWeights: logWeights, sampleCount: $0) }
            #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "\(bounds)")
            #expect(Swift.abs(bounds[4] - model.exactLogLikelihood) < 0.01, "\(bounds) vs \(model.exactLogLikelihood)")
        }

        @Test func bernoulliModelMatchesQuadrature() throws {
            // One latent unit, six binary pixels with logits aᵢ z + cᵢ: log p(x) by the trapezoid rule.
            // q is close to the true posterior (mean 1.31, variance 0.38), 1.5 times wider.
            let slopes: [Float] = [2, -1.5, 0.5, 3, -2.5, 1], offsets: [Float] = [0.3, -0.2, 1, -1, 0.5, 0]
            let pixels: [Float] = [1, 0, 1, 1, 0, 1]
            func logJoint(_ z: Double) -> Double {
                var total = -0.5 * (log(2 * Double.pi) + z * z)
                for i in 0..<6 {
                    let logit = Double(slopes[i]) * z + Double(offsets[i])
                    total += Double(pixels[i]) * logit - log1p(exp(logit))
                }
                return total
            }
            let step = 0.001, points = (-12_000...12_000).map { Double($0) * step }
            let densities = points.map { exp(logJoint($0)) }
            let integral = step * (densities.reduce(0, +) - 0.5 * (densities.first! + densities.last!))
            let quadrature = log(integral)
            let bounds = importanceWeightedBounds(
                mean: Tensor(shape: [1, 1], scalars: [1.3]), logVariance: Tensor(shape: [1, 1], scalars: [log(0.57)]),
                sampleCounts: [1, 100, 20_000], generator: SeededGenerator(seed: 11)
            ) { codes, row in
                #expect(row == 0)
                let logits = matmul(codes, Tensor(shape: [1, 6], scalars: slopes)) + Tensor(shape: [1, 6], scalars: offsets)
                let images = Tensor(shape: [codes.rowCount, 6], scalars: Array(repeatElement(pixels, count: codes.rowCount).joined()))
                return -sigmoidCrossEntropy(logits: logits, labels: images, reduction: .none).sum(alongAxis: 1)
            }
            let means = bounds.means
            #expect(means[0] < means[1] && means[1] < means[2])
            #expect(Swift.abs(means[2] - quadrature) < 0.005, "\(means) vs quadrature \(quadrature)")
            #expect(means[0] < quadrature - 0.05)
        }

        @Test func boundsKeepEachImageApart() {
            // Two images of the linear-Gaussian model with their exact posteriors: each row gets its own value.
            let first = LinearGaussianModel()
            let posterior = first.posterior
            let mean = Tensor(shape: [2, 2], scalars: posterior.mean + posterior.mean)
            let logVariance = Tensor(shape: [2, 2], scalars: posterior.logVariance + posterior.logVariance)
            let bounds = importanceWeightedBounds(mean: mean, logVariance: logVariance, sampleCounts: [5, 1],
                                                  generator: SeededGenerator(seed: 2)) { codes, row in
                row == 0 ? first.logLikelihood(codes) : first.logLikelihood(codes) - 10
            }
            #expect(bounds.sampleCounts == [5, 1] && bounds.perImage.count == 2)
            #expect(Swift.abs(bounds.perImage[0][0] - first.exactLogLikelihood) < 1e-4)
            // Row 1's likelihood is e⁻¹⁰ times row 0's for every code: its bound is 10 nats lower.
            #expect(Swift.abs(bounds.perImage[1][1] - (first.exactLogLikelihood - 10)) < 1e-4)
            #expect(Swift.abs(bounds.means[0] - (bounds.perImage[0][0] + bounds.perImage[1][0]) / 2) < 1e-12)
        }
    }
}
