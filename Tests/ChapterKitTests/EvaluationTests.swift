import Foundation
import Testing
@testable import BookStitcher
@testable import ChapterKit
import TensorEngine

@Suite("Evaluation over batches")
struct EvaluationTests {
    let examples = syntheticExamples(generator: SeededGenerator(seed: 11))  // 64 rows of 8

    @Test(arguments: [1, 7, 64, 1000])
    func averageOverBatchesIsTheMeanOverAllExamples(batchSize: Int) {
        // Per-batch mean of the first feature, weighted by batch size = the mean over all rows.
        let average = averageOverBatches(examples, batchSize: batchSize) { batch in
            Double((0..<batch.size).map { batch.inputs[$0, 0] }.reduce(0, +)) / Double(batch.size)
        }
        let direct = (0..<examples.count).map { Double(examples.row($0)[0]) }.reduce(0, +) / Double(examples.count)
        #expect(Swift.abs(average - direct) < 1e-6)
    }

    @Test func averageOverBatchesSeesEveryExampleOnceInOrder() {
        var labels: [Int] = []
        _ = averageOverBatches(examples, batchSize: 10) { batch in
            labels += batch.labels
            return 0
        }
        #expect(labels == examples.labels)
        #expect(averageOverBatches(examples.prefix(0)) { _ in 1 }.isNaN)
    }

    @Test(arguments: [1, 5, 64, 1000])
    func mapOverBatchesStacksRowsInOrderWithoutGradients(batchSize: Int) {
        let weight = Tensor<Float>(shape: [8, 3], scalars: (0..<24).map { Float($0) / 10 })
        weight.requiresGradient = true
        let stacked = mapOverBatches(examples, batchSize: batchSize) { matmul($0, weight) }
        let direct = withoutGradients { matmul(examples.matrix, weight) }
        #expect(stacked.shape == [64, 3])
        #expect(zip(stacked.scalars, direct.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-5 })
        #expect(!stacked.requiresGradient)
    }

    @Test func meanReconstructionLossIsTheWholeSetCrossEntropy() {
        let logits = Tensor<Float>(shape: [1, 8], scalars: [-2, -1, 0, 1, 2, 0.5, -0.5, 3])
        let reconstruct = { (inputs: Tensor<Float>) in inputs * 0.5 + logits }
        let whole = withoutGradients { Double(sigmoidCrossEntropy(logits: reconstruct(examples.matrix), labels: examples.matrix).scalarValue) }
        for batchSize in [3, 64] {
            #expect(Swift.abs(meanReconstructionLoss(examples, batchSize: batchSize, reconstruct: reconstruct) - whole) < 1e-5)
        }
        let squared = meanReconstructionLoss(examples, loss: { meanSquaredError(predicted: sigmoid($0), expected: $1) }, reconstruct: reconstruct)
        let wholeSquared = withoutGradients {
            Double(meanSquaredError(predicted: sigmoid(reconstruct(examples.matrix)), expected: examples.matrix).scalarValue)
        }
        #expect(Swift.abs(squared - wholeSquared) < 1e-6)
    }
}

@Suite("Training history")
struct TrainingHistoryTests {
    @Test func everyStepIsKeptBesideTheEpochMeans() throws {
        let directory = temporaryDirectory()
        let run = try ChapterRun(name: "test", command: "chapter-test",
                                 common: try parseOptions(TestOptions.self, arguments: ["--output", directory.path]).common,
                                 defaultEpochs: 2, progress: ProgressReporter(isTerminal: false))
        defer { run.abandon() }
        let data = syntheticExamples(generator: run.generator)  // 64 rows: 4 batches of 16
        var step = 0
        let history = try run.train("counting", epochs: 3, data: data, batchSize: 16) { _ in
            step += 1
            return step % 2 == 0 ? ["loss": Double(step), "even": 1] : ["loss": Double(step)]
        }
        #expect(history.stepSeries("loss") == (1...12).map(Double.init))
        #expect(history.stepSeries("even").map { $0.isNaN ? 0 : $0 } == (1...12).map { $0 % 2 == 0 ? 1 : 0 })
        #expect(history.series("loss") == [2.5, 6.5, 10.5])  // the mean of each epoch's four steps
    }

