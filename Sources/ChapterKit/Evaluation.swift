import Datasets
import TensorEngine

/// Runs `body` on consecutive batches of `examples` (in order, no gradients) and returns the mean of
/// its per-batch values weighted by batch size: the dataset mean of a per-example average. NaN for
/// no examples.
public func averageOverBatches(_ examples: Examples, batchSize: Int = 1000, _ body: (Batch) -> Double) -> Double {
    precondition(batchSize >= 1, "averageOverBatches: batch size \(batchSize)")
    guard examples.count > 0 else { return .nan }
    return withoutGradients {
        var total = 0.0
        for range in Batching.batchRanges(count: examples.count, batchSize: batchSize) {
            let batch = Batch(inputs: examples.batch(range), labels: Array(examples.labels[range]))
            total += body(batch) * Double(range.count)
        }
        return total / Double(examples.count)
    }
}

/// Runs `model` on every example in batches (no gradients) and stacks the outputs row by row.
public func mapOverBatches(_ examples: Examples, batchSize: Int = 1000, _ model: (Tensor<Float>) -> Tensor<Float>) -> Tensor<Float> {
    precondition(batchSize >= 1, "mapOverBatches: batch size \(batchSize)")
    return withoutGradients {
        var values: [Float] = []
        var width = 0
        for range in Batching.batchRanges(count: examples.count, batchSize: batchSize) {
            let output = model(examples.batch(range))
            width = output.columnCount
            values.append(contentsOf: output.scalars)
        }
        return Tensor(shape: [examples.count, width], scalars: values)
    }
}

/// The mean test loss of an autoencoder: the sigmoid cross-entropy between each input and the
/// logits `reconstruct` gives for it, averaged over every value of every example (nats per pixel),
/// computed in batches without gradients.
///
/// ```
/// run.record("test_loss", meanReconstructionLoss(test) { model($0).logits })
/// ```
///
/// `loss` replaces the cross-entropy (it gets the model's output and the inputs, and returns their
/// mean over the batch), e.g. `{ meanSquaredError(predicted: sigmoid($0), expected: $1) }`.
public func meanReconstructionLoss(
    _ examples: Examples, batchSize: Int = 1000,
    loss: (_ output: Tensor<Float>, _ inputs: Tensor<Float>) -> Tensor<Float> = { sigmoidCrossEntropy(logits: $0, labels: $1) },
    reconstruct: (Tensor<Float>) -> Tensor<Float>
) -> Double {
    averageOverBatches(examples, batchSize: batchSize) { batch in
        Double(loss(reconstruct(batch.inputs), batch.inputs).scalarValue)
    }
}

/// The peak signal-to-noise ratio 10·log₁₀(1 / MSE) in dB of the reconstructions σ(`logits(inputs)`)
/// against `clean` (images in [0, 1], one per row), evaluated `batchSize` rows at a time. `inputs`
/// may differ from `clean`: noisy images for a denoiser, shrunken ones for super-resolution.
public func reconstructionPeakSignalToNoiseRatio(
    inputs: Tensor<Float>, clean: Tensor<Float>, batchSize: Int = 500,
    logits: (Tensor<Float>) -> Tensor<Float>
) -> Double {
    precondition(inputs.rowCount == clean.rowCount && batchSize >= 1,
                 "reconstructionPeakSignalToNoiseRatio: \(inputs.rowCount) inputs, \(clean.rowCount) images")
    let squaredError = withoutGradients {
        stride(from: 0, to: clean.rowCount, by: batchSize).map { start -> Double in
            let rows = start..<min(start + batchSize, clean.rowCount)
            let error = meanSquaredError(predicted: sigmoid(logits(inputs.rows(rows))), expected: clean.rows(rows))
            return Double(error.scalarValue) * Double(rows.count)
        }.reduce(0, +)
    }
    return peakSignalToNoiseRatio(meanSquaredError: squaredError / Double(max(clean.rowCount, 1)))
}

// ANCHOR: loss-per-word
/// The multinomial loss of word counts per word occurrence, in nats: Σ_d Σ_w c_dw (−log q_dw) /
/// Σ_d N_d, where q_d = softmax(`logits`(counts of d)) and N_d = Σ_w c_dw. Its exponential is the
/// per-token perplexity that language models report (an average per document would weigh a short
/// document's words more than a long one's).
public func lossPerWord(_ examples: Examples, logits: (Tensor<Float>) -> Tensor<Float>) -> Double {
    let natsPerDocument = averageOverBatches(examples) { batch in
        Double(softmaxCrossEntropy(logits: logits(batch.inputs), labels: batch.inputs).scalarValue)
    }
    let wordsPerDocument = examples.features.reduce(0) { $0 + Double($1) } / Double(examples.count)
    return natsPerDocument / wordsPerDocument
}
// ANCHOR_END: loss-per-word

/// Retrieval by representation: the share of each query's `k` nearest database rows (Euclidean
/// distance between `represent`ed rows) that have the query's label, averaged over the queries.
public func retrievalPrecision(queries: Examples, database: Examples, k: Int = 10,
                               represent: (Tensor<Float>) -> Tensor<Float>) -> Double {
    let neighbours = nearestNeighbours(of: mapOverBatches(queries, represent),
                                       in: mapOverBatches(database, represent), count: k)
    return precisionAtK(neighbours: neighbours, queryLabels: queries.labels, databaseLabels: database.labels, k: k)
}
