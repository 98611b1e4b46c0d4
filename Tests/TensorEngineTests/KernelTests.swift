import Foundation
import Testing
@testable import TensorEngine

/// `count` evenly spaced Float values from `lower` to `upper`.
func linearlySpaced(_ lower: Double, _ upper: Double, count: Int) -> [Float] {
    (0..<count).map { Float(lower + (upper - lower) * Double($0) / Double(count - 1)) }
}

/// `count` values spaced evenly in log scale from `lower` to `upper` (both positive).
func logarithmicallySpaced(_ lower: Double, _ upper: Double, count: Int) -> [Float] {
    linearlySpaced(Foundation.log(lower), Foundation.log(upper), count: count).map { Float(Foundation.exp(Double($0))) }
}

/// The largest relative error of a Float tensor function against a Double reference evaluated at
/// the same (Float) inputs, and where it occurs.
func maximumRelativeError(
    _ inputs: [Float], _ function: (Tensor<Float>) -> Tensor<Float>, reference: (Double) -> Double
) -> (error: Double, at: Float) {
    let outputs = function(Tensor(shape: [inputs.count], scalars: inputs)).scalars
    var worst = (error: 0.0, at: Float(0))
    for (x, y) in zip(inputs, outputs) {
        let exact = reference(Double(x))
        let error = exact == 0 ? Swift.abs(Double(y)) : Swift.abs(Double(y) - exact) / Swift.abs(exact)
        if !(error <= worst.error) { worst = (error, x) }  // NaN counts as the worst
    }
    return worst
}

// Measured (Swift 6.3.1, x86-64): every maximum relative error below lies in 7e-8 … 1.8e-7, i.e.
// within 1.5 Float ulp (2^-23 ≈ 1.19e-7) of the correctly rounded result: exp 7.6e-8, log 7.6e-8,
// log1p 1.3e-7, sigmoid 1.7e-7, tanh 1.4e-7, softplus 1.5e-7. The bound 3e-7 (≈ 2.5 ulp) fails
// a real loss of accuracy and still leaves room for a different FMA contraction.

/// One accuracy case: a vectorised Float function, a libm reference, an input range and the bound.
struct KernelCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inputs: @Sendable () -> [Float]
    let function: @Sendable (Tensor<Float>) -> Tensor<Float>
    let reference: @Sendable (Double) -> Double
    let bound: Double
    var testDescription: String { name }

    static let all: [KernelCase] = [
        KernelCase(name: "exp on [-20, 20]", inputs: { linearlySpaced(-20, 20, count: 10_001) },
                   function: { exp($0) }, reference: { Foundation.exp($0) }, bound: 3e-7),
        KernelCase(name: "exp on [-87.3, 88.72]", inputs: { linearlySpaced(-87.3, 88.72, count: 10_001) },
                   function: { exp($0) }, reference: { Foundation.exp($0) }, bound: 3e-7),
        KernelCase(name: "log on (1e-30, 1e30)", inputs: { logarithmicallySpaced(1e-30, 1e30, count: 10_001) },
                   function: { log($0) }, reference: { Foundation.log($0) }, bound: 3e-7),
        KernelCase(name: "log on [0.5, 2]", inputs: { linearlySpaced(0.5, 2, count: 10_001) },
                   function: { log($0) }, reference: { Foundation.log($0) }, bound: 3e-7),
        KernelCase(name: "log1p on [-0.999, 20]", inputs: { linearlySpaced(-0.999, 20, count: 10_001) },
                   function: { log1p($0) }, reference: { Foundation.log1p($0) }, bound: 3e-7),
        KernelCase(name: "log1p on ±(1e-12, 1e-2)",
                   inputs: { let p = logarithmicallySpaced(1e-12, 1e-2, count: 5_000); return p + p.map { -$0 } },
                   function: { log1p($0) }, reference: { Foundation.log1p($0) }, bound: 3e-7),
        KernelCase(name: "sigmoid on [-20, 20]", inputs: { linearlySpaced(-20, 20, count: 10_001) },
                   function: { sigmoid($0) }, reference: { 1 / (1 + Foundation.exp(-$0)) }, bound: 3e-7),
        KernelCase(name: "tanh on [-20, 20]", inputs: { linearlySpaced(-20, 20, count: 10_001) },
                   function: { tanh($0) }, reference: { Foundation.tanh($0) }, bound: 3e-7),
        KernelCase(name: "tanh on ±(1e-8, 1)",
                   inputs: { let p = logarithmicallySpaced(1e-8, 1, count: 5_000); return p + p.map { -$0 } },
                   function: { tanh($0) }, reference: { Foundation.tanh($0) }, bound: 3e-7),
        KernelCase(name: "softplus on [-20, 20]", inputs: { linearlySpaced(-20, 20, count: 10_001) },
                   function: { softplus($0) }, reference: { Foundation.log1p(Foundation.exp($0)) }, bound: 3e-7),
    ]
}

