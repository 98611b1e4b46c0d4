import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
    @Suite("Binarisation")
    struct BinarisationTests {
        @Test func binarisedKeepsBlackAndWhiteAndMatchesGreyLevelsOnAverage() {
            let grey: [Float] = [0, 1, 0.25, 0.5, 0.9]
            let rows = 4000
            let images = Tensor(shape: [rows, grey.count], scalars: Array(repeatElement(grey, count: rows).joined()))
            let bits = binarised(images, generator: SeededGenerator(seed: 4))
            #expect(bits.shape == images.shape)
            #expect(bits.scalars.allSatisfy { $0 == 0 || $0 == 1 })
            let frequencies = bits.mean(alongAxis: 0).scalars
            #expect(frequencies[0] == 0 && frequencies[1] == 1)
            // Binomial standard error at p = 0.5 over 4000 draws is 0.008: allow four of them.
            #expect(maximumDifference(frequencies, grey) < 0.032, "\(frequencies)")
            // A second call draws new coins.
            let again = binarised(images, generator: SeededGenerator(seed: 5))
            #expect(again.scalars != bits.scalars)
        }

        @Test func binaryEntropyByHand() {
            // h(0) = h(1) = 0, h(½) = log 2, h(0.1) = −0.1 log 0.1 − 0.9 log 0.9; summed per row.
            let images = Tensor<Float>([[0, 1, 0.5], [0.1, 0.5, 0.5]])
            let entropy = binaryEntropy(images)
            #expect(entropy.shape == [2, 1])
            let logTwo: Double = Foundation.log(2)
            let entropyOfTenth: Double = -0.1 * Foundation.log(0.1) - 0.9 * Foundation.log(0.9)
            let expected = [logTwo, entropyOfTenth + 2 * logTwo]
            #expect(maximumDifference(entropy.scalars.map(Double.init), expected) < 1e-5)
        }
    }
}
