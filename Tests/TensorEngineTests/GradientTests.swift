import Foundation
import Testing
@testable import TensorEngine

// Every differentiable operation and loss, checked in Double against central differences
// (step 1e-6) to a relative error below 1e-6. Inputs stay away from kinks (relu, abs, clamp, max)
// and inside the domains (log, sqrt, pow of positive numbers); each scalar output is Σ w ⊙ f(x)
// with fixed weights w in [0.5, 1.5], so every element has its own upstream gradient.

/// The element-wise functions, each with an input that avoids its kinks and domain edges.
enum ElementwiseCase: String, CaseIterable, Sendable {
    case exp, log, log1p, sqrt, square, abs, negate, clamp, relu, leakyRelu, sigmoid, tanh, softplus
    case powSquare, powCube, powHalf, powMinusOne, powFractional, powNegativeFractional
    case powCubeOfNegatives, powMinusTwoOfNegatives

    /// The input: positive for log / sqrt / fractional powers, signed with |x| ≥ 0.2 otherwise.
    var input: Tensor<Double> {
        switch self {
        case .log, .sqrt, .powHalf, .powFractional, .powNegativeFractional, .powMinusOne:
            return uniform([3, 5], 0.3, 3, seed: 11)
        case .log1p:
            return uniform([3, 5], -0.6, 3, seed: 12)
        case .clamp:
            // Bounds −1 and 1: values inside, below and above, none within 1e-3 of a bound.
            return Tensor([[-1.7, -0.95, -0.4, 0.0, 0.3], [0.97, 1.3, 2.0, -1.2, 0.6], [-0.8, 1.05, -3, 0.1, 0.5]])
        default:
            return signedAwayFromZero([3, 5], seed: 13)
        }
    }

    func apply(_ x: Tensor<Double>) -> Tensor<Double> {
        switch self {
        case .exp: return TensorEngine.exp(x)
        case .log: return TensorEngine.log(x)
        case .log1p: return TensorEngine.log1p(x)
        case .sqrt: return TensorEngine.sqrt(x)
        case .square: return TensorEngine.square(x)
        case .abs: return TensorEngine.abs(x)
        case .negate: return -x
        case .clamp: return TensorEngine.clamp(x, lower: -1, upper: 1)
        case .relu: return TensorEngine.relu(x)
        case .leakyRelu: return TensorEngine.leakyRelu(x, slope: 0.1)
        case .sigmoid: return TensorEngine.sigmoid(x)
        case .tanh: return TensorEngine.tanh(x)
        case .softplus: return TensorEngine.softplus(x)
        case .powSquare: return TensorEngine.pow(x, 2)
        case .powCube: return TensorEngine.pow(x, 3)
        case .powHalf: return TensorEngine.pow(x, 0.5)
        case .powMinusOne: return TensorEngine.pow(x, -1)
        case .powFractional: return TensorEngine.pow(x, 1.7)
        case .powNegativeFractional: return TensorEngine.pow(x, -2.5)
        case .powCubeOfNegatives: return TensorEngine.pow(x, 5)  // whole exponent through e^(p ln|x|), odd: sign kept
        case .powMinusTwoOfNegatives: return TensorEngine.pow(x, -2)  // whole, even: positive
        }
    }
}

/// Pairs of shapes that broadcast: scalar, row [n] and [1, n], column [m, 1], on either side.
enum BroadcastCase: String, CaseIterable, Sendable {
    case equal, scalarRight, scalarLeft, oneElementVectorRight, oneByOneLeft
    case rowVectorRight, rowVectorLeft, rowMatrixRight, rowMatrixLeft, columnRight, columnLeft

    var shapes: (a: [Int], b: [Int]) {
        switch self {
        case .equal: return ([3, 4], [3, 4])
        case .scalarRight: return ([3, 4], [])
        case .scalarLeft: return ([], [3, 4])
        case .oneElementVectorRight: return ([3, 4], [1])
        case .oneByOneLeft: return ([1, 1], [3, 4])
        case .rowVectorRight: return ([3, 4], [4])
        case .rowVectorLeft: return ([4], [3, 4])
        case .rowMatrixRight: return ([3, 4], [1, 4])
        case .rowMatrixLeft: return ([1, 4], [3, 4])
        case .columnRight: return ([3, 4], [3, 1])
        case .columnLeft: return ([3, 1], [3, 4])
        }
    }
}

