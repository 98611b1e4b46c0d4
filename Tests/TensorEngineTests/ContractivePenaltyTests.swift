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

        /// PyTorch's autograd through the composed formula, from References/contractive.py (PyTorch
        /// 2.15, float64): the fused operation's value and its gradients into W, b and x.
        @Test("the penalty and its gradients equal PyTorch's", arguments: [UnaryFunction.sigmoid, .tanh])
        func againstPyTorch(activation: UnaryFunction) {
            let sigmoid = activation == .sigmoid
            let expected: (penalty: Double, weight: [Double], bias: [Double], input: [Double]) = sigmoid
                ? (0.09469774153718147,
                   [-0.03940762245157374, 0.0008056804758391871, -0.030982326620461798,
                    0.01821779673181228, -0.02255703078934986,
                    0.009247745560366807, -0.007348836075218237,
                    0.03358747461650166, -0.0026892095574208496,
                    -0.01650841476782891, 0.009194071944897395,
                    -0.02975614688327295, 0.019607748959373374,
                    -0.01490246089004579, 0.030021425973849346,
                    -0.011420592795860988, 0.044057999436572584, 0.0,
                    -0.044057999436572584, 0.011420592795860988],
                   [-0.00466221284100005, 0.021425473046629374, -0.002094106370357401,
                    -0.0019833753354076555],
                   [0.005487405163442311, -0.0020425816332839074, 0.00640028027826997,
                    -0.0034169838711462525, -0.00014509795309434494,
                    0.004872004879247737, -0.003722409275360124,
                    0.004400038794110498, 0.0026114765972162605,
                    -0.004122878329437524, -7.592609072725473e-06,
                    0.0022976323938705507, 0.001137220673719887,
                    0.0011551683239731576, -0.006312418836342787])
                : (0.9406697607818137,
                   [-0.4107970382902758, -0.30675821196027314, -0.285475791322877,
                    0.30510384931891865, -0.16015454435547824,
                    -0.023764696567857277, -0.18600548118734234,
                    0.2105621524784456, -0.09740793367268749, 0.1308899961916125,
                    0.014325289112587833, -0.363811059135777, 0.16291012406892152,
                    0.05210480980813442, 0.31149495902525526, -0.30436208580486923,
                    0.5051667980989547, 0.0, -0.5051667980989547,
                    0.30436208580486923],
                   [-0.010828494225054802, 0.26591742756793924, 0.025793656666056347,
                    0.1878212326421565],
                   [0.033530125643075434, -0.006102191546130793, 0.06892223042501341,
                    -0.10842607396991467, 0.06442696729405141, 0.10330863171641029,
                    -0.02078891334121174, 0.06853989004940073,
                    0.008575432680796354, -0.02584538406237395,
                    -0.05195892190599361, 0.0765358597345254,
                    0.0060056928104651325, -0.0032155127547377135,
                    -0.13568289812934273])
            let x: Tensor<Double> = pattern([3, 5], 7, 11, 5, 4), weight: Tensor<Double> = pattern([4, 5], 5, 9, 4, 8)
            let bias = Tensor<Double>(shape: [4], scalars: [0.25, -0.5, 0.125, 0])
            for parameter in [x, weight, bias] { parameter.requiresGradient = true }
            let code = linear(x, weight: weight, bias: bias, activation: activation)
            let penalty = contractivePenalty(code: code, encoderWeight: weight, activation: activation)
            penalty.backward()
            #expect(Swift.abs(penalty.scalarValue - expected.penalty) < 1e-12)
            #expect(maximumDifference(weight.gradient!.scalars, expected.weight) < 1e-12)
            #expect(maximumDifference(bias.gradient!.scalars, expected.bias) < 1e-12)
            #expect(maximumDifference(x.gradient!.scalars, expected.input) < 1e-12)
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
