import TensorEngine

// ANCHOR: probe
extension ChapterRun {
    /// A classifier two-sample test (Lopez-Paz & Oquab, "Revisiting Classifier Two-Sample
    /// Tests", ICLR 2017): trains a fresh perceptron (ReLU, `hiddenSizes`, one logit; Adam) to
    /// tell the rows of `real` (label 1) from those of `fake` (label 0), then returns its accuracy
    /// on the held-out `heldOutReal` and `heldOutFake`. About 0.5: the probe cannot tell the two
    /// samples apart; above it, the probe found a difference that holds beyond its training rows.
    public func twoSampleProbeAccuracy(
        _ name: String, real: Tensor<Float>, fake: Tensor<Float>, heldOutReal: Tensor<Float>,
        heldOutFake: Tensor<Float>, hiddenSizes: [Int], epochs: Int, learningRate: Float = 1e-3
    ) throws -> Double {
        let width = real.columnCount
        precondition([fake, heldOutReal, heldOutFake].allSatisfy { $0.columnCount == width },
                     "twoSampleProbeAccuracy: the four samples differ in width")
        let examples = Examples(features: real.scalars + fake.scalars, featureCount: width,
                                labels: [Int](repeating: 1, count: real.rowCount)
                                    + [Int](repeating: 0, count: fake.rowCount))
        let probe = Sequential<Float>.perceptron(sizes: [width] + hiddenSizes + [1],
                                                 generator: generator)
        var optimizer = Adam(parameters: probe.parameters, learningRate: learningRate)
        try train("probe-\(name)", epochs: epochs, data: examples, batchSize: 100) { batch in
            optimizer.zeroGradients()
            let labels = Tensor<Float>(shape: [batch.size, 1],
                                       scalars: batch.labels.map(Float.init))
            let loss = sigmoidCrossEntropy(logits: probe(batch.inputs), labels: labels)
            loss.backward()
            optimizer.step()
            return Double(loss.scalarValue)
        }
        return withoutGradients {
            discriminatorAccuracy(realLogits: probe(heldOutReal), fakeLogits: probe(heldOutFake))
        }
    }
}
// ANCHOR_END: probe