enum BinaryCase: String, CaseIterable, Sendable {
    case add, subtract, multiply, divide

    func apply(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Tensor<Double> {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        }
    }
}

extension TensorEngineTests {
@Suite("Gradients of operations (Double, central differences)")
struct OperationGradientTests {
    @Test("element-wise function", arguments: ElementwiseCase.allCases)
    func elementwise(_ function: ElementwiseCase) {
        let x = function.input
        let w = weights(x.shape)
        expectGradientsMatch(function.rawValue, [("x", x)]) { (function.apply(x) * w).sum() }
    }

    @Test("binary operation with broadcasting", arguments: BinaryCase.allCases, BroadcastCase.allCases)
    func binary(_ operation: BinaryCase, _ broadcast: BroadcastCase) {
        let (shapeA, shapeB) = broadcast.shapes
        let a = signedAwayFromZero(shapeA, seed: 21)
        // Divisors stay in [0.5, 2]: 1/b and a/b² are then well conditioned.
        let b = operation == .divide ? uniform(shapeB, 0.5, 2, seed: 22) : signedAwayFromZero(shapeB, seed: 22)
        let w = weights([3, 4])
        expectGradientsMatch("\(operation) \(shapeA) \(shapeB)", [("a", a), ("b", b)]) {
            let y = operation.apply(a, b)
            #expect(y.shape == [3, 4])
            return (y * w).sum()
        }
    }

    @Test("operators with a Swift scalar on either side")
    func scalarOperands() {
        let x = uniform([2, 3], 0.5, 2, seed: 31)
        let w = weights([2, 3])
        expectGradientsMatch("x + 2", [("x", x)]) { ((x + 2) * w).sum() }
        expectGradientsMatch("2 + x", [("x", x)]) { ((2 + x) * w).sum() }
        expectGradientsMatch("x - 2", [("x", x)]) { ((x - 2) * w).sum() }
        expectGradientsMatch("2 - x", [("x", x)]) { ((2 - x) * w).sum() }
        expectGradientsMatch("3 * x", [("x", x)]) { ((3 * x) * w).sum() }
        expectGradientsMatch("x * 3", [("x", x)]) { ((x * 3) * w).sum() }
        expectGradientsMatch("x / 4", [("x", x)]) { ((x / 4) * w).sum() }
        expectGradientsMatch("2 / x", [("x", x)]) { ((2 / x) * w).sum() }
    }

    @Test("sum, mean and max over everything and along each axis")
    func reductions() {
        // Distinct values (uniform draws): each maximum is unique, far more than 2·step from the runner-up.
        let x = uniform([4, 5], -2, 2, seed: 41)
        expectGradientsMatch("sum", [("x", x)]) { square(x).sum() }
        expectGradientsMatch("mean", [("x", x)]) { square(x).mean() }
        expectGradientsMatch("max", [("x", x)]) { x.max() * 3 + x.sum() }
        for axis in 0...1 {
            let w = weights(axis == 0 ? [1, 5] : [4, 1])
            expectGradientsMatch("sum(alongAxis: \(axis))", [("x", x)]) { (square(x).sum(alongAxis: axis) * w).sum() }
            expectGradientsMatch("mean(alongAxis: \(axis))", [("x", x)]) { (square(x).mean(alongAxis: axis) * w).sum() }
            expectGradientsMatch("max(alongAxis: \(axis))", [("x", x)]) { (x.max(alongAxis: axis) * w).sum() + x.sum() * 0.5 }
        }
    }

    @Test("softmax and logSoftmax")
    func softmaxes() {
        let x = uniform([3, 5], -2, 2, seed: 51)
        let w = weights([3, 5])
        expectGradientsMatch("softmax", [("x", x)]) { (softmax(x) * w).sum() }
        expectGradientsMatch("logSoftmax", [("x", x)]) { (logSoftmax(x) * w).sum() }
    }

    @Test("matmul with each combination of transposes", arguments: [false, true], [false, true])
    func matrixProduct(_ transposeA: Bool, _ transposeB: Bool) {
        // op(A) is [3, 4], op(B) is [4, 5].
        let a = uniform(transposeA ? [4, 3] : [3, 4], -1, 1, seed: 61)
        let b = uniform(transposeB ? [5, 4] : [4, 5], -1, 1, seed: 62)
        let w = weights([3, 5])
        expectGradientsMatch("matmul tA=\(transposeA) tB=\(transposeB)", [("a", a), ("b", b)]) {
            (matmul(a, b, transposeA: transposeA, transposeB: transposeB) * w).sum()
        }
    }

