import ArgumentParser
import Foundation
import Testing
@testable import ChapterKit
import Figures
import TensorEngine

/// A chapter's options for these tests: the common flags plus one probability.
struct TestOptions: ChapterOptions {
    static let summary = "A test chapter that trains an 8-4-8 autoencoder."
    static let defaultEpochs = 2
    @OptionGroup var common: CommonOptions
    @Option(help: "A probability.") var dropProbability = 0.5
    @Option(help: "A class (0-9).") var `class` = 0
    @Option(help: "A size (≥ 2).") var size = 2
    @Option(help: "A positive weight.") var weight = 1.0
    @Option(help: "A weight ≥ 0.") var penalty = 0.0
    func check() throws {
        try requireProbability(dropProbability, flag: "--drop-probability")
        try requireInRange(`class`, 0...9, flag: "--class")
        try requireAtLeast(2, size, flag: "--size")
        try requirePositive(weight, flag: "--weight")
        try requireNonNegative(penalty, flag: "--penalty")
    }
}

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("chapterkit-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Tiny synthetic examples: 64 rows of 8 features in [0, 1], two classes.
func syntheticExamples(generator: SeededGenerator) -> Examples {
    let features = (0..<(64 * 8)).map { _ in Float(generator.nextUniform()) }
    return Examples(features: features, featureCount: 8, labels: (0..<64).map { $0 % 2 })
}

@Suite("Command line")
struct CommandLineTests {
    func exitFor(_ arguments: [String]) -> ChapterExit? {
        do {
            _ = try parseOptions(TestOptions.self, arguments: arguments)
            return nil
        } catch {
            return error as? ChapterExit
        }
    }

    @Test func defaultsParse() throws {
        let options = try parseOptions(TestOptions.self, arguments: [])
        #expect(options.common.seed == 0)
        #expect(options.common.quick == false)
        #expect(options.common.dataset == .fashionMNIST)
        #expect(options.common.epochs == nil)
    }

    @Test func outOfRangeValuesAreRefusedWithOneLine() {
        let cases: [([String], String)] = [
            (["--epochs", "0"], "--epochs must be at least 1, got 0"),
            (["--threads", "0"], "--threads must be between 1 and 256, got 0"),
            (["--drop-probability", "1"], "--drop-probability must lie strictly between 0 and 1, got 1.0"),
            (["--drop-probability=-0.1"], "--drop-probability must lie strictly between 0 and 1, got -0.1"),
            // A negative number after an option is its value, not a flag.
            (["--epochs", "-1"], "--epochs must be at least 1, got -1"),
            (["--quick", "--epochs", "-3", "--seed", "2"], "--epochs must be at least 1, got -3"),
            (["--drop-probability", "-0.5"], "--drop-probability must lie strictly between 0 and 1, got -0.5"),
            (["--drop-probability", "-1e-3"], "--drop-probability must lie strictly between 0 and 1, got -0.001"),
            (["--class", "10"], "--class must be between 0 and 9, got 10"),
            (["--class", "-1"], "--class must be between 0 and 9, got -1"),
            (["--size", "1"], "--size must be at least 2, got 1"),
            (["--weight", "0"], "--weight must be a positive number, got 0.0"),
            (["--weight", "inf"], "--weight must be a positive number, got inf"),
            (["--weight", "nan"], "--weight must be a positive number, got nan"),
            (["--penalty", "-1"], "--penalty must be a number ≥ 0, got -1.0"),
            (["--penalty", "inf"], "--penalty must be a number ≥ 0, got inf"),
        ]
        for (arguments, message) in cases {
            let exit = exitFor(arguments)
            #expect(exit?.status == 64, "\(arguments)")
            #expect(exit?.message == message)
        }
    }

    @Test func negativeNumbersAreJoinedOnlyAfterAnOption() {
        #expect(joiningNegativeNumbers(["--epochs", "-1", "--quick"]) == ["--epochs=-1", "--quick"])
        #expect(joiningNegativeNumbers(["--beta", "-.5"]) == ["--beta=-.5"])
        #expect(joiningNegativeNumbers(["--epochs=-1"]) == ["--epochs=-1"])
        #expect(joiningNegativeNumbers(["--epochs", "-x"]) == ["--epochs", "-x"])
        #expect(joiningNegativeNumbers(["-q", "-1"]) == ["-q", "-1"])
        #expect(joiningNegativeNumbers(["--", "--epochs", "-1"]) == ["--", "--epochs", "-1"])
    }

    @Test func unknownFlagsAndBadValuesGiveOneLine() {
        for arguments in [["--bogus"], ["--dataset", "cifar"], ["--seed", "minus-one"], ["--epochs", "--quick"],
                          ["--", "--epochs", "3"]] {
            let exit = exitFor(arguments)
            #expect(exit?.status == 64)
            #expect(exit?.message.contains("\n") == false)
            #expect(exit?.message.hasSuffix("(see --help)") == true)
        }
    }

    @Test func helpListsEveryFlagWithDefaults() {
        let exit = exitFor(["--help"])
        #expect(exit?.status == 0)
        for flag in ["--epochs", "--seed", "--quick", "--output", "--data", "--dataset", "--threads", "--drop-probability"] {
            #expect(exit?.message.contains(flag) == true, "help lacks \(flag)")
        }
        #expect(exit?.message.contains("default: 0") == true)
        // Opens with the chapter's summary, and shows its own default epoch count.
        #expect(exit?.message.hasPrefix("OVERVIEW: \(TestOptions.summary)\n\nUSAGE: chapter ") == true)
        let flat = exit?.message.split(whereSeparator: \.isWhitespace).joined(separator: " ") ?? ""
        #expect(flat.contains("Training epochs of the main model (default: \(TestOptions.defaultEpochs); 1 with --quick)."))
    }

    @Test func defaultEpochsComeFromTheOptionsType() throws {
        func epochs(_ arguments: [String]) throws -> Int {
            let common = try parseOptions(TestOptions.self, arguments: arguments + ["--output", temporaryDirectory().path]).common
            let run = try ChapterRun(name: "test", command: "chapter-test", common: common, defaultEpochs: TestOptions.defaultEpochs)
            defer { run.abandon() }
            return run.epochs()
        }
        #expect(try epochs([]) == TestOptions.defaultEpochs)
        #expect(try epochs(["--quick"]) == 1)
        #expect(try epochs(["--quick", "--epochs", "4"]) == 4)
    }
}

// One test at a time: a ChapterRun registers itself as the process's one interruptible run.
@Suite("Runs and outputs", .serialized)
struct OutputTests {
    /// Trains a 8-4-8 autoencoder for two epochs, writes a figure, a checkpoint and metrics.
    func successfulBody(_ options: TestOptions, _ run: ChapterRun) throws {
        let data = syntheticExamples(generator: run.generator)
        let model = Sequential<Float>.perceptron(sizes: [8, 4, 8], generator: run.generator)
        var optimizer = Adam(parameters: model.parameters, learningRate: 1e-2)
        let history = try run.train("tiny", epochs: run.epochs(), data: data, batchSize: 16) { batch in
            optimizer.zeroGradients()
            let loss = sigmoidCrossEntropy(logits: model(batch.inputs), labels: batch.inputs)
            loss.backward()
            optimizer.step()
            return Double(loss.scalarValue)
        }
        try LinePlot(title: "loss", xLabel: "epoch", yLabel: "loss", series: [LineSeries(name: "train", y: history.series("loss"))])
            .write(to: run.figure("loss"))
        try run.saveCheckpoint(prefixed("model", model.namedParameters), name: "model", architecture: "8-4-8")
        run.record("final_loss", history.series("loss").last!)
        run.record(text: "note", "tiny model")
    }

    @Test func outputLayoutAndMetrics() throws {
        let directory = temporaryDirectory()
        let status = executeChapter("test", options: TestOptions.self, arguments: ["--output", directory.path, "--seed", "3"], successfulBody)
        #expect(status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["figures", "metrics.json", "model.safetensors"])  // no staging folder left
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("figures/loss.png").path))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("metrics.json"))) as! [String: Any]
        for key in ["chapter", "seed", "epochs", "quick", "dataset", "threads", "seconds", "samples_per_second", "swift_version", "metrics", "texts"] {
            #expect(json[key] != nil, "metrics.json lacks \(key)")
        }
        #expect(json["seed"] as? Int == 3)
        #expect(json["epochs"] as? Int == 2)
        #expect((json["metrics"] as? [String: Any])?["final_loss"] is Double)
        #expect((json["texts"] as? [String: String])?["note"] == "tiny model")
        let checkpoint = try Checkpoint.read(from: directory.appendingPathComponent("model.safetensors"))
        #expect(checkpoint.tensors.keys.sorted() == ["model.0.bias", "model.0.weight", "model.2.bias", "model.2.weight"])
        #expect(checkpoint.metadata["architecture"] == "8-4-8")
    }

    @Test func sameSeedSameNumbers() throws {
        func finalLoss(seed: Int) throws -> Double {
            let directory = temporaryDirectory()
            #expect(executeChapter("test", options: TestOptions.self, arguments: ["--output", directory.path, "--seed", "\(seed)"], successfulBody) == 0)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("metrics.json"))) as! [String: Any]
            return (json["metrics"] as! [String: Double])["final_loss"]!
        }
        #expect(try finalLoss(seed: 5) == finalLoss(seed: 5))
        #expect(try finalLoss(seed: 5) != finalLoss(seed: 6))
    }

    @Test func failureLeavesThePreviousOutputsUntouched() throws {
        let directory = temporaryDirectory()
        #expect(executeChapter("test", options: TestOptions.self, arguments: ["--output", directory.path], successfulBody) == 0)
        let metrics = directory.appendingPathComponent("metrics.json")
        let before = try Data(contentsOf: metrics)
        let figureBefore = try Data(contentsOf: directory.appendingPathComponent("figures/loss.png"))
        // A second run writes a new figure and a metric, then fails half-way.
        let status = executeChapter("test", options: TestOptions.self, arguments: ["--output", directory.path]) { _, run in
            try LinePlot(title: "other", xLabel: "x", yLabel: "y", series: [LineSeries(name: "a", y: [3, 2, 1])]).write(to: run.figure("loss"))
            run.record("final_loss", 99)
            throw ChapterError("simulated failure")
        }
        #expect(status == 1)
        #expect(try Data(contentsOf: metrics) == before)
        #expect(try Data(contentsOf: directory.appendingPathComponent("figures/loss.png")) == figureBefore)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".staging") }
        #expect(leftovers.isEmpty)
    }

    @Test func divergingTrainingStopsWithEpochAndStep() throws {
        let directory = temporaryDirectory()
        let run = try ChapterRun(name: "test", command: "chapter-test", common: try parseOptions(TestOptions.self, arguments: ["--output", directory.path]).common, defaultEpochs: 2)
        let data = syntheticExamples(generator: run.generator)
        // A loss that turns infinite at the third step of the second epoch (as an exploding model's would).
        var steps = 0
        var caught: TrainingDiverged?
        do {
            try run.train("diverging", epochs: 50, data: data, batchSize: 8) { batch in
                steps += 1
                let batchesPerEpoch = (data.count + 7) / 8
                return ["loss": steps == batchesPerEpoch + 3 ? .infinity : Double(batch.inputs.count)]
            }
        } catch let error as TrainingDiverged {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.epoch == 2 && error.step == 3)
        #expect(!error.value.isFinite)
        #expect(error.description.contains("epoch \(error.epoch), step \(error.step)"))
        run.abandon()
    }

    @Test func unwritableOutputDirectoryIsReported() throws {
        let common = try parseOptions(TestOptions.self, arguments: ["--output", "/proc/no-such-place/run"]).common
        #expect(throws: ChapterError.self) { try ChapterRun(name: "test", command: "chapter-test", common: common, defaultEpochs: 2) }
        do {
            _ = try ChapterRun(name: "test", command: "chapter-test", common: common, defaultEpochs: 2)
        } catch {
            #expect("\(error)".hasPrefix("cannot create output directory /proc/no-such-place/run"))
        }
    }

    @Test func nonTerminalLogHasOneLinePerEpoch() {
        let line = ProgressReporter().epochLine(model: "autoencoder", epoch: 3, epochs: 20,
                                                values: ["test_loss": 0.305, "loss": 0.30121], samplesPerSecond: 48211.7, seconds: 2.06)
        #expect(line == "autoencoder  epoch 3/20  loss 0.3012  test_loss 0.3050  48211 samples/s  2.1 s")
    }

    @Test func epochLineOnANarrowTerminalSplitsBetweenFields() {
        let values = ["test_loss": 6.6421, "loss": 6.90634]
        let line = ProgressReporter().epochLine(model: "AE-10 (retrieval, training 1)", epoch: 1, epochs: 10,
                                                values: values, samplesPerSecond: 1582.2, seconds: 6.04, width: 80)
        #expect(line == "AE-10 (retrieval, training 1)  epoch 1/10  loss 6.9063  test_loss 6.6421\n"
                + "    1582 samples/s  6.0 s")
        #expect(line.split(separator: "\n").allSatisfy { $0.count < 80 })
        let wide = ProgressReporter().epochLine(model: "AE-10 (retrieval, training 1)", epoch: 1, epochs: 10,
                                                values: values, samplesPerSecond: 1582.2, seconds: 6.04, width: 200)
        #expect(!wide.contains("\n"))
    }
}
