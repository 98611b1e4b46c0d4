import Datasets
import Foundation
import TensorEngine

/// One run of a chapter: its options, its random generator, its outputs and its numbers.
///
/// Outputs are written into a staging folder inside the output directory and moved into place only
/// when the chapter finishes, so a run that fails (bad data, diverged training) leaves the previous
/// run's figures, checkpoints and metrics untouched.
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
    /// The final output directory.
    public let outputDirectory: URL
    /// Where this run's files are staged until ``finish()``.
    let stagingDirectory: URL

    var metrics: [(String, Double)] = []
    var texts: [(String, String)] = []
    var written: [String] = []
    var epochsOfMainModel = 0
    var trainedSamples = 0
    var trainingSeconds = 0.0
    let startTime = Date()
    let progress = ProgressReporter()

    init(name: String, command: String, common: CommonOptions) throws {
        self.name = name
        self.command = command
        self.common = common
        generator = SeededGenerator(seed: common.seed)
        setThreadCount(common.threads)
        outputDirectory = URL(fileURLWithPath: common.output ?? "runs/\(name)", isDirectory: true).standardizedFileURL
        stagingDirectory = outputDirectory.appendingPathComponent(".staging-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: stagingDirectory.appendingPathComponent("figures"), withIntermediateDirectories: true)
        } catch {
            throw ChapterError("cannot create output directory \(outputDirectory.path): \(describeFileError(error))")
        }
        // Probe that the directory is really writable (permissions are checked on create, not mkdir -p).
        let probe = stagingDirectory.appendingPathComponent(".probe")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data()) else {
            throw ChapterError("cannot write into output directory \(outputDirectory.path): Permission denied")
        }
        try? FileManager.default.removeItem(at: probe)
    }

    // MARK: Configuration

    /// The epochs to train the main model: `--epochs` if given, else `quick` for smoke runs and `full`
    /// otherwise. Recorded in metrics.json.
    public func epochs(full: Int, quick: Int = 1) -> Int {
        let epochs = common.epochs ?? (isQuick ? quick : full)
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
        written.append("figures/\(name).png")
        return stagingDirectory.appendingPathComponent("figures/\(name).png")
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
            try checkpoint.write(to: stagingDirectory.appendingPathComponent("\(name).safetensors"))
        } catch let error as CheckpointError {
            throw ChapterError(error.description)
        }
        written.append("\(name).safetensors")
    }

    /// Prints a line (above the progress bar on a terminal).
    public func log(_ message: String) { progress.printLine(message) }

    // MARK: Finishing

    /// Writes metrics.json, moves every staged file into the output directory and prints a summary.
    public func finish() throws {
        let seconds = Date().timeIntervalSince(startTime)
        let report = MetricsReport(
            chapter: name, seed: common.seed, epochs: epochsOfMainModel, quick: isQuick, dataset: common.dataset.rawValue,
            threads: common.threads, seconds: seconds,
            samplesPerSecond: trainingSeconds > 0 ? Double(trainedSamples) / trainingSeconds : 0,
            metrics: metrics, texts: texts)
        do {
            try report.json().write(to: stagingDirectory.appendingPathComponent("metrics.json"), options: .atomic)
            written.append("metrics.json")
            let manager = FileManager.default
            for path in Set(written) {
                let destination = outputDirectory.appendingPathComponent(path)
                try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                // rename(2) replaces the old file atomically.
                guard Foundation.rename(stagingDirectory.appendingPathComponent(path).path, destination.path) == 0 else {
                    throw ChapterError("cannot move \(path) into \(outputDirectory.path): \(String(cString: strerror(errno)))")
                }
            }
            try? manager.removeItem(at: stagingDirectory)
        } catch let error as ChapterError {
            throw error
        } catch {
            throw ChapterError("cannot write outputs into \(outputDirectory.path): \(describeFileError(error))")
        }
        progress.printLine("")
        progress.printLine("\(command) finished in \(String(format: "%.1f", seconds)) s\(isQuick ? " (quick mode)" : "")")
        for (key, value) in metrics { progress.printLine("  \(key) = \(formatMetric(value))") }
        progress.printLine("wrote \(written.count) files to \(outputDirectory.path): \(Set(written).sorted().joined(separator: ", "))")
    }

    /// Removes the staging folder after a failure, leaving the previous outputs as they were.
    func abandon() {
        try? FileManager.default.removeItem(at: stagingDirectory)
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
    exit(executeChapter(name, options: type, arguments: arguments, body))
}

/// ``runChapter(_:options:arguments:_:)`` without exiting: returns the exit status (0 success,
/// 1 failure while running, 64 bad command line) after printing help or the one-line error.
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
        run = try ChapterRun(name: name, command: command, common: options.common)
    } catch {
        printError(command: command, "\(error)")
        return 1
    }
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
    if value == value.rounded() && Swift.abs(value) < 1e9 { return String(Int(value)) }
    return String(format: Swift.abs(value) >= 100 ? "%.2f" : "%.4g", value)
}