    @Test("fused linear layer with and without bias, for each activation",
          arguments: [nil, UnaryFunction.relu, .sigmoid, .tanh, .leakyRelu(slope: 0.1), .exp, .softplus, .square])
    func fusedLinear(_ activation: UnaryFunction?) {
        let x = uniform([5, 3], -1, 1, seed: 71)
        let weight = uniform([4, 3], -1, 1, seed: 72)
        let bias = uniform([4], -0.5, 0.5, seed: 73)
        let w = weights([5, 4])
        expectGradientsMatch("linear \(String(describing: activation))", [("x", x), ("weight", weight), ("bias", bias)]) {
            (linear(x, weight: weight, bias: bias, activation: activation) * w).sum()
        }
        expectGradientsMatch("linear without bias \(String(describing: activation))", [("x", x), ("weight", weight)]) {
            (linear(x, weight: weight, bias: nil, activation: activation) * w).sum()
        }
    }

    @Test("reshape, row gathers and views, split, concatenation")
    func indexing() {
        let x = uniform([4, 5], -1, 1, seed: 81)
        expectGradientsMatch("reshaped", [("x", x)]) { (square(x.reshaped(to: [2, 10])) * weights([2, 10])).sum() }
        // Repeated indices: the gradient of row 2 is the sum of two upstream rows.
        expectGradientsMatch("gatheringRows", [("x", x)]) { (x.gatheringRows([2, 0, 2, 3, 2]) * weights([5, 5])).sum() }
        expectGradientsMatch("rows(_:)", [("x", x)]) { (square(x.rows(1..<3)) * weights([2, 5])).sum() }
        expectGradientsMatch("rows of rows", [("x", x)]) { (square(x.rows(1..<4).rows(1..<3)) * weights([2, 5])).sum() }
        expectGradientsMatch("split, both pieces", [("x", x)]) {
            let pieces = x.split(widths: [2, 3])
            return (square(pieces[0]) * weights([4, 2])).sum() + (exp(pieces[1]) * weights([4, 3], seed: 7)).sum()
        }
        // Only one piece used: the other columns' gradient must be zero, not garbage.
        expectGradientsMatch("split, one piece", [("x", x)]) { (square(x.split(widths: [1, 3, 1])[1]) * weights([4, 3])).sum() }
        let y = uniform([4, 2], -1, 1, seed: 82)
        expectGradientsMatch("concatenateColumns", [("x", x), ("y", y)]) {
            (square(concatenateColumns([x, y, x])) * weights([4, 12])).sum()
        }
    }
}

@Suite("Gradients of losses (Double, central differences)")
struct LossGradientTests {
    static let reductions: [Reduction] = [.mean, .sum, .batchMean, .none]

    /// Σ w ⊙ loss for `.none` (per-element losses), the loss itself otherwise.
    static func scalar(_ loss: Tensor<Double>, _ reduction: Reduction) -> Tensor<Double> {
        reduction == .none ? (loss * weights(loss.shape)).sum() : loss
    }

    @Test("sigmoidCrossEntropy", arguments: reductions)
    func sigmoidCrossEntropyGradient(_ reduction: Reduction) {
        let logits = signedAwayFromZero([4, 5], seed: 91)
        let labels = uniform([4, 5], 0, 1, seed: 92)
        expectGradientsMatch("sigmoidCrossEntropy \(reduction)", [("logits", logits)]) {
            Self.scalar(sigmoidCrossEntropy(logits: logits, labels: labels, reduction: reduction), reduction)
        }
    }

    @Test("meanSquaredError", arguments: reductions)
    func meanSquaredErrorGradient(_ reduction: Reduction) {
        let predicted = uniform([4, 5], 0, 1, seed: 93)
        // Expected values at least 0.2 away from the predictions: every 2(p − t) is far from 0.
        let expected = predicted.detached() + signedAwayFromZero([4, 5], seed: 94)
        expectGradientsMatch("meanSquaredError \(reduction)", [("predicted", predicted)]) {
            Self.scalar(meanSquaredError(predicted: predicted, expected: expected, reduction: reduction), reduction)
        }
    }

