import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
    /// The library's contractive penalty ‖J_f(x)‖²_F = Σ_j s′(a_j)² Σ_i W_ji² (the contractive
    /// chapter's), its full Jacobian and the autodiff Jacobian it is checked against.
    @Suite("Contractive penalty")
    struct ContractivePenaltyTests {
        let generator = SeededGenerator(seed: 7)

        /// One encoder layer h = s(x Wᵀ + b) as a function of x, for `jacobian(of:at:)`.
        func encoder(weight: Tensor<Double>, bias: Tensor<Double>, activation: UnaryFunction)
            -> (Tensor<Double>) -> Tensor<Double> {
            { linear($0, weight: weight.detached(), bias: bias.detached(), activation: activation) }
        }

        @Test("worked by hand: W = [[1, 2], [3, 0]], one code per activation")
        func workedExample() {
            let weight = Tensor<Double>([[1, 2], [3, 0]])  // row norms Σ_i W_ji² = 5 and 9
            func penalty(_ code: [Double], _ activation: UnaryFunction) -> Double {
                contractivePenalty(code: Tensor([code]), encoderWeight: weight, activation: activation).scalarValue
            }
            // sigmoid: slopes h(1 − h) = 0.25 and 0.1875 → 0.0625 · 5 + 0.03515625 · 9
            #expect(Swift.abs(penalty([0.5, 0.25], .sigmoid) - 0.62890625) < 1e-15)
            // tanh: slopes 1 − h² = 0.75 and 0.75 → 0.5625 · (5 + 9)
            #expect(Swift.abs(penalty([0.5, -0.5], .tanh) - 7.875) < 1e-15)
            // ReLU: the active unit counts its whole row, the silent one nothing
            #expect(Swift.abs(penalty([0.7, 0], .relu) - 5) < 1e-15)
            // leaky ReLU with slope 0.1: 5 + 0.1² · 9
            #expect(Swift.abs(penalty([0.7, -0.2], .leakyRelu(slope: 0.1)) - 5.09) < 1e-12)
        }

        @Test("the closed form and the full Jacobian equal autodiff's and finite differences' J",
              arguments: [UnaryFunction.sigmoid, .tanh, .relu, .leakyRelu(slope: 0.2)])
        func closedFormMatchesJacobian(activation: UnaryFunction) {
            let weight = Tensor<Double>(randomNormal: [6, 10], standardDeviation: 0.7, generator: generator)
            let bias = Tensor<Double>(randomNormal: [6], standardDeviation: 0.5, generator: generator)
            let function = encoder(weight: weight, bias: bias, activation: activation)
            for _ in 0..<3 {
                let x = Tensor<Double>(randomUniform: [1, 10], generator: generator)
                let code = withoutGradients { function(x) }
                let closedForm = contractivePenalty(code: code, encoderWeight: weight, activation: activation).scalarValue
                let byAutodiff = jacobian(of: function, at: x)
                let full = encoderJacobian(code: code, encoderWeight: weight, activation: activation)
                #expect(byAutodiff.shape == [6, 10] && full.shape == [6, 10])
                #expect(maximumDifference(full.scalars, byAutodiff.scalars) < 1e-12)
                let normSquared = byAutodiff.scalars.map { $0 * $0 }.reduce(0, +)
                #expect(Swift.abs(normSquared - closedForm) <= 1e-10 * closedForm)
                var byDifferences = 0.0
                for pixel in 0..<10 {
                    let plus = x.copy(), minus = x.copy()
                    plus.mutablePointer[pixel] += 1e-6
                    minus.mutablePointer[pixel] -= 1e-6
                    let column = withoutGradients { zip(function(plus).scalars, function(minus).scalars) }
                    byDifferences += column.map { ($0 - $1) / 2e-6 }.map { $0 * $0 }.reduce(0, +)
                }
                #expect(Swift.abs(byDifferences - closedForm) <= 1e-6 * closedForm, "\(activation)")
            }
        }

        @Test("the penalty is the batch mean of the per-row ‖J‖²_F")
        func penaltyIsBatchMean() {
            let weight = Tensor<Double>(randomNormal: [3, 4], generator: generator)
            let code = Tensor<Double>(randomUniform: [2, 3], generator: generator)
            let perRow = jacobianNormSquared(code: code, encoderWeight: weight)
            #expect(perRow.shape == [2, 1])
            for row in 0..<2 {
                let single = Tensor<Double>([code.rowArrays[row]])
                let alone = jacobianNormSquared(code: single, encoderWeight: weight).scalarValue
                #expect(Swift.abs(perRow.scalars[row] - alone) < 1e-14)
            }
            let penalty = contractivePenalty(code: code, encoderWeight: weight).scalarValue
            #expect(Swift.abs(penalty - (perRow.scalars[0] + perRow.scalars[1]) / 2) < 1e-14)
        }

        @Test("the penalty's gradient with respect to W, b and x passes the gradient check",
              arguments: [UnaryFunction.sigmoid, .tanh, .relu])
        func penaltyGradientCheck(activation: UnaryFunction) {
            let weight = Tensor<Double>(randomNormal: [4, 6], standardDeviation: 0.8, generator: generator)
            let bias = Tensor<Double>(randomNormal: [4], standardDeviation: 0.5, generator: generator)
            let x = Tensor<Double>(randomUniform: [3, 6], generator: generator)
            // The unfused path (matmul, then the activation) and the fused Linear layer the chapter runs.
            let activate: (Tensor<Double>) -> Tensor<Double> = {
                switch activation {
                case .sigmoid: return sigmoid($0)
                case .tanh: return tanh($0)
                default: return relu($0)
                }
            }
            expectGradientsMatch("unfused \(activation)", [("weight", weight), ("bias", bias), ("x", x)],
                                 tolerance: 1e-5) {
                let code = activate(matmul(x, weight, transposeB: true) + bias.reshaped(to: [1, 4]))
                return contractivePenalty(code: code, encoderWeight: weight, activation: activation)
            }
            expectGradientsMatch("fused \(activation)", [("weight", weight), ("bias", bias)], tolerance: 1e-5) {
                let code = linear(x, weight: weight, bias: bias, activation: activation)
                return contractivePenalty(code: code, encoderWeight: weight, activation: activation)
            }
        }

        @Test("autodiff's Jacobian of x ↦ x Aᵀ is A, of a nonlinear map matches finite differences")
        func jacobianOfKnownFunctions() {
            let matrix = Tensor<Double>(randomNormal: [3, 5], generator: generator)
            let x = Tensor<Double>(randomNormal: [1, 5], generator: generator)
            let linearJacobian = jacobian(of: { matmul($0, matrix, transposeB: true) }, at: x)
            #expect(linearJacobian.shape == [3, 5])
            #expect(maximumDifference(linearJacobian.scalars, matrix.scalars) < 1e-14)
            // f(x) = [x₁ x₂, x₃², x₁ + x₅³]: its Jacobian at x, by hand.
            let v = x.scalars
            let byHand: [Double] = [v[1], v[0], 0, 0, 0,
                                    0, 0, 2 * v[2], 0, 0,
                                    1, 0, 0, 0, 3 * v[4] * v[4]]
            let nonlinear = jacobian(of: { input in
                let column = input.split(widths: [1, 1, 1, 1, 1])
                return concatenateColumns([column[0] * column[1], square(column[2]),
                                          column[0] + column[4] * square(column[4])])
            }, at: x)
            #expect(maximumDifference(nonlinear.scalars, byHand) < 1e-12)
        }
    }
}