extension TensorEngineTests {
@Suite("Vectorised Float kernels against Double libm")
struct KernelTests {
    @Test("maximum relative error", arguments: KernelCase.all)
    func accuracy(_ kernel: KernelCase) {
        let (error, at) = maximumRelativeError(kernel.inputs(), kernel.function, reference: kernel.reference)
        print("kernel accuracy: \(kernel.name): max relative error \(error) at x = \(at)")
        #expect(error < kernel.bound, "\(kernel.name): max relative error \(error) at x = \(at)")
    }

    /// f applied to `values` through a Float tensor (padded to 19 elements: a full vector and a partial one).
    static func apply(_ function: (Tensor<Float>) -> Tensor<Float>, _ values: [Float]) -> [Float] {
        var padded = values
        while padded.count < 19 { padded.append(0) }
        return Array(function(Tensor(shape: [padded.count], scalars: padded)).scalars.prefix(values.count))
    }

    @Test("special values of exp and log")
    func expLogSpecialValues() {
        #expect(Self.apply({ exp($0) }, [-100, 100, 0, -.infinity, .infinity]) == [0, .infinity, 1, 0, .infinity])
        #expect(Self.apply({ exp($0) }, [.nan])[0].isNaN)
        #expect(Self.apply({ log($0) }, [0, 1, .infinity]) == [-.infinity, 0, .infinity])
        #expect(Self.apply({ log($0) }, [-1])[0].isNaN)
        #expect(Self.apply({ log($0) }, [.nan])[0].isNaN)
        #expect(Self.apply({ log1p($0) }, [0, .infinity]) == [0, .infinity])
        #expect(Self.apply({ log1p($0) }, [-2])[0].isNaN)
        #expect(Self.apply({ log1p($0) }, [.nan])[0].isNaN)
    }

    @Test("log1p(−1) is −∞")
    func log1pOfMinusOne() {
        #expect(Self.apply({ log1p($0) }, [-1]) == [-.infinity])
    }

    @Test("exp just below overflow (88.4 … 88.72) is finite")
    func expNearOverflow() {
        let inputs: [Float] = [88.0, 88.4, 88.5, 88.7]
        let outputs = Self.apply({ exp($0) }, inputs)
        for (x, y) in zip(inputs, outputs) {
            #expect(y.isFinite, "exp(\(x)) = \(y), libm gives \(Foundation.exp(Double(x)))")
        }
    }

    @Test("sigmoid, tanh and softplus saturate exactly and pass NaN through")
    func saturation() {
        #expect(Self.apply({ sigmoid($0) }, [-100, 100, 0, -.infinity, .infinity]) == [0, 1, 0.5, 0, 1])
        #expect(Self.apply({ tanh($0) }, [-100, 100, 0, -.infinity, .infinity]) == [-1, 1, 0, -1, 1])
        #expect(Self.apply({ softplus($0) }, [-100, 100, 0]) == [0, 100, Float(Foundation.log(2.0))])
        for function in [{ sigmoid($0) }, { tanh($0) }, { softplus($0) }, { relu($0) }, { abs($0) }] as [(Tensor<Float>) -> Tensor<Float>] {
            #expect(Self.apply(function, [1, .nan, 2]).map(\.isNaN) == [false, true, false])
        }
        // Double: the same behaviour through libm.
        let d = Tensor<Double>(shape: [3], scalars: [-800, 800, .nan])
        #expect(Array(sigmoid(d).scalars.prefix(2)) == [0, 1])
        #expect(sigmoid(d).scalars[2].isNaN)
    }

    @Test("sigmoid stays in [0, 1] and is monotone; tanh stays in [−1, 1]")
    func ranges() {
        let inputs = linearlySpaced(-100, 100, count: 4_001)
        let s = sigmoid(Tensor(shape: [inputs.count], scalars: inputs)).scalars
        #expect(s.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(zip(s, s.dropFirst()).allSatisfy { $0 <= $1 })
        let t = tanh(Tensor(shape: [inputs.count], scalars: inputs)).scalars
        #expect(t.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test("fused sigmoid cross-entropy and squared error agree with their definitions")
    func fusedLosses() {
        let logits = linearlySpaced(-30, 30, count: 37), labels = (0..<37).map { Float($0 % 5) / 4 }
        let z = Tensor<Float>(shape: [37], scalars: logits), y = Tensor<Float>(shape: [37], scalars: labels)
        let losses = sigmoidCrossEntropy(logits: z, labels: y, reduction: .none).scalars
        for index in 0..<37 {
            let zd = Double(logits[index]), yd = Double(labels[index])
            let exact = Swift.max(zd, 0) - zd * yd + Foundation.log1p(Foundation.exp(-Swift.abs(zd)))
            #expect(Swift.abs(Double(losses[index]) - exact) <= 1e-6 * Swift.max(1, exact))
        }
        let mse = meanSquaredError(predicted: z, expected: y).scalarValue
        let exactMSE = zip(logits, labels).map { pow(Double($0) - Double($1), 2) }.reduce(0, +) / 37
        #expect(Swift.abs(Double(mse) - exactMSE) < 1e-6 * exactMSE)
    }
}
}