    @Test("softmaxCrossEntropy against distributions (logits and labels)", arguments: [Reduction.batchMean, .sum, .mean])
    func softmaxCrossEntropyGradient(_ reduction: Reduction) {
        let logits = uniform([3, 4], -2, 2, seed: 95)
        let counts = uniform([3, 4], 0.1, 1, seed: 96)
        let labels = withoutGradients { counts / counts.sum(alongAxis: 1) }  // rows sum to 1
        expectGradientsMatch("softmaxCrossEntropy \(reduction)", [("logits", logits), ("labels", labels)]) {
            softmaxCrossEntropy(logits: logits, labels: labels, reduction: reduction)
        }
    }

    @Test("softmaxCrossEntropy against class indices")
    func softmaxCrossEntropyIndicesGradient() {
        let logits = uniform([4, 3], -2, 2, seed: 97)
        expectGradientsMatch("softmaxCrossEntropy(classIndices:)", [("logits", logits)]) {
            softmaxCrossEntropy(logits: logits, classIndices: [2, 0, 1, 2])
        }
    }

    @Test("bernoulliKLDivergence")
    func bernoulliKLGradient() {
        let rhoHat = uniform([6], 0.2, 0.8, seed: 98)
        expectGradientsMatch("bernoulliKLDivergence", [("rhoHat", rhoHat)]) {
            bernoulliKLDivergence(target: 0.05, meanActivation: rhoHat)
        }
    }

    @Test("gaussianKLDivergence", arguments: reductions)
    func gaussianKLGradient(_ reduction: Reduction) {
        let mean = signedAwayFromZero([4, 3], seed: 101)
        // log σ² away from 0, where ∂/∂v = ½(e^v − 1) vanishes.
        let logVariance = signedAwayFromZero([4, 3], seed: 102)
        expectGradientsMatch("gaussianKLDivergence \(reduction)", [("mean", mean), ("logVariance", logVariance)]) {
            Self.scalar(gaussianKLDivergence(mean: mean, logVariance: logVariance, reduction: reduction), reduction)
        }
    }
}

@Suite("Gradients of layers and reused values")
struct CompositeGradientTests {
    @Test("a perceptron: every parameter and the input")
    func perceptron() {
        let model = Sequential<Double>.perceptron(sizes: [3, 6, 4, 2], activation: .tanh, outputActivation: .sigmoid,
                                                  generator: SeededGenerator(seed: 5))
        let x = uniform([5, 3], -1, 1, seed: 111)
        let target = uniform([5, 2], 0, 1, seed: 112)
        expectGradientsMatch("perceptron", [("x", x)] + model.namedParameters) {
            meanSquaredError(predicted: model(x), expected: target)
        }
    }

    @Test("dropout with a fixed mask")
    func dropout() {
        let x = uniform([4, 6], -1, 1, seed: 113)
        let w = weights([4, 6])
        // A fresh generator with the same seed per call: the same mask each time.
        expectGradientsMatch("dropout", [("x", x)]) {
            let layer = Dropout<Double>(probability: 0.3, generator: SeededGenerator(seed: 3))
            return (layer(square(x)) * w).sum()
        }
    }

    @Test("a value used twice: gradients accumulate")
    func reuse() {
        let x = signedAwayFromZero([3, 4], seed: 121)
        let w = weights([3, 4])
        expectGradientsMatch("x * x + exp(x) * x", [("x", x)]) { ((x * x + exp(x) * x) * w).sum() }
        expectGradientsMatch("sigmoid(x) + tanh(x) * x", [("x", x)]) { ((sigmoid(x) + tanh(x) * x) * w).sum() }
        expectGradientsMatch("diamond through h = tanh(x)", [("x", x)]) {
            let h = tanh(x)
            return ((h * h + sigmoid(h) - h / 3) * w).sum()
        }
        expectGradientsMatch("x Xᵀ", [("x", x)]) { (matmul(x, x, transposeB: true) * weights([3, 3])).sum() }
        expectGradientsMatch("x as both a row broadcast and a matrix", [("x", x)]) {
            let row = x.rows(0..<1)  // [1, 4]
            return ((x * row - row / 2) * w).sum()
        }
    }

