import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
    @Suite("Adversarial game")
    struct AdversarialGameTests {
        func logSigmoid(_ z: Double) -> Double { -log(1 + exp(-z)) }

        @Test func bothLossesAreLnTwoWhenTheDiscriminatorSaysOneHalfEverywhere() {
            let zeros = Tensor<Double>(zeros: [6, 1])
            #expect(Swift.abs(discriminatorLoss(realLogits: zeros, fakeLogits: zeros).scalarValue - log(2)) < 1e-12)
            #expect(Swift.abs(generatorLoss(fakeLogits: zeros).scalarValue - log(2)) < 1e-12)
        }

        @Test func theLossesMatchTheirFormulasWrittenOut() {
            let real: [Double] = [2, -1, 0.5], fake: [Double] = [-3, 1.5, 0.25]
            let s = 0.1
            let realTerm = real.map { (1 - s) * logSigmoid($0) + s * logSigmoid(-$0) }.reduce(0, +) / 3
            let fakeTerm = fake.map { logSigmoid(-$0) }.reduce(0, +) / 3
            let loss = discriminatorLoss(realLogits: Tensor(shape: [3, 1], scalars: real),
                                         fakeLogits: Tensor(shape: [3, 1], scalars: fake), smoothing: s)
            #expect(Swift.abs(loss.scalarValue - (-0.5 * (realTerm + fakeTerm))) < 1e-12)
            let generator = generatorLoss(fakeLogits: Tensor(shape: [3, 1], scalars: fake))
            #expect(Swift.abs(generator.scalarValue - (-fake.map(logSigmoid).reduce(0, +) / 3)) < 1e-12)
        }

        /// A ReLU perceptron 3 → 5 → 4 → 1 in Double and 7 inputs.
        func discriminatorAndInputs() -> (Sequential<Double>, Tensor<Double>) {
            let generator = SeededGenerator(seed: 3)
            return (.perceptron(sizes: [3, 5, 4, 1], generator: generator),
                    Tensor(randomNormal: [7, 3], generator: generator))
        }

        @Test(arguments: [3, 2, 1])
        func thePenaltyIsTheMeanSquaredInputGradientByFiniteDifferences(firstColumns: Int) {
            let (discriminator, input) = discriminatorAndInputs()
            let step = 1e-6
            var total = 0.0
            withoutGradients {
                for row in input.rowArrays {
                    var squaredNorm = 0.0
                    for column in 0..<firstColumns {
                        var plus = row, minus = row
                        plus[column] += step
                        minus[column] -= step
                        let difference = discriminator(Tensor([plus])).scalarValue
                            - discriminator(Tensor([minus])).scalarValue
                        squaredNorm += pow(difference / (2 * step), 2)
                    }
                    total += squaredNorm
                }
            }
            let penalty = meanSquaredInputGradient(discriminator, at: input,
                                                   firstColumns: firstColumns).scalarValue
            #expect(Swift.abs(penalty - total / 7) < 1e-6 * max(1, penalty))
            if firstColumns == 3 {
                #expect(meanSquaredInputGradient(discriminator, at: input).scalarValue == penalty)
            }
        }

        @Test func minibatchFeaturesAreTheRowTheMeanAndTheLeaveOneOutLogDensities() {
            let rows = Tensor<Double>(randomNormal: [6, 2], generator: SeededGenerator(seed: 5))
            let bandwidths = [0.5, 1.5]
            let features = minibatchFeatures(rows, bandwidths: bandwidths)
            #expect(features.shape == [6, 6])
            let z = rows.rowArrays
            let mean = (0..<2).map { column in z.map { $0[column] }.reduce(0, +) / 6 }
            for (i, row) in features.rowArrays.enumerated() {
                var expected = z[i] + mean
                for h in bandwidths {
                    let kernels = z.indices.filter { $0 != i }.map { j in
                        exp(-(pow(z[i][0] - z[j][0], 2) + pow(z[i][1] - z[j][1], 2)) / (2 * h * h))
                    }
                    expected.append(log(kernels.reduce(0, +) / 5 + 1e-3))
                }
                #expect(maximumDifference(row, expected) < 1e-12)
            }
            let lone = minibatchFeatures(Tensor<Double>([[1, 2]]), bandwidths: [1]).scalars
            #expect(lone == [1, 2, 1, 2, log(1e-3)])
        }

        @Test func minibatchFeaturesPassGradientsToEveryRow() {
            let generator = SeededGenerator(seed: 6)
            let rows = Tensor<Double>(randomNormal: [5, 2], generator: generator)
            let weights = Tensor<Double>(randomNormal: [5, 7], generator: generator)
            expectGradientsMatch("minibatch features", [("rows", rows)]) {
                (minibatchFeatures(rows, bandwidths: [0.4, 1, 2]) * weights).sum()
            }
        }

        @Test func thePenaltysGradientReachesEveryWeight() {
            let (discriminator, input) = discriminatorAndInputs()
            expectGradientsMatch("R1 penalty", discriminator.namedParameters) {
                meanSquaredInputGradient(discriminator, at: input)
            }
            // The biases shift the masks only, so their gradient is 0 away from a kink.
            meanSquaredInputGradient(discriminator, at: input).backward()
            #expect(discriminator.namedParameters.filter { $0.name.hasSuffix("bias") }
                .allSatisfy { $0.tensor.gradientOrZeros.scalars.allSatisfy { $0 == 0 } })
            #expect(discriminator.namedParameters.filter { $0.name.hasSuffix("weight") }
                .allSatisfy { $0.tensor.gradientOrZeros.scalars.contains { $0 != 0 } })
        }

        @Test func accuracyCountsRealAboveZeroAndFakeAtOrBelow() {
            let real = Tensor<Float>(shape: [4, 1], scalars: [1, 2, -1, 0])   // 2 of 4 right
            let fake = Tensor<Float>(shape: [2, 1], scalars: [0, -5])          // 2 of 2 right
            #expect(discriminatorAccuracy(realLogits: real, fakeLogits: fake) == 0.75)
        }
    }
}
