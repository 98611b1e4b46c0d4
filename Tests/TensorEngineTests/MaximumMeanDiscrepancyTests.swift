import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
    @Suite("Maximum mean discrepancy")
    struct MaximumMeanDiscrepancyTests {
        /// Rows of Gaussian noise, shifted by `shift` in every column.
        func sample(_ rows: Int, _ columns: Int, shift: Float = 0, seed: UInt64) -> Tensor<Float> {
            Tensor<Float>(randomNormal: [rows, columns], generator: SeededGenerator(seed: seed)) + shift
        }

        /// The estimator written out pair by pair in Double, without the matrix-product identity.
        func directSquaredMMD(_ x: [[Float]], _ y: [[Float]], bandwidth: Double) -> Double {
            func meanKernel(_ a: [[Float]], _ b: [[Float]]) -> Double {
                var total = 0.0
                for u in a {
                    for v in b {
                        let distance = zip(u, v).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
                        total += exp(-distance / (2 * bandwidth * bandwidth))
                    }
                }
                return total / Double(a.count * b.count)
            }
            return meanKernel(x, x) + meanKernel(y, y) - 2 * meanKernel(x, y)
        }

        @Test func pairwiseSquaredDistancesMatchTheDefinition() {
            let a = sample(7, 3, seed: 1), b = sample(5, 3, shift: 2, seed: 2)
            let distances = pairwiseSquaredDistances(a, b)
            #expect(distances.shape == [7, 5])
            let (rowsA, rowsB) = (a.rowArrays, b.rowArrays)
            var direct: [Float] = []
            for u in rowsA { for v in rowsB { direct.append(zip(u, v).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }) } }
            #expect(maximumDifference(distances.scalars, direct) < 1e-4)
            // Far from the origin, ‖a‖² + ‖a‖² − 2 a·a rounds in Float to a small value of either sign
            // (multiples of ~0.25 here): the negative ones are clamped, so none is below 0 and some of
            // the diagonal is exactly 0.
            let far = sample(20, 3, shift: 1000, seed: 0)
            let own = pairwiseSquaredDistances(far, far).scalars
            #expect(own.allSatisfy { $0 >= 0 } && (0..<20).contains { own[$0 * 20 + $0] == 0 })
        }

        @Test func zeroForTheSameSampleAndSymmetric() {
            let x = sample(50, 2, seed: 3), y = sample(40, 2, shift: 1, seed: 4)
            #expect(squaredMaximumMeanDiscrepancy(x, x, bandwidth: 1.3) == 0)
            let forward = squaredMaximumMeanDiscrepancy(x, y, bandwidth: 1.3)
            let backward = squaredMaximumMeanDiscrepancy(y, x, bandwidth: 1.3)
            #expect(Swift.abs(forward - backward) < 1e-12)
            #expect(forward > 0)
        }

        @Test func twoPointsAgainstOneByHand() {
            // x = {(0, 0), (1, 0)}, y = {(0, 1)}, σ = 1. Squared distances: within x 0, 1, 1, 0; within y 0;
            // across 1 and 2. MMD² = (2 + 2e^{-1/2})/4 + 1 − 2 (e^{-1/2} + e^{-1})/2 = 1.5 − e^{-1/2}/2 − e^{-1}.
            let x = Tensor<Float>([[0, 0], [1, 0]]), y = Tensor<Float>([[0, 1]])
            let expected = 1.5 - exp(-0.5) / 2 - exp(-1.0)
            #expect(Swift.abs(squaredMaximumMeanDiscrepancy(x, y, bandwidth: 1) - expected) < 1e-7)
        }

        @Test func agreesWithThePairByPairFormulaAndGrowsWithTheShift() {
            let x = sample(60, 3, seed: 5)
            var previous = 0.0
            for shift: Float in [0.25, 0.5, 1, 2] {
                let y = sample(70, 3, shift: shift, seed: 6)
                let value = squaredMaximumMeanDiscrepancy(x, y, bandwidth: 1.7)
                #expect(Swift.abs(value - directSquaredMMD(x.rowArrays, y.rowArrays, bandwidth: 1.7)) < 1e-6)
                #expect(value > previous, "shift \(shift)")
                previous = value
            }
        }

        @Test func medianHeuristicByHand() {
            // Points 0, 1, 3 on a line: distances 1, 3, 2 → median 2.
            #expect(medianHeuristicBandwidth(Tensor<Float>([[0], [1], [3]])) == 2)
            // Points 0, 1, 3, 7: distances 1, 3, 7, 2, 6, 4 → the middle two 3 and 4 → 3.5.
            #expect(medianHeuristicBandwidth(Tensor<Float>([[0], [1], [3], [7]])) == 3.5)
            // In 2-D: a 3-4-5 triangle → distances 3, 4, 5 → 4.
            #expect(Swift.abs(medianHeuristicBandwidth(Tensor<Float>([[0, 0], [3, 0], [0, 4]])) - 4) < 1e-6)
        }

        @Test("a bandwidth that is not positive, or an empty sample, stops with a message")
        func badArguments() async {
            await #expect(processExitsWith: .failure) {
                _ = squaredMaximumMeanDiscrepancy(Tensor<Float>([[0]]), Tensor<Float>([[1]]), bandwidth: 0)
            }
            await #expect(processExitsWith: .failure) {
                _ = medianHeuristicBandwidth(Tensor<Float>([[0, 0]]))
            }
        }
    }
}