    @Test("x + x and x * x give exactly 2 and 2x")
    func exactReuse() {
        let x = Tensor<Double>([[1.5, -2, 0.25]])
        x.requiresGradient = true
        (x + x).sum().backward()
        #expect(x.gradient?.scalars == [2, 2, 2])
        x.zeroGradient()
        (x * x).sum().backward()
        #expect(x.gradient?.scalars == [3, -4, 0.5])
    }

    @Test("x − x has a zero gradient")
    func cancellation() {
        let x = Tensor<Double>([[1.5, -2, 0.25]])
        x.requiresGradient = true
        (x - x).sum().backward()
        #expect(x.gradient?.scalars == [0, 0, 0])
    }
}

@Suite("Autodiff behaviour")
struct AutodiffBehaviourTests {
    @Test("backward twice gives exactly twice the gradient on the leaves")
    func backwardTwice() {
        let layer = Linear<Double>(inputSize: 3, outputSize: 2, generator: SeededGenerator(seed: 1))
        let x = uniform([4, 3], -1, 1, seed: 2)
        let loss = (sigmoid(layer(x)) * weights([4, 2])).sum()
        loss.backward()
        let once = layer.parameters.map { $0.gradient!.scalars }
        loss.backward()
        let twice = layer.parameters.map { $0.gradient!.scalars }
        for (first, second) in zip(once, twice) {
            // Each leaf receives one contribution per call: g + g = 2g with no rounding.
            #expect(second == first.map { 2 * $0 })
        }
    }

    @Test("backward twice through a reused value gives twice the gradient (to rounding)")
    func backwardTwiceReused() {
        let x = signedAwayFromZero([2, 3], seed: 3)
        x.requiresGradient = true
        let loss = (x * x + exp(x)).sum()
        loss.backward()
        let once = x.gradient!.scalars
        loss.backward()
        let twice = x.gradient!.scalars
        #expect(maximumDifference(twice, once.map { 2 * $0 }) < 1e-12)
    }

    @Test("withoutGradients records nothing")
    func noRecording() {
        let x = uniform([2, 3], -1, 1, seed: 4)
        x.requiresGradient = true
        let y = withoutGradients { () -> Tensor<Double> in
            #expect(!isRecordingGradients)
            return (exp(x) * x + x).sum()
        }
        #expect(isRecordingGradients)
        #expect(!y.requiresGradient)
        #expect(y.isLeaf)
        y.backward()  // a no-op: nothing was recorded
        #expect(x.gradient == nil)
        // Nested: the outer state comes back after the inner block.
        withoutGradients { withoutGradients {}; #expect(!isRecordingGradients) }
        #expect((x * 2).requiresGradient)
    }

    @Test("the gradient with respect to an input: d/dx Σ (x Wᵀ + b) = column sums of W, per row")
    func inputGradient() {
        let layer = Linear<Double>(inputSize: 3, outputSize: 2, generator: SeededGenerator(seed: 6))
        let x = uniform([4, 3], -1, 1, seed: 7)
        x.requiresGradient = true
        layer(x).sum().backward()
        let w = layer.weight.rowArrays
        let expectedRow = (0..<3).map { w[0][$0] + w[1][$0] }
        let gradient = x.gradient!.rowArrays
        for row in gradient { #expect(maximumDifference(row, expectedRow) < 1e-15) }
    }

    @Test("detached cuts the graph; a tensor that needs no gradient gets none")
    func detachedAndConstants() {
        let x = uniform([2, 2], 0.5, 1, seed: 8)
        let c = uniform([2, 2], 0.5, 1, seed: 9)
        x.requiresGradient = true
        (x * x.detached() + c).sum().backward()
        // d/dx (x · stop(x)) = stop(x) = x.
        #expect(x.gradient!.scalars == x.scalars)
        #expect(c.gradient == nil)
        #expect(!c.requiresGradient)
    }

    @Test("checkGradients reports a row per input and restores requiresGradient")
    func gradientCheckReport() {
        let x = uniform([2, 2], 0.5, 1, seed: 10)
        let y = uniform([2, 2], 0.5, 1, seed: 11)
        let report = checkGradients(of: { (x * y).sum() }, withRespectTo: [("x", x), ("y", y)])
        #expect(report.rows.map(\.name) == ["x", "y"])
        #expect(report.maximumAbsoluteError < 1e-8)
        #expect(!x.requiresGradient && !y.requiresGradient)
        #expect(x.gradient == nil)
        #expect(report.description.contains("max rel error"))
    }
}
}
