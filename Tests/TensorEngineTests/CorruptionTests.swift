import Testing
@testable import TensorEngine

@Suite("Input corruptions")
struct CorruptionTests {
    /// 10 000 pixels spread over [0, 1].
    let clean = Tensor<Float>(shape: [100, 100],
                              scalars: (0..<10_000).map { Float($0 % 101) / 100 })

    @Test func gaussianNoiseStaysInThePixelRangeAndHasTheRequestedSpread() {
        let noisy = gaussianCorruption(clean, standardDeviation: 0.1, generator: SeededGenerator(seed: 1))
        #expect(noisy.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // Away from the clipped edges the noise is unclipped: its spread is σ.
        let middle = zip(noisy.scalars, clean.scalars).filter { $0.1 > 0.4 && $0.1 < 0.6 }
        let differences = middle.map { Double($0.0 - $0.1) }
        let variance = differences.map { $0 * $0 }.reduce(0, +) / Double(differences.count)
        #expect(Swift.abs(variance.squareRoot() - 0.1) < 0.01)
        let unchanged = gaussianCorruption(clean, standardDeviation: 0, generator: SeededGenerator(seed: 1))
        #expect(unchanged.scalars == clean.scalars)
    }

    @Test func maskingZeroesAboutTheFractionAndKeepsTheRest() {
        let masked = maskingCorruption(clean, fraction: 0.3, generator: SeededGenerator(seed: 2))
        var zeroed = 0
        for (value, original) in zip(masked.scalars, clean.scalars) where original > 0 {
            #expect(value == 0 || value == original)
            if value == 0 { zeroed += 1 }
        }
        let fraction = Double(zeroed) / Double(clean.scalars.filter { $0 > 0 }.count)
        #expect(Swift.abs(fraction - 0.3) < 0.02)
    }

    @Test func corruptionDispatchesToItsKindAndRepeatsWithTheSeed() {
        for kind in NoiseKind.allCases {
            let corruption = Corruption(kind: kind, level: 0.3)
            let first = corruption(clean, generator: SeededGenerator(seed: 3))
            let again = corruption(clean, generator: SeededGenerator(seed: 3))
            let direct = kind == .gaussian
                ? gaussianCorruption(clean, standardDeviation: 0.3, generator: SeededGenerator(seed: 3))
                : maskingCorruption(clean, fraction: Double(Float(0.3)),
                                    generator: SeededGenerator(seed: 3))
            #expect(first.scalars == again.scalars)
            #expect(first.scalars == direct.scalars)
            #expect(first.scalars != clean.scalars)
        }
        #expect(Corruption(kind: .gaussian, level: 0.5).name == "Gaussian noise, σ = 0.5")
        #expect(Corruption(kind: .masking, level: 0.25).name == "masking noise, fraction 0.25")
    }
}
