import Foundation
import KernelCore
import Testing
@testable import TensorEngine

/// A Float buffer filled by `fill` from a fresh generator with `seed`.
private func filled(_ count: Int, seed: UInt64 = 7,
                    _ fill: (SeededGenerator, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
    var values = [Float](repeating: .nan, count: count)
    values.withUnsafeMutableBufferPointer { fill(SeededGenerator(seed: seed), $0.baseAddress!, count) }
    return values
}

/// The same for Double.
private func filledDouble(_ count: Int, seed: UInt64 = 7,
                          _ fill: (SeededGenerator, UnsafeMutablePointer<Double>, Int) -> Void) -> [Double] {
    var values = [Double](repeating: .nan, count: count)
    values.withUnsafeMutableBufferPointer { fill(SeededGenerator(seed: seed), $0.baseAddress!, count) }
    return values
}

/// The largest gap between the empirical CDF of `samples` and `cdf` (the Kolmogorov–Smirnov D).
private func kolmogorovSmirnovDistance(_ samples: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = samples.sorted(), n = Double(samples.count)
    var distance = 0.0
    for (index, value) in sorted.enumerated() {
        let expected = cdf(value)
        distance = Swift.max(distance, Swift.abs(Double(index + 1) / n - expected), Swift.abs(expected - Double(index) / n))
    }
    return distance
}

/// Φ(x), the standard normal CDF.
private func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// A buffer length past the parallel threshold and not a multiple of 16 or 32, so the fills split
/// across threads and end in a partial vector.
private let largeCount = parallelThreshold * 2 + 21

extension TensorEngineTests {
    @Suite("Vectorised random fills")
    struct RandomFillTests {
        @Test("the same seed gives the same buffer, another seed another")
        func sameSeedSameBuffer() {
            let fills: [(SeededGenerator, UnsafeMutablePointer<Float>, Int) -> Void] = [
                { $0.fillUniform($1, count: $2, lower: -1, upper: 3) },
                { $0.fillNormal($1, count: $2, mean: 1, standardDeviation: 2) },
                { $0.fillBernoulli($1, count: $2, probability: 0.3, value: 5, otherwise: -1) },
            ]
            for fill in fills {
                let first = filled(1000, fill)
                #expect(first == filled(1000, fill))
                #expect(first != filled(1000, seed: 8, fill))
                #expect(first.allSatisfy { $0.isFinite })
            }
        }

        @Test("results do not depend on the thread count")
        func threadCountIndependence() {
            func all() -> [[Float]] {
                [filled(largeCount) { $0.fillUniform($1, count: $2) },
                 filled(largeCount) { $0.fillNormal($1, count: $2) },
                 filled(largeCount) { $0.fillBernoulli($1, count: $2, probability: 0.6, value: 1, otherwise: 0) }]
            }
            setThreadCount(1)
            let single = all()
            setThreadCount(2)
            defer { setThreadCount(1) }
            #expect(chunkCount(largeCount) == 2)  // the fills below really split
            #expect(all() == single)
        }

        @Test("two fills of m and n elements equal one fill of m + n (uniform and Bernoulli)")
        func splitIndependence() {
            for split in [0, 5, 16, 37, 999] {
                func twoFills(_ fill: (SeededGenerator, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
                    filled(1000) { generator, buffer, count in
                        fill(generator, buffer, split)
                        fill(generator, buffer + split, count - split)
                    }
                }
                let uniform: (SeededGenerator, UnsafeMutablePointer<Float>, Int) -> Void = { $0.fillUniform($1, count: $2) }
                let coin: (SeededGenerator, UnsafeMutablePointer<Float>, Int) -> Void = {
                    $0.fillBernoulli($1, count: $2, probability: 0.5, value: 1, otherwise: 0)
                }
                #expect(twoFills(uniform) == filled(1000, uniform), "split at \(split)")
                #expect(twoFills(coin) == filled(1000, coin), "split at \(split)")
            }
        }

        @Test("the vectorised normal fill is the element-by-element Double definition, rounded")
        func normalLayoutMatchesScalarDefinition() {
            for count in [1, 15, 17, 33, 1000, largeCount] {
                let float = filled(count) { $0.fillNormal($1, count: $2) }
                let double = filledDouble(count) { $0.fillNormal($1, count: $2) }
                // Float Box–Muller: log, sin and cos within a few ulp; |x| ≤ 6.7, so 1e-5 is ~20 ulp of the largest.
                #expect(maximumDifference(float.map(Double.init), double) < 1e-5, "count \(count)")
            }
            // And the Double uniform fill is exactly what `nextUniform()` returns, scaled.
            let reference = SeededGenerator(seed: 7)
            let expected = (0..<100).map { _ in -2 + 4 * reference.nextUniform() }
            #expect(filledDouble(100) { $0.fillUniform($1, count: $2, lower: -2, upper: 2) } == expected)
        }

        @Test("after a fill of n elements the stream continues as after n calls of next()")
        func streamContinues() {
            for count in [0, 1, 31, 32, 1001] {
                let reference = SeededGenerator(seed: 11)
                for _ in 0..<count { _ = reference.next() }
                let expected = (0..<3).map { _ in reference.next() }
                var floats = [Float](repeating: 0, count: count), doubles = [Double](repeating: 0, count: count)
                let probabilities = [Float](repeating: 0.5, count: count)
                let fills: [(SeededGenerator) -> Void] = [
                    { $0.fillUniform(&floats, count: count) }, { $0.fillNormal(&floats, count: count) },
                    { $0.fillBernoulli(&floats, count: count, probability: 0.4, value: 1, otherwise: 0) },
                    { $0.fillUniform(&doubles, count: count) }, { $0.fillNormal(&doubles, count: count) },
                    { $0.fillBernoulli(&doubles, count: count, probability: 0.4, value: 1, otherwise: 0) },
                    { $0.fillBernoulli(&floats, probabilities: probabilities, count: count, value: 1, otherwise: 0) },
                ]
                for (index, fill) in fills.enumerated() {
                    let generator = SeededGenerator(seed: 11)
                    fill(generator)
                    #expect((0..<3).map { _ in generator.next() } == expected, "fill \(index), count \(count)")
                }
            }
        }

        @Test("a Bernoulli fill equals the scalar loop over nextUniform() < p, also at p = 0 and 1")
        func bernoulliMatchesScalarLoop() {
            for probability in [0, 1e-9, 0.3, 0.5, 0.9999, 1] {
                let reference = SeededGenerator(seed: 7)
                let expected = (0..<1001).map { _ in reference.nextUniform() < probability ? Float(2) : -3 }
                #expect(filled(1001) { $0.fillBernoulli($1, count: $2, probability: probability, value: 2, otherwise: -3) }
                        == expected, "p = \(probability)")
                let doubles = filledDouble(1001) {
                    $0.fillBernoulli($1, count: $2, probability: probability, value: 2, otherwise: -3)
                }
                #expect(doubles == expected.map(Double.init), "p = \(probability)")
            }
            // Masking noise and dropout draw their masks this way.
            let clean = Tensor<Float>(randomUniform: [40, 50], lower: 0.1, upper: 1, generator: SeededGenerator(seed: 1))
            let reference = SeededGenerator(seed: 2)
            let masked = clean.scalars.map { reference.nextUniform() < 0.3 ? 0 : $0 }
            #expect(maskingCorruption(clean, fraction: 0.3, generator: SeededGenerator(seed: 2)).scalars == masked)
            let dropout = Dropout<Float>(probability: 0.25, generator: SeededGenerator(seed: 2))
            let dropped = SeededGenerator(seed: 2)
            let expectedDropout = clean.scalars.map { dropped.nextUniform() < 0.75 ? $0 * Float(1 / 0.75) : 0 }
            #expect(dropout(clean).scalars == expectedDropout)
        }

        @Test("Bernoulli frequencies match p; per-element coins match the uniform fill")
        func bernoulliFrequency() {
            let count = 100_000
            for probability in [0.1, 0.3, 0.7] {
                let values = filled(count) { $0.fillBernoulli($1, count: $2, probability: probability, value: 1, otherwise: 0) }
                let frequency = Double(values.reduce(0, +)) / Double(count)
                // Binomial standard error √(p(1 − p)/n) ≤ 0.0016; a correct fill exceeds 5 of them once in ~3.5 million seeds.
                #expect(Swift.abs(frequency - probability) < 5 * (probability * (1 - probability) / Double(count)).squareRoot(),
                        "p = \(probability): \(frequency)")
            }
            let grey = (0..<count).map { Float($0 % 11) / 10 }
            let coins = filled(count) { $0.fillBernoulli($1, probabilities: grey, count: $2, value: 1, otherwise: 0) }
            let draws = filled(count) { $0.fillUniform($1, count: $2) }
            #expect(coins == zip(draws, grey).map { $0 < $1 ? 1 : 0 })
            #expect(binarised(Tensor(shape: [count], scalars: grey), generator: SeededGenerator(seed: 7)).scalars == coins)
        }

        @Test("normal samples: mean, variance, Kolmogorov–Smirnov distance, pair correlation")
        func normalMoments() {
            let count = 100_000
            let values = filled(count) { $0.fillNormal($1, count: $2, mean: 2, standardDeviation: 3) }.map { (Double($0) - 2) / 3 }
            let mean = values.reduce(0, +) / Double(count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count - 1)
            // Standard errors: 1/√n = 0.0032 for the mean, √(2/n) = 0.0045 for the variance; allow 5 of each.
            #expect(Swift.abs(mean) < 5 / Double(count).squareRoot(), "mean \(mean)")
            #expect(Swift.abs(variance - 1) < 5 * (2 / Double(count)).squareRoot(), "variance \(variance)")
            // Kolmogorov's limit law: P(√n D > 1.95) ≈ 0.001 for n samples from the CDF itself, so a
            // correct sampler fails this once in a thousand seeds; a wrong radius or angle gives D ≥ 0.01.
            let distance = kolmogorovSmirnovDistance(values, cdf: normalCDF)
            #expect(distance < 1.95 / Double(count).squareRoot(), "D = \(distance)")
            // The cosine and sine halves of a block share one draw but must be uncorrelated: the sample
            // correlation of n/2 independent pairs has standard error 1/√(n/2) ≈ 0.0045; allow 5.
            var cosines: [Double] = [], sines: [Double] = []
            for block in stride(from: 0, to: count - 31, by: 32) {
                cosines += values[block..<(block + 16)]
                sines += values[(block + 16)..<(block + 32)]
            }
            let correlation = zip(cosines, sines).map { $0 * $1 }.reduce(0, +) / Double(cosines.count)
            #expect(Swift.abs(correlation) < 5 / Double(cosines.count).squareRoot(), "correlation \(correlation)")
            // Squares too (z² − 1 has variance 2, so the product's standard error is 2/√(n/2); allow 5):
            // a radius shared badly between the halves would show here.
            let squared = zip(cosines, sines).map { ($0 * $0 - 1) * ($1 * $1 - 1) }.reduce(0, +) / Double(cosines.count)
            #expect(Swift.abs(squared) < 10 / Double(cosines.count).squareRoot(), "squared correlation \(squared)")
        }

        @Test("uniform samples: range and Kolmogorov–Smirnov distance")
        func uniformDistribution() {
            let count = 100_000
            let values = filled(count) { $0.fillUniform($1, count: $2, lower: -1, upper: 3) }
            #expect(values.allSatisfy { $0 >= -1 && $0 < 3 })
            // Same threshold as for the normal fill (1.95/√n: one failure in a thousand seeds).
            let distance = kolmogorovSmirnovDistance(values.map(Double.init)) { Swift.min(Swift.max(($0 + 1) / 4, 0), 1) }
            #expect(distance < 1.95 / Double(count).squareRoot(), "D = \(distance)")
            // A range just below a power of two, where lower + width·u can round up to `upper`.
            let narrow = filled(count) { $0.fillUniform($1, count: $2, lower: 0.5, upper: 1) }
            #expect(narrow.allSatisfy { $0 >= 0.5 && $0 < 1 })
        }
    }
}

