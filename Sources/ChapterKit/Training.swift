import Datasets
import Foundation
import TensorEngine

extension SeededGenerator {
    /// `0..<count` in a seeded random order: `Batching.shuffledIndices` (Fisher–Yates) drawing from
    /// this generator, the one shuffle of the workbook.
    public func shuffledIndices(_ count: Int) -> [Int] {
        var generator = self
        return Batching.shuffledIndices(count: count, using: &generator)
    }
}

/// The numbers of one training run: per epoch, the mean of each step value over the epoch plus
/// whatever the end-of-epoch callback measured (for example the test loss); per step, the values the
/// step returned (for loss curves finer than an epoch).
public struct TrainingHistory: Sendable {
    /// One dictionary per epoch.
    public private(set) var epochs: [[String: Double]] = []
    /// One dictionary per training step, over all epochs in order.
    public private(set) var steps: [[String: Double]] = []

    /// The values of `name` over the epochs, in order (NaN where an epoch lacks it).
    public func series(_ name: String) -> [Double] { epochs.map { $0[name] ?? .nan } }

    /// The values of `name` at every step, in order (NaN where a step lacks it).
    public func stepSeries(_ name: String) -> [Double] { steps.map { $0[name] ?? .nan } }

    /// The values of `name` per step, averaged over consecutive windows of `window` steps (the last
    /// window may be shorter), for loss curves that show the trend through the step-to-step noise.
    /// `centres` is the middle of each window, counted in steps from 0.
    public func windowedStepMeans(_ name: String, window: Int) -> (centres: [Double], means: [Double]) {
        precondition(window >= 1, "windowedStepMeans: window \(window)")
        let values = stepSeries(name)
        let starts = Array(stride(from: 0, to: values.count, by: window))
        let means = starts.map { start in
            let slice = values[start..<min(start + window, values.count)]
            return slice.reduce(0, +) / Double(slice.count)
        }
        return (starts.map { Double($0) + Double(min(window, values.count - $0)) / 2 }, means)
    }

    mutating func append(_ values: [String: Double]) { epochs.append(values) }
    mutating func appendStep(_ values: [String: Double]) { steps.append(values) }
}

/// Training stopped because a loss became NaN or infinite.
public struct TrainingDiverged: Error, CustomStringConvertible {
    /// Which model was training.
    public let model: String
    /// Epoch (from 1) and step within it (from 1) where the value appeared.
    public let epoch: Int, step: Int
    /// The name and value of the offending number.
    public let name: String, value: Double
    /// One line naming the model, the value, the epoch and the step.
    public var description: String {
        "training \(model) diverged: \(name) is \(value) at epoch \(epoch), step \(step); try a lower learning rate"
    }
}

extension ChapterRun {
    /// Trains for `epochs` passes over `data` in shuffled mini-batches, showing progress, and returns
    /// the history.
    ///
    /// `step` does one update on a batch and returns its losses by name (`"loss"` first in the
    /// display); a NaN or infinite value stops training with ``TrainingDiverged``. `afterEpoch`
    /// (epoch number from 1) may evaluate and return more numbers for the log and the history.
    /// `shuffling` draws the batch order (the run's generator by default): models given generators
    /// with one seed see the same batches in the same order.
    @discardableResult
    public func train(
        _ model: String, epochs: Int, data: Examples, batchSize: Int, dropLastPartialBatch: Bool = false,
        shuffling: SeededGenerator? = nil, step: (Batch) throws -> [String: Double],
        afterEpoch: ((Int) throws -> [String: Double])? = nil
    ) throws -> TrainingHistory {
        precondition(batchSize >= 1, "train: batch size \(batchSize)")
        var history = TrainingHistory()
        let generator = shuffling ?? self.generator
        progress.beginModel(model, epochs: epochs)
        defer { progress.endModel() }
        for epoch in 1...max(epochs, 1) {
            let order = generator.shuffledIndices(data.count)
            let ranges = Batching.batchRanges(count: data.count, batchSize: batchSize, keepPartialLast: !dropLastPartialBatch)
            var sums: [String: Double] = [:]
            let epochStart = Date()
            for (index, range) in ranges.enumerated() {
                let indices = order[range]
                let batch = Batch(inputs: data.batch(indices), labels: indices.map { data.labels[$0] })
                let losses = try step(batch)
                for (name, value) in losses {
                    guard value.isFinite else {
                        throw TrainingDiverged(model: model, epoch: epoch, step: index + 1, name: name, value: value)
                    }
                    sums[name, default: 0] += value
                }
                history.appendStep(losses)
                trainedSamples += batch.size
                let elapsed = Date().timeIntervalSince(epochStart)
                progress.update(model: model, epoch: epoch, epochs: epochs, done: index + 1, total: ranges.count,
                                losses: sums.mapValues { $0 / Double(index + 1) },
                                samplesPerSecond: Double(range.upperBound) / max(elapsed, 1e-9))
            }
            let trainingTime = Date().timeIntervalSince(epochStart)
            trainingSeconds += trainingTime
            var values = sums.mapValues { $0 / Double(max(ranges.count, 1)) }
            if let afterEpoch {
                for (name, value) in try afterEpoch(epoch) { values[name] = value }
            }
            history.append(values)
            progress.finishEpoch(model: model, epoch: epoch, epochs: epochs, values: values,
                                 samplesPerSecond: Double(data.count) / max(trainingTime, 1e-9), seconds: trainingTime)
        }
        return history
    }

    /// ``train(_:epochs:data:batchSize:dropLastPartialBatch:shuffling:step:afterEpoch:)`` for a step
    /// that returns one loss.
    @discardableResult
    public func train(
        _ model: String, epochs: Int, data: Examples, batchSize: Int, dropLastPartialBatch: Bool = false,
        shuffling: SeededGenerator? = nil, step: (Batch) throws -> Double,
        afterEpoch: ((Int) throws -> [String: Double])? = nil
    ) throws -> TrainingHistory {
        try train(model, epochs: epochs, data: data, batchSize: batchSize, dropLastPartialBatch: dropLastPartialBatch,
                  shuffling: shuffling, step: { ["loss": try step($0)] }, afterEpoch: afterEpoch)
    }
}
