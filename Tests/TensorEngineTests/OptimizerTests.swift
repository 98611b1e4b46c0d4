import Foundation
import Testing
@testable import TensorEngine

/// Gives `parameter` exactly the gradient `values`: backward of Σ parameter ⊙ values.
func setGradient<Scalar>(_ parameter: Tensor<Scalar>, _ values: [Scalar]) {
    parameter.zeroGradient()
    (parameter * Tensor(shape: parameter.shape, scalars: values)).sum().backward()
}

/// A parameter (requiring a gradient) holding `values`.
func parameter<Scalar>(_ values: [Scalar]) -> Tensor<Scalar> {
    let tensor = Tensor<Scalar>(shape: [values.count], scalars: values)
    tensor.requiresGradient = true
    return tensor
}

extension TensorEngineTests {
@Suite("Optimizers against hand-worked steps")
struct OptimizerTests {
    @Test("Adam skips a parameter without a gradient; zeroGradients forgets gradients")
    func skipsParametersWithoutGradient() {
        let used = parameter([1.0]), unused = parameter([3.0])
        var adam = Adam(parameters: [used, unused], learningRate: 0.1, weightDecay: 0.1)
        setGradient(used, [1])
        adam.step()
        #expect(unused.scalars == [3])
        #expect(used.scalars[0] < 1)
        adam.zeroGradients()
        #expect(used.gradient == nil)
    }

    @Test("minimize forgets the old gradient, steps on the new loss's gradient and returns its value")
    func minimizeIsOneWholeStep() {
        let minimized = parameter([1.0, -2.0]), byHand = parameter([1.0, -2.0])
        var first = Adam(parameters: [minimized], learningRate: 0.1)
        var second = Adam(parameters: [byHand], learningRate: 0.1)
        setGradient(minimized, [100, 100])  // a stale gradient minimize must forget
        let value = first.minimize { (minimized * minimized).sum() }
        second.zeroGradients()
        (byHand * byHand).sum().backward()
        second.step()
        #expect(value == 5)
        #expect(minimized.scalars == byHand.scalars)
        #expect(minimized.scalars != [1, -2])
    }

    @Test("Adam, two steps by hand (Double)")
    func adamTwoSteps() {
        let p = parameter([1.0])
        var adam = Adam(parameters: [p], learningRate: 0.1)
        setGradient(p, [0.5])
        adam.step()
        // m = 0.1·0.5 = 0.05;  v = 0.001·0.25 = 0.00025;  m̂ = 0.05/(1 − 0.9) = 0.5;  v̂ = 0.00025/(1 − 0.999) = 0.25;
        // step = 0.1 · 0.5 / (√0.25 + 1e-8) = 0.1 · 0.5/0.50000001 = 0.099999998  →  θ = 0.900000002.
        #expect(Swift.abs(p.scalars[0] - 0.9) < 1e-7)
        #expect(Swift.abs(p.scalars[0] - 0.900000002) < 1e-12)
        #expect(adam.stepCount == 1)
        setGradient(p, [-0.25])
        adam.step()
        // m = 0.9·0.05 + 0.1·(−0.25) = 0.02;  v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225;
        // m̂ = 0.02/(1 − 0.81) = 0.105263157894…;  v̂ = 0.00031225/(1 − 0.998001) = 0.156203101550…, √v̂ = 0.395225380701…;
        // step = 0.1 · 0.105263157894 / (0.395225380701 + 1e-8) = 0.026633703…  →  θ = 0.900000002 − 0.026633703 = 0.873366299.
        #expect(Swift.abs(p.scalars[0] - 0.873366299) < 1e-9)
        #expect(adam.stepCount == 2)
    }

    @Test("Adam with L2 weight decay 0.5 and a zero gradient (Double)")
    func adamWeightDecay() {
        let p = parameter([2.0])
        var adam = Adam(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
        setGradient(p, [0])
        adam.step()
        // g = 0 + 0.5·2 = 1;  m̂ = 1, v̂ = 1;  step = 0.1 · 1/(1 + 1e-8)  →  θ = 1.900000001.
        #expect(Swift.abs(p.scalars[0] - 1.900000001) < 1e-12)
        setGradient(p, [0])
        adam.step()
        // g = 0.5·1.9 = 0.95;  m = 0.09 + 0.095 = 0.185;  v = 0.999·0.001 + 0.001·0.9025 = 0.0019015;
        // m̂ = 0.185/0.19 = 0.973684…;  v̂ = 0.0019015/0.001999 = 0.951225…, √v̂ = 0.975307…;
        // step = 0.1 · 0.973684/0.975307 = 0.0998335  →  θ = 1.8001665.
        #expect(Swift.abs(p.scalars[0] - 1.8001664876) < 1e-9)
    }

    @Test("Adam's first step moves every element by lr · sign(g) (Float, 19 elements: 16 lanes + a partial vector)")
    func adamFirstStepFloat() {
        let start = (0..<19).map { Float($0) * 0.25 - 2 }
        let gradient: [Float] = (0..<19).map { index in
            index == 7 ? 0 : (index % 3 == 0 ? -1 : 1) * (0.01 + Float(index))
        }
        let p = parameter(start)
        var adam = Adam(parameters: [p], learningRate: 0.1)
        setGradient(p, gradient)
        adam.step()
        // m̂ = g and v̂ = g² after one step, so the move is lr·g/(|g| + ε) ≈ lr·sign(g), and 0 where g = 0.
        for index in 0..<19 {
            let sign: Float = gradient[index] > 0 ? 1 : (gradient[index] < 0 ? -1 : 0)
            #expect(Swift.abs(p.scalars[index] - (start[index] - 0.1 * sign)) < 1e-6, "element \(index)")
        }
    }
}
}
