import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
@Suite("Shapes, broadcasting values, empty tensors, non-finite values")
struct ShapeTests {
    @Test("a shape mismatch stops, naming the operation and both shapes")
    func shapeMismatchStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let a = Tensor<Float>(zeros: [2, 3]), b = Tensor<Float>(zeros: [4])
            _ = a + b
        }
        if let result {
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("add"), "stderr: \(message)")
            #expect(message.contains("[2, 3]") && message.contains("[4]"), "stderr: \(message)")
        }
    }

    @Test("other mismatches stop too: −, matmul inner extents, column of the wrong height")
    func otherMismatchesStop() async {
        await #expect(processExitsWith: .failure) {
            _ = Tensor<Double>(zeros: [2, 3]) - Tensor<Double>(zeros: [3, 1])
        }
        await #expect(processExitsWith: .failure) {
            _ = matmul(Tensor<Float>(zeros: [2, 3]), Tensor<Float>(zeros: [2, 3]))
        }
        await #expect(processExitsWith: .failure) {
            _ = meanSquaredError(predicted: Tensor<Float>(zeros: [2, 3]), expected: Tensor<Float>(zeros: [3, 2]))
        }
    }

    @Test("broadcast forward values are exact")
    func broadcastValues() {
        let m = Tensor<Float>([[1, 2, 3], [4, 5, 6]])
        #expect((m + Tensor<Float>(shape: [3], scalars: [10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((Tensor<Float>(shape: [1, 3], scalars: [10, 20, 30]) - m).scalars == [9, 18, 27, 6, 15, 24])
        #expect((m * Tensor<Float>(shape: [2, 1], scalars: [2, -1])).scalars == [2, 4, 6, -4, -5, -6])
        #expect((Tensor<Float>(shape: [2, 1], scalars: [12, 60]) / m).scalars == [12, 6, 4, 15, 12, 10])
        #expect((m / Tensor<Float>(2)).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect((Tensor<Float>(1) - m).scalars == [0, -1, -2, -3, -4, -5])
        #expect((m - 1).scalars == [0, 1, 2, 3, 4, 5])
        #expect((m + Tensor<Float>(shape: [1], scalars: [0.5])).shape == [2, 3])
        // A [4] row broadcast against [1, 4] gives a [1, 4] matrix.
        #expect((Tensor<Float>(shape: [4], scalars: [1, 2, 3, 4]) + Tensor<Float>(shape: [1, 4], scalars: [1, 1, 1, 1])).shape == [1, 4])
        // Long rows (more than one SIMD vector plus a partial one).
        let wide = Tensor<Double>(shape: [2, 37], scalars: (0..<74).map(Double.init))
        let row = Tensor<Double>(shape: [37], scalars: (0..<37).map { Double($0) * 100 })
        let expectedWide: [Double] = (0..<74).map { (index: Int) -> Double in Double(index) + Double(index % 37) * 100 }
        #expect((wide + row).scalars == expectedWide)
    }

    @Test("reductions, softmax rows sum to 1, indexing values")
    func reductionValues() {
        let m = Tensor<Double>([[1, 5, 3], [4, 2, 6]])
        #expect(m.sum().scalarValue == 21)
        #expect(m.mean().scalarValue == 3.5)
        #expect(m.max().scalarValue == 6)
        #expect(m.sum(alongAxis: 0).shape == [1, 3] && m.sum(alongAxis: 0).scalars == [5, 7, 9])
        #expect(m.sum(alongAxis: 1).shape == [2, 1] && m.sum(alongAxis: 1).scalars == [9, 12])
        #expect(m.mean(alongAxis: 1).scalars == [3, 4])
        #expect(m.max(alongAxis: 0).scalars == [4, 5, 6])
        #expect(m.max(alongAxis: 1).scalars == [5, 6])
        #expect(m.argmaxAlongRows() == [1, 2])

        let logits = Tensor<Float>(randomNormal: [7, 33], standardDeviation: 5, generator: SeededGenerator(seed: 1))
        let probabilities = softmax(logits)
        for total in probabilities.sum(alongAxis: 1).scalars { #expect(Swift.abs(total - 1) < 1e-6) }
        #expect(probabilities.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // log-softmax agrees with log of softmax; huge logits do not overflow.
        #expect(maximumDifference(logSoftmax(logits).scalars, log(probabilities).scalars) < 1e-4)
        let huge = softmax(Tensor<Float>([[1000, 1000], [-1000, 0]]))
        #expect(huge.scalars == [0.5, 0.5, 0, 1])

        #expect(m.gatheringRows([1, 1, 0]).scalars == [4, 2, 6, 4, 2, 6, 1, 5, 3])
        #expect(m.rows(1..<2).scalars == [4, 2, 6])
        let pieces = m.split(widths: [1, 2])
        #expect(pieces[0].scalars == [1, 4] && pieces[1].scalars == [5, 3, 2, 6])
        #expect(concatenateColumns(pieces).scalars == m.scalars)
        #expect(m.reshaped(to: [3, 2]).rowArrays == [[1, 5], [3, 4], [2, 6]])
    }

    @Test("matmul with each combination of transposes agrees with a naive triple loop",
          arguments: [false, true], [false, true])
    func matmulAgainstLoops(_ transposeA: Bool, _ transposeB: Bool) {
        let (m, k, n) = (5, 7, 19)
        let a = uniform(transposeA ? [k, m] : [m, k], -1, 1, seed: 1)
        let b = uniform(transposeB ? [n, k] : [k, n], -1, 1, seed: 2)
        let product = matmul(a, b, transposeA: transposeA, transposeB: transposeB)
        #expect(product.shape == [m, n])
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k {
                    total += (transposeA ? a[p, i] : a[i, p]) * (transposeB ? b[j, p] : b[p, j])
                }
                #expect(Swift.abs(product[i, j] - total) < 1e-13)
            }
        }
        // Float through sgemm, the same check to Float precision.
        let af = Tensor<Float>(shape: a.shape, scalars: a.scalars.map(Float.init))
        let bf = Tensor<Float>(shape: b.shape, scalars: b.scalars.map(Float.init))
        let pf = matmul(af, bf, transposeA: transposeA, transposeB: transposeB)
        #expect(maximumDifference(pf.scalars.map(Double.init), product.scalars) < 1e-5)
    }

    @Test("linear equals x Wᵀ + b followed by the activation")
    func linearValues() {
        let x = uniform([3, 4], -1, 1, seed: 3), w = uniform([2, 4], -1, 1, seed: 4), b = uniform([2], -1, 1, seed: 5)
        let reference = matmul(x, w, transposeB: true) + b
        #expect(maximumDifference(linear(x, weight: w, bias: b).scalars, reference.scalars) < 1e-14)
        #expect(maximumDifference(linear(x, weight: w, bias: b, activation: .tanh).scalars, tanh(reference).scalars) < 1e-14)
        #expect(maximumDifference(linear(x, weight: w, bias: nil, activation: .relu).scalars,
                                  relu(matmul(x, w, transposeB: true)).scalars) < 1e-14)
    }

    @Test("empty tensors: shape [0, 3] exists and sums to 0")
    func emptyTensors() {
        let empty = Tensor<Float>(zeros: [0, 3])
        #expect(empty.shape == [0, 3])
        #expect(empty.count == 0)
        #expect(empty.scalars.isEmpty)
        #expect(empty.sum().scalarValue == 0)
        #expect(empty.sum(alongAxis: 0).scalars == [0, 0, 0])
        #expect(empty.isFinite)
        #expect(exp(empty).shape == [0, 3])
        #expect((empty + Tensor<Float>(shape: [3], scalars: [1, 2, 3])).shape == [0, 3])
        #expect(Tensor<Float>(shape: [0], scalars: []).count == 0)
    }

    @Test("the mean of an empty tensor stops")
    func emptyMeanStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [0, 3]).mean()
        }
        if let result {
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("mean"), "stderr: \(message)")
        }
        await #expect(processExitsWith: .failure) { _ = Tensor<Float>(zeros: [0]).max() }
    }

    @Test("isFinite is false with a NaN or ±∞ at any position, including the partial last vector",
          arguments: [1, 15, 16, 17, 19, 33, 64])
    func nonFiniteDetection(_ count: Int) {
        let finite = Tensor<Float>(shape: [count], scalars: (0..<count).map { Float($0) * 1e30 - 3e31 })
        #expect(finite.isFinite)
        for bad in [Float.nan, .infinity, -.infinity] {
            for position in 0..<count {
                var values = finite.scalars
                values[position] = bad
                #expect(!Tensor<Float>(shape: [count], scalars: values).isFinite, "\(bad) at \(position) of \(count)")
                var doubles = values.map(Double.init)
                doubles[position] = Double(bad)
                #expect(!Tensor<Double>(shape: [count], scalars: doubles).isFinite, "Double \(bad) at \(position) of \(count)")
            }
        }
        // Float.greatestFiniteMagnitude is finite: x − x must not overflow.
        #expect(Tensor<Float>(repeating: .greatestFiniteMagnitude, shape: [count]).isFinite)
    }

    @Test("a row view of a larger tensor sees only its rows")
    func rowViewIsolation() {
        let m = Tensor<Float>(shape: [4, 17], scalars: (0..<68).map(Float.init))
        var values = m.scalars
        values[3 * 17 + 5] = .nan
        let withNaN = Tensor<Float>(shape: [4, 17], scalars: values)
        #expect(withNaN.rows(0..<3).isFinite)
        #expect(!withNaN.rows(2..<4).isFinite)
        let expectedSum: Float = (17..<51).reduce(0) { (total: Float, index: Int) in total + Float(index) }
        #expect(withNaN.rows(1..<3).sum().scalarValue == expectedSum)
    }
}
}
