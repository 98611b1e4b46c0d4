import Testing
@testable import TensorEngine

@Suite("Tied weights")
struct TiedWeightsTests {
    @Test("TiedLinear computes x W + b with the encoder's W, and its gradients check")
    func tiedLinear() {
        let generator = SeededGenerator(seed: 1)
        let encoderLayer = Linear<Double>(inputSize: 5, outputSize: 3, generator: generator)
        let tied = TiedLinear(transposing: encoderLayer, generator: generator)
        #expect(tied.bias.shape == [5])
        #expect(tied.namedParameters.map(\.name) == ["bias"])
        let x = uniform([4, 3], -1, 1, seed: 2)
        let output = withoutGradients { tied(x) }
        let w = encoderLayer.weight.rowArrays, rows = x.rowArrays, b = tied.bias.scalars
        for row in 0..<4 {
            for column in 0..<5 {
                let expected = (0..<3).map { rows[row][$0] * w[$0][column] }.reduce(0, +) + b[column]
                #expect(Swift.abs(output[row, column] - expected) < 1e-12)
            }
        }
        // Through the encoder and back: the shared weight's gradient sums both uses.
        let input = uniform([4, 5], -1, 1, seed: 3)
        let report = checkGradients(of: { square(tied(encoderLayer(input), activation: .sigmoid)).sum() },
                                    withRespectTo: [("weight", encoderLayer.weight), ("bias", tied.bias)])
        #expect(report.maximumRelativeError < 1e-5, "\(report)")
    }

    @Test("A tied autoencoder has the encoder's weights once and the decoder's biases")
    func tiedAutoencoder() throws {
        let sizes = [12, 8, 3]
        let tied = Autoencoder(sizes: sizes, activation: .relu, tiedWeights: true, generator: SeededGenerator(seed: 4))
        let untied = Autoencoder(sizes: sizes, generator: SeededGenerator(seed: 4))
        let weights = 12 * 8 + 8 * 3
        #expect(untied.parameterCount == 2 * weights + (8 + 3) + (8 + 12))
        #expect(tied.parameterCount == weights + (8 + 3) + (8 + 12))
        #expect(tied.namedParameters.map(\.name) == ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight",
                                                      "encoder.2.bias", "decoder.0.bias", "decoder.2.bias"])
        try tied.checkShapes(features: 12)
        let output = withoutGradients { tied(Tensor<Float>(randomNormal: [2, 12], generator: SeededGenerator(seed: 5))) }
        #expect(output.code.shape == [2, 3] && output.logits.shape == [2, 12])
        // Without an activation the whole model is linear: f(a + b) + f(0) = f(a) + f(b).
        let linear = Autoencoder(sizes: sizes, activation: nil, tiedWeights: true, generator: SeededGenerator(seed: 6))
        #expect(linear.decoder.layers.count == 2)
        let a = Tensor<Float>(randomNormal: [1, 12], generator: SeededGenerator(seed: 7))
        let b = Tensor<Float>(randomNormal: [1, 12], generator: SeededGenerator(seed: 8))
        let difference = withoutGradients {
            linear(a + b).logits + linear(Tensor(zeros: [1, 12])).logits - linear(a).logits - linear(b).logits
        }
        #expect(difference.scalars.allSatisfy { Swift.abs($0) < 1e-4 })
    }

    @Test("Untied with an activation, the model is the plain perceptron autoencoder; without one, linear")
    func untied() {
        let sizes = [12, 8, 3]
        let general = Autoencoder(sizes: sizes, activation: .relu, tiedWeights: false, generator: SeededGenerator(seed: 11))
        let plain = Autoencoder(sizes: sizes, generator: SeededGenerator(seed: 11))
        #expect(general.namedParameters.map(\.name) == plain.namedParameters.map(\.name))
        #expect(general.parameters.map(\.scalars) == plain.parameters.map(\.scalars))
        #expect(general.encoder.summary == plain.encoder.summary && general.decoder.summary == plain.decoder.summary)
        let linear = Autoencoder(sizes: sizes, activation: nil, tiedWeights: false, generator: SeededGenerator(seed: 12))
        #expect(linear.encoder.summary == "Sequential(Linear(12, 8), Linear(8, 3))")
        #expect(linear.decoder.summary == "Sequential(Linear(3, 8), Linear(8, 12))")
    }

    @Test("A wrong input width is a shape error naming the layer")
    func shapeError() {
        let tied = TiedLinear(transposing: Linear<Float>(inputSize: 6, outputSize: 2, generator: SeededGenerator(seed: 9)),
                              generator: SeededGenerator(seed: 10))
        #expect(throws: ShapeError.self) { try tied.outputShape(for: [1, 6]) }
        #expect((try? tied.outputShape(for: [3, 2])) == [3, 6])
        #expect(tied.summary == "TiedLinear(2, 6)")
    }
}