    @Test func generatorsWithOneSeedShuffleAlike() throws {
        let directory = temporaryDirectory()
        let run = try ChapterRun(name: "test", command: "chapter-test",
                                 common: try parseOptions(TestOptions.self, arguments: ["--output", directory.path]).common,
                                 defaultEpochs: 2, progress: ProgressReporter(isTerminal: false))
        defer { run.abandon() }
        let data = syntheticExamples(generator: run.generator)
        /// The values of every batch, in order, over two epochs.
        func order(_ shuffling: SeededGenerator?) throws -> [[Float]] {
            var batches: [[Float]] = []
            try run.train("order", epochs: 2, data: data, batchSize: 16, shuffling: shuffling) { batch in
                batches.append(batch.inputs.scalars)
                return 0
            }
            return batches
        }
        let first = try order(SeededGenerator(seed: 5)), second = try order(SeededGenerator(seed: 5))
        #expect(first == second)
        #expect(try order(nil) != first)  // the run's own generator draws another order
        #expect(try order(SeededGenerator(seed: 6)) != first)
    }
}

@Suite("metrics.json schema")
struct MetricsSchemaTests {
    /// What ChapterKit writes is what BookStitcher reads: every field, metric and text round-trips.
    @Test func aWrittenReportReadsBackAsARunRecord() throws {
        let directory = temporaryDirectory()
        let status = executeChapter("schema", options: TestOptions.self, arguments: ["--output", directory.path, "--seed", "7", "--quick"]) { _, run in
            _ = run.epochs()
            run.record("integer", 42)
            run.record("fraction", 0.123456789)
            run.record("tiny", 1.5e-12)
            run.record("negative", -3.25)
            run.record(text: "quoted", "a \"quoted\" word, a back\\slash and 2–3 β")
        }
        #expect(status == 0)
        let diagnostics = DiagnosticCollector()
        let data = try Data(contentsOf: directory.appendingPathComponent("metrics.json"))
        let record = try #require(RunRecord.parse(data, displayPath: "metrics.json", expectedChapter: "schema", diagnostics: diagnostics))
        #expect(diagnostics.diagnostics.isEmpty)
        #expect(record.metrics == ["integer": 42, "fraction": 0.123456789, "tiny": 1.5e-12, "negative": -3.25])
        #expect(record.texts == ["quoted": "a \"quoted\" word, a back\\slash and 2–3 β"])
        #expect(record.fields["seed"] == .integer(7))
        #expect(record.fields["epochs"] == .integer(1))
        #expect(record.fields["threads"] == .integer(try parseOptions(TestOptions.self, arguments: []).common.threads))
        #expect(record.fields["dataset"] == .string("fashion-mnist"))
        #expect(record.fields["swift_version"] == .string(MetricsReport.swiftVersion))
        #expect(record.isQuick)
        for field in RunRecord.requiredFields {
            #expect(record.fields[field] != nil, "metrics.json lacks \(field), which the book needs")
        }
    }
}

struct ReconstructionPeakSignalToNoiseRatioTests {
    /// Logits 0 give σ = 0.5 everywhere; against images of 0.25 the MSE is 1/16: 10·log₁₀ 16 dB,
    /// whatever the batch size (1 201 rows: batches of 500, 500 and 201).
    @Test func aConstantReconstructionGivesTheClosedForm() {
        let clean = Tensor<Float>(repeating: 0.25, shape: [1201, 784])
        for batchSize in [500, 7, 5000] {
            let value = reconstructionPeakSignalToNoiseRatio(inputs: clean, clean: clean, batchSize: batchSize) {
                Tensor<Float>(zeros: [$0.rowCount, 784])
            }
            #expect(abs(value - 10 * log10(16.0)) < 1e-5)
        }
    }

    /// The reconstruction is computed from `inputs`, the error against `clean`: inputs whose logits
    /// reproduce `clean` exactly score far higher than inputs that do not.
    @Test func theInputsAndTheTargetsAreNotConfused() {
        let clean = Tensor<Float>(shape: [2, 2], scalars: [0.2, 0.8, 0.6, 0.4])
        let logitOfClean = clean.scalars.map { log($0 / (1 - $0)) }
        let exact = reconstructionPeakSignalToNoiseRatio(inputs: clean, clean: clean) { rows in
            Tensor(shape: rows.shape, scalars: rows.scalars.map { log($0 / (1 - $0)) })
        }
        let wrong = reconstructionPeakSignalToNoiseRatio(inputs: Tensor(zeros: [2, 2]), clean: clean) { rows in
            Tensor(shape: rows.shape, scalars: rows.scalars.map { _ in logitOfClean[0] })
        }
        #expect(exact > 60)
        #expect(abs(wrong - 10 * log10(1 / ((0 + 0.36 + 0.16 + 0.04) / 4))) < 1e-4)
    }
}
