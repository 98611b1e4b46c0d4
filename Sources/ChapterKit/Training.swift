import Datasets
import Foundation
import TensorEngine

/// Per-epoch numbers of one training run: the mean of each step value over the epoch, plus whatever
/// the end-of-epoch callback measured (for example the test loss).
public struct TrainingHistory: Sendable {
    /// One dictionary per epoch.
    public private(set) var epochs: [[String: Double]] = []

    /// The values of `name` over the epochs, in order (NaN where an epoch lacks it).
    public func series(_ name: String) -> [Double] { epochs.map { $0[name] ?? .nan } }

    mutating func append(_ values: [String: Double]) { epochs.append(values) }
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
    @discardableResult
    public func train(
        _ model: String, epochs: Int, data: Examples, batchSize: Int, dropLastPartialBatch: Bool = false,
        step: (Batch) throws -> [String: Double],
        afterEpoch: ((Int) throws -> [String: Double])? = nil
    ) throws -> TrainingHistory {
        precondition(batchSize >= 1, "train: batch size \(batchSize)")
        var history = TrainingHistory()
        var generator = self.generator
        for epoch in 1...max(epochs, 1) {
            let order = Batching.shuffledIndices(count: data.count, using: &generator)
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
                trainedSamples += batch.size
                let elapsed = Date().timeIntervalSince(epochStart)
                progress.update(model: model, epoch: epoch, epochs: epochs, done: index + 1, total: ranges.count,
                                losses: sums.mapValues { $0 / Double(index + 1) },
                                samplesPerSecond: Double(range.upperBound) / max(elapsed, 1e-9), elapsed: elapsed)
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

    /// ``train(_:epochs:data:batchSize:dropLastPartialBatch:step:afterEpoch:)`` for a step that
    /// returns one loss.
    @discardableResult
    public func train(
        _ model: String, epochs: Int, data: Examples, batchSize: Int, dropLastPartialBatch: Bool = false,
        step: (Batch) throws -> Double, afterEpoch: ((Int) throws -> [String: Double])? = nil
    ) throws -> TrainingHistory {
        try train(model, epochs: epochs, data: data, batchSize: batchSize, dropLastPartialBatch: dropLastPartialBatch,
                  step: { ["loss": try step($0)] }, afterEpoch: afterEpoch)
    }
}

/// Prints progress: a bar redrawn in place on a terminal, one line per epoch otherwise.
final class ProgressReporter {
    let isTerminal = isatty(STDOUT_FILENO) != 0
    private var lineOpen = false
    private var lastDraw = Date.distantPast

    /// Orders names for display: `loss` first, then alphabetically.
    private func ordered(_ values: [String: Double]) -> [(String, Double)] {
        values.sorted { ($0.key == "loss" ? 0 : 1, $0.key) < ($1.key == "loss" ? 0 : 1, $1.key) }
    }

    private func format(_ values: [String: Double]) -> String {
        ordered(values).map { "\($0.0) \(String(format: Swift.abs($0.1) >= 100 ? "%.2f" : "%.4f", $0.1))" }.joined(separator: "  ")
    }

    func update(model: String, epoch: Int, epochs: Int, done: Int, total: Int, losses: [String: Double], samplesPerSecond: Double, elapsed: Double) {
        guard isTerminal else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let width = 24, filled = width * done / max(total, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let remaining = elapsed / Double(done) * Double(total - done)
        let line = "\(model)  epoch \(epoch)/\(epochs) \(bar) \(100 * done / max(total, 1))%  \(format(losses))  \(Int(samplesPerSecond)) samples/s  ETA \(String(format: "%.0f", remaining)) s"
        FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
        lineOpen = true
    }

    func finishEpoch(model: String, epoch: Int, epochs: Int, values: [String: Double], samplesPerSecond: Double, seconds: Double) {
        printLine(epochLine(model: model, epoch: epoch, epochs: epochs, values: values, samplesPerSecond: samplesPerSecond, seconds: seconds))
    }

    /// The one line logged per epoch, e.g.
    /// `autoencoder  epoch 3/20  loss 0.3012  test_loss 0.3050  48211 samples/s  2.1 s`.
    func epochLine(model: String, epoch: Int, epochs: Int, values: [String: Double], samplesPerSecond: Double, seconds: Double) -> String {
        "\(model)  epoch \(epoch)/\(epochs)  \(format(values))  \(Int(samplesPerSecond)) samples/s  \(String(format: "%.1f", seconds)) s"
    }

    /// Prints a full line, clearing an open progress bar first.
    func printLine(_ line: String) {
        endLine()
        print(line)
    }

    /// Ends an open progress bar line.
    func endLine() {
        if lineOpen {
            FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
            lineOpen = false
        }
    }
}