/// The largest error of `vector` against `reference` over `inputs`, in units in the last place of the
/// Float result (the ulp of max(|exact|, `floor`), so values near a zero are measured absolutely).
private func maximumUlpError(_ inputs: [Float], floor: Double, _ vector: (FloatVector) -> FloatVector,
                            _ reference: (Double) -> Double) -> (error: Double, at: Float) {
    var worst = (error: 0.0, at: Float(0))
    for start in stride(from: 0, to: inputs.count, by: 16) {
        var lanes = FloatVector()
        for lane in 0..<16 { lanes[lane] = inputs[Swift.min(start + lane, inputs.count - 1)] }
        let result = vector(lanes)
        for lane in 0..<16 {
            let exact = reference(Double(lanes[lane]))
            let ulp = Double(Float(Swift.max(Swift.abs(exact), floor)).ulp)
            let error = Swift.abs(Double(result[lane]) - exact) / ulp
            if !(error <= worst.error) { worst = (error, lanes[lane]) }
        }
    }
    return worst
}

extension TensorEngineTests {
    @Suite("Vector sin, cos and log against Foundation")
    struct VectorMathTests {
        @Test("sin and cos within 2 ulp for |x| ≤ 1000, and where |result| ≥ 1e-3 up to 8192")
        func sineCosine() {
            // (limit, floor): relative ulp for |x| ≤ 1000 (dense near the Box–Muller range [−π, π]);
            // up to 8192 the reduction leaves an absolute error of ~1e-11, many ulp of a result near 0,
            // so there the ulp is taken of max(|exact|, 1e-3), and of max(|exact|, 1) (absolute error).
            for (limit, floor) in [(Double.pi, 0.0), (1000, 0), (8192, 1e-3), (8192, 1)] {
                let inputs = (0...200_000).map { Float(-limit + 2 * limit * Double($0) / 200_000) }
                let sine = maximumUlpError(inputs, floor: floor, { vectorSinCos($0).sin }, Foundation.sin)
                let cosine = maximumUlpError(inputs, floor: floor, { vectorSinCos($0).cos }, Foundation.cos)
                #expect(sine.error <= 2, "sin: \(sine.error) ulp at \(sine.at) (limit \(limit), floor \(floor))")
                #expect(cosine.error <= 2, "cos: \(cosine.error) ulp at \(cosine.at) (limit \(limit), floor \(floor))")
            }
        }

