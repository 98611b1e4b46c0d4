// The contractive chapter's penalty ‖J_f(x)‖²_F = Σ_j (h_j (1 − h_j))² Σ_i W_ji² for h = σ(x Wᵀ + b),
// re-created with the same engine ops as Chapters/Contractive/main.swift: its gradient passes the
// gradient check, and it equals the squared Frobenius norm of the Jacobian found by autodiff and by
// finite differences.
import Testing
@testable import TensorEngine

/// The chapter's penalty (batch mean of the closed form), in Double.
private func contractivePenalty(code h: Tensor<Double>, encoderWeight weight: Tensor<Double>) -> Tensor<Double> {
    let rowNorms = square(weight).sum(alongAxis: 1).reshaped(to: [1, weight.shape[0]])
    return (square(h * (1 - h)) * rowNorms).sum(alongAxis: 1).mean()
}

/// J = ∂h/∂x at one input [1, D] by reverse-mode autodiff, one backward pass per code unit.
private func autodiffJacobian(weight: Tensor<Double>, bias: Tensor<Double>, at x: Tensor<Double>) -> [[Double]] {
    (0..<weight.shape[0]).map { unit in
        let input = x.copy()
        input.requiresGradient = true
        let h = sigmoid(matmul(input, weight.detached(), transposeB: true) + bias.detached().reshaped(to: [1, bias.count]))
        var selector = [Double](repeating: 0, count: h.count)
        selector[unit] = 1
        (h * Tensor(shape: h.shape, scalars: selector)).sum().backward()
        return input.gradient!.scalars
    }
}

// Serialized: `withoutGradients` (used by `checkGradients`) flips a process-wide flag, so these tests
// must not run beside each other.
@Suite("Contractive penalty", .serialized)
struct ContractivePenaltyTests {
    let generator = SeededGenerator(seed: 7)

    @Test("the penalty's gradient with respect to W, b and x passes the gradient check")
    func penaltyGradientCheck() {
        let weight = Tensor<Double>(randomNormal: [4, 6], standardDeviation: 0.8, generator: generator)
        let bias = Tensor<Double>(randomNormal: [4], standardDeviation: 0.5, generator: generator)
        let x = Tensor<Double>(randomUniform: [3, 6], generator: generator)
        let report = checkGradients(of: {
            let h = sigmoid(matmul(x, weight, transposeB: true) + bias.reshaped(to: [1, 4]))
            return contractivePenalty(code: h, encoderWeight: weight)
        }, withRespectTo: [("weight", weight), ("bias", bias), ("x", x)])
        #expect(report.maximumRelativeError < 1e-5, "\(report)")
    }

    @Test("the fused sigmoid linear layer gives the same penalty gradient")
    func penaltyThroughLinear() {
        let weight = Tensor<Double>(randomNormal: [5, 7], standardDeviation: 0.6, generator: generator)
        let bias = Tensor<Double>(randomNormal: [5], standardDeviation: 0.5, generator: generator)
        let x = Tensor<Double>(randomUniform: [2, 7], generator: generator)
        let report = checkGradients(of: {
            contractivePenalty(code: linear(x, weight: weight, bias: bias, activation: .sigmoid), encoderWeight: weight)
        }, withRespectTo: [("weight", weight), ("bias", bias)])
        #expect(report.maximumRelativeError < 1e-5, "\(report)")
    }

    @Test("the closed form equals ‖J‖²_F from autodiff and from finite differences")
    func closedFormMatchesJacobian() {
        let weight = Tensor<Double>(randomNormal: [6, 10], standardDeviation: 0.7, generator: generator)
        let bias = Tensor<Double>(randomNormal: [6], standardDeviation: 0.5, generator: generator)
        for _ in 0..<3 {
            let x = Tensor<Double>(randomUniform: [1, 10], generator: generator)
            let code = { (input: Tensor<Double>) in sigmoid(matmul(input, weight, transposeB: true) + bias.reshaped(to: [1, 6])) }
            let closedForm = contractivePenalty(code: code(x), encoderWeight: weight).scalarValue
            let byAutodiff = autodiffJacobian(weight: weight, bias: bias, at: x).joined().map { $0 * $0 }.reduce(0, +)
            var byDifferences = 0.0
            for pixel in 0..<10 {
                let plus = x.copy(), minus = x.copy()
                plus.mutablePointer[pixel] += 1e-6
                minus.mutablePointer[pixel] -= 1e-6
                let column = zip(code(plus).scalars, code(minus).scalars).map { ($0 - $1) / 2e-6 }
                byDifferences += column.map { $0 * $0 }.reduce(0, +)
            }
            #expect(Swift.abs(byAutodiff - closedForm) <= 1e-10 * closedForm)
            #expect(Swift.abs(byDifferences - closedForm) <= 1e-6 * closedForm)
        }
    }

    @Test("the batch penalty is the mean of the per-example closed forms")
    func penaltyIsBatchMean() {
        let weight = Tensor<Double>(randomNormal: [3, 4], generator: generator)
        let h = Tensor<Double>(randomUniform: [2, 3], generator: generator)
        let rowNorms = weight.rowArrays.map { $0.map { $0 * $0 }.reduce(0, +) }
        let perExample = h.rowArrays.map { row in zip(row, rowNorms).map { ($0 * (1 - $0)) * ($0 * (1 - $0)) * $1 }.reduce(0, +) }
        let penalty = contractivePenalty(code: h, encoderWeight: weight).scalarValue
        #expect(Swift.abs(penalty - (perExample[0] + perExample[1]) / 2) < 1e-12)
    }
}
