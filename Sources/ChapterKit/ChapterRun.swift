import Datasets
import FileOutput
import Foundation
import TensorEngine

/// One run of a chapter: its options, its random generator, its outputs and its numbers.
///
/// Outputs are written into a staging folder inside the output directory and moved into place only
/// when the chapter finishes (see ``StagedOutputs`` for what is replaced), so a run that fails (bad
/// data, diverged training) or is interrupted leaves the previous run's files untouched.
public final class ChapterRun {
    /// The chapter's short name (`basic`, `vae`, …).
    public let name: String
    /// The command name (`chapter-basic`, …).
    public let command: String
    /// The common flags.
    public let common: CommonOptions
    /// The one random generator of the run, seeded by `--seed`.
    public let generator: SeededGenerator
    /// Whether this is a `--quick` smoke run.
    public var isQuick: Bool { common.quick }
    /// The data set that metrics.json (and the book's footer) names: `--dataset` unless the chapter
    /// sets what it really read (the text chapter's corpus).
    public var datasetName: String?
    /// The final output directory.
    public var outputDirectory: URL { outputs.directory }
    /// The output and staging folders.
    let outputs: StagedOutputs
    /// Epochs of the main model in a full run (the chapter's ``ChapterOptions/defaultEpochs``).
    let defaultEpochs: Int

    var metrics: [(String, Double)] = []
    var texts: [(String, String)] = []
    var checkpoints: Set<String> = []
    var epochsOfMainModel = 0
    var trainedSamples = 0
    var trainingSeconds = 0.0
    let startTime = Date()
    let progress: ProgressReporter

    init(name: String, command: String, common: CommonOptions, defaultEpochs: Int, progress: ProgressReporter = ProgressReporter()) throws {
        self.name = name
        self.command = command
        self.common = common
        self.defaultEpochs = defaultEpochs
        self.progress = progress
        generator = SeededGenerator(seed: common.seed)
        setThreadCount(common.threads)
        outputs = try StagedOutputs(path: common.output ?? "runs/\(name)")
    }

    // MARK: Configuration

    /// The epochs to train the main model: `--epochs` if given, else `quick` for smoke runs and the
    /// chapter's ``ChapterOptions/defaultEpochs`` otherwise. Recorded in metrics.json.
    public func epochs(quick: Int = 1) -> Int {
        let epochs = common.epochs ?? (isQuick ? quick : defaultEpochs)
        epochsOfMainModel = epochs
        return epochs
    }

    /// A size for a secondary experiment: `full` normally, `quick` in smoke runs.
    public func scaled(full: Int, quick: Int) -> Int { isQuick ? quick : full }

    // MARK: Data

    /// The image set chosen by `--dataset` and `--data`: all of it, or a class-balanced subset of
    /// 1 000 training and 500 test images with `--quick`.
    public func loadImages() throws -> (train: Examples, test: Examples, classNames: [String]) {
        let dataset: ImageDataset
        do {
            dataset = try ImageDataset(common.dataset, location: DataLocation.fromProcess(dataFlag: common.data))
        } catch let error as DatasetError {
            throw ChapterError(error.description)
        }
        var train = Examples(dataset.train), test = Examples(dataset.test)
        if isQuick {
            train = train.selecting(Batching.firstIndicesPerClass(labels: train.labels, perClass: 100))
            test = test.selecting(Batching.firstIndicesPerClass(labels: test.labels, perClass: 50))
        }
        log("\(common.dataset.displayName) from \(dataset.directory): \(train.count) training and \(test.count) test images")
        return (train, test, dataset.classNames)
    }

    // MARK: Outputs

    /// Where to write figure `name` (a PNG under `figures/`), staged until ``finish()``.
    public func figure(_ name: String) -> URL {
        let url = outputs.stagedURL("figures/\(name).png")
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
    }

    /// Records a number the book quotes (`{{metric:name}}`).
    public func record(_ name: String, _ value: Double) {
        metrics.removeAll { $0.0 == name }
        metrics.append((name, value))
    }

    /// Records a string the book quotes (`{{text:name}}`).
    public func record(text name: String, _ value: String) {
        texts.removeAll { $0.0 == name }
        texts.append((name, value))
    }

    /// Saves named parameters as a safetensors checkpoint `name.safetensors`.
    public func saveCheckpoint(_ parameters: [(name: String, tensor: Tensor<Float>)], name: String, architecture: String) throws {
        let checkpoint = Checkpoint(parameters: parameters, metadata: [
            "architecture": architecture, "chapter": self.name, "seed": String(common.seed), "format": "pt",
        ])
        do {
            try checkpoint.write(to: outputs.stagedURL("\(name).safetensors"))
        } catch let error as CheckpointError {
            throw ChapterError(error.description)
        }
        checkpoints.insert("\(name).safetensors")
    }