        @Test("log within 2 ulp over [1e-30, 1e30]")
        func logarithm() {
            let inputs = (0...200_000).map { Float(Foundation.pow(10, -30 + 60 * Double($0) / 200_000)) }
            let error = maximumUlpError(inputs, floor: 0, vectorLog, Foundation.log)
            #expect(error.error <= 2, "log: \(error.error) ulp at \(error.at)")
        }

        @Test("square root correctly rounded (within half an ulp) over [1e-30, 1e30]; 0, inf, negative and NaN")
        func squareRoot() {
            let inputs = (0...200_000).map { Float(Foundation.pow(10, -30 + 60 * Double($0) / 200_000)) }
            let error = maximumUlpError(inputs, floor: 0, vectorSquareRoot, Foundation.sqrt)
            #expect(error.error <= 0.5, "sqrt: \(error.error) ulp at \(error.at)")
            let special = vectorSquareRoot(FloatVector(0, .infinity, -1, .nan, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4))
            #expect(special[0] == 0 && special[1] == .infinity && special[2].isNaN && special[3].isNaN)
        }

        @Test("sin and cos of NaN and ±inf are NaN; exact at 0")
        func specialValues() {
            let values = vectorSinCos(FloatVector(.nan, .infinity, -.infinity, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            for lane in 0..<3 { #expect(values.sin[lane].isNaN && values.cos[lane].isNaN, "lane \(lane)") }
            #expect(values.sin[3] == 0 && values.cos[3] == 1)
        }
    }
}
