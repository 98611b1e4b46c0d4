import TensorEngine

// ANCHOR: probe
/// A trained two-sample probe and its held-out accuracy.
public struct TwoSampleProbe {
    /// The share of held-out rows the probe labels right; about 0.5 when it finds no difference.
    public var accuracy: Double
    /// The probe itself: one logit per row, "this row came from `real`".
    public var network: Sequential<Float>
}

extension ChapterRun {
    /// A classifier two-sample test (Lopez-Paz & Oquab, "Revisiting Classifier Two-Sample
    /// Tests", ICLR 2017): trains a fresh perceptron (ReLU, `hiddenSizes`, one logit; Adam) to
    /// tell the rows of `real` (label 1) from those of `fake` (label 0), then measures its accuracy
    /// on the held-out `heldOutReal` and `heldOutFake`. About 0.5: the probe cannot tell the two
    /// samples apart; above it, the probe found a difference that holds beyond its training rows.
    /// Returns the accuracy with the trained probe, which shows where it finds the difference.
    public func twoSampleProbe(
        _ name: String, real: Tensor<Float>, fake: Tensor<Float>, heldOutReal: Tensor<Float>,
        heldOutFake: Tensor<Float>, hiddenSizes: [Int], epochs: Int, learningRate: Float = 1e-3
    ) throws -> TwoSampleProbe {
        let width = real.columnCount
        precondition([fake, heldOutReal, heldOutFake].allSatisfy { $0.columnCount == width },
                     "twoSampleProbe: the four samples differ in width")
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
        let accuracy = withoutGradients {
            discriminatorAccuracy(realLogits: probe(heldOutReal), fakeLogits: probe(heldOutFake))
        }
        return TwoSampleProbe(accuracy: accuracy, network: probe)
    }
}
// ANCHOR_END: probe