    /// Prints a line (above the progress bar on a terminal).
    public func log(_ message: String) { progress.printLine(message) }

    // MARK: Finishing

    /// Writes metrics.json, moves every staged file into the output directory and prints a summary.
    public func finish() throws {
        let seconds = Date().timeIntervalSince(startTime)
        // metrics.json holds numbers only: a NaN or infinite value is left out (and said so below), so
        // the book reports a placeholder it cannot fill instead of quoting "nan".
        let report = MetricsReport(
            chapter: name, seed: common.seed, epochs: epochsOfMainModel, quick: isQuick,
            dataset: datasetName ?? common.dataset.rawValue,
            threads: common.threads, seconds: seconds,
            samplesPerSecond: trainingSeconds > 0 ? Double(trainedSamples) / trainingSeconds : 0,
            metrics: metrics.filter { $0.1.isFinite }, texts: texts)
        let figures = ((try? FileManager.default.subpathsOfDirectory(atPath: outputs.stagedURL("figures").path)) ?? [])
            .filter { $0.hasSuffix(".png") }.map { "figures/\($0)" }
        do {
            try writeAtomically(report.json(), to: outputs.stagedURL("metrics.json"), kind: "metrics")
            try Interruption.deferringSignals { try outputs.commit(checkpoints: checkpoints) }
        } catch let error as ChapterError {
            throw error
        } catch {
            throw ChapterError("cannot write outputs into \(outputs.displayPath): \(describeFileError(error))")
        }
        let written = (figures + checkpoints + ["metrics.json"]).sorted()
        progress.printLine("")
        progress.printLine("\(command) finished in \(String(format: "%.1f", seconds)) s\(isQuick ? " (quick mode)" : "")")
        for (key, value) in metrics {
            progress.printLine("  \(key) = \(formatMetric(value))" + (value.isFinite ? "" : " (not a number: left out of metrics.json)"))
        }
        progress.printLine("wrote \(written.count) files to \(outputs.displayPath): \(written.joined(separator: ", "))")
    }

    /// Removes the staging folder after a failure, leaving the previous outputs as they were.
    func abandon() {
        outputs.abandon()
    }
}

/// Parses the chapter's flags, runs `body` and turns every error into one line and a non-zero exit.
///
/// ```
/// runChapter("vae", options: VAEOptions.self) { options, run in
///     ...
/// }
/// ```
public func runChapter<Options: ChapterOptions>(
    _ name: String, options type: Options.Type, arguments: [String] = Array(CommandLine.arguments.dropFirst()),
    _ body: (Options, ChapterRun) throws -> Void
) -> Never {
    setvbuf(stdout, nil, _IOLBF, 0)
    Interruption.install(command: "chapter-\(name)")
    exit(executeChapter(name, options: type, arguments: arguments, body))
}

/// ``runChapter(_:options:arguments:_:)`` without exiting: returns the exit status (0 success,
/// 1 failure while running, 64 bad command line) after printing help or the one-line error.
/// (Ctrl-C and SIGTERM are handled only under ``runChapter(_:options:arguments:_:)``, which exits
/// with 130 or 143 after removing the staging folder.)
public func executeChapter<Options: ChapterOptions>(
    _ name: String, options type: Options.Type, arguments: [String], _ body: (Options, ChapterRun) throws -> Void
) -> Int32 {
    let command = "chapter-\(name)"
    let options: Options
    do {
        options = try parseOptions(type, arguments: arguments, command: command)
    } catch let exit as ChapterExit {
        if exit.status == 0 { print(exit.message) } else { printError(command: command, exit.message) }
        return exit.status
    } catch {
        printError(command: command, "\(error)")
        return 64
    }
    let run: ChapterRun
    do {
        run = try ChapterRun(name: name, command: command, common: options.common, defaultEpochs: Options.defaultEpochs)
    } catch {
        printError(command: command, "\(error)")
        return 1
    }
    Interruption.setActiveRun(run)
    defer { Interruption.setActiveRun(nil) }
    do {
        try body(options, run)
        try run.finish()
    } catch {
        run.progress.endLine()
        run.abandon()
        printError(command: command, "\(error)")
        return 1
    }
    return 0
}

/// A number as the summary prints it.
func formatMetric(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    if value == value.rounded() && Swift.abs(value) < 1e9 { return String(Int(value)) }
    return String(format: Swift.abs(value) >= 100 ? "%.2f" : "%.4g", value)
}
