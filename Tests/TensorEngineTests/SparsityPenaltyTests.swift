import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
    /// The sparse chapter's penalty β Σ_j KL(ρ ‖ ρ̂_j), with ρ̂_j the mean activation of unit j.
    @Suite("Sparsity penalty")
    struct SparsityPenaltyTests {
        @Test func zeroAtTheTargetAndPositiveElsewhere() {
            let rho = 0.2
            #expect(Swift.abs(bernoulliKLDivergence(target: rho, meanActivation: Tensor<Double>(repeating: rho, shape: [5])).scalarValue) < 1e-15)
            for value in [0.001, 0.05, 0.19, 0.21, 0.5, 0.9, 0.999] {
                #expect(bernoulliKLDivergence(target: rho, meanActivation: Tensor<Double>(repeating: value, shape: [3])).scalarValue > 0, "ρ̂ = \(value)")
            }
            // KL(0.2 ‖ 0.5) = 0.2 log 0.4 + 0.8 log 1.6, summed over 2 units.
            let expected = 2 * (0.2 * Foundation.log(0.4) + 0.8 * Foundation.log(1.6))
            #expect(Swift.abs(bernoulliKLDivergence(target: rho, meanActivation: Tensor<Double>(repeating: 0.5, shape: [2])).scalarValue - expected) < 1e-12)
        }

        @Test func gradientThroughTheMeanActivation() {
            // ρ̂ = mean over the batch of σ(x Wᵀ + b): the gradient reaches W and b through ρ̂.
            let generator = SeededGenerator(seed: 11)
            let inputs = Tensor<Double>(randomNormal: [6, 4], generator: generator)
            let layer = Linear<Double>(inputSize: 4, outputSize: 3, generator: generator)
            let report = checkGradients(of: {
                let meanActivation = sigmoid(layer(inputs)).mean(alongAxis: 0)
                return 3 * bernoulliKLDivergence(target: 0.05, meanActivation: meanActivation)
            }, withRespectTo: [("weight", layer.weight), ("bias", layer.bias)])
            #expect(report.maximumRelativeError < 1e-6, "\(report)")
        }
    }
}
