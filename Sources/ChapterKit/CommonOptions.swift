import ArgumentParser
import Datasets
import Foundation

extension ImageDatasetKind: ExpressibleByArgument {}

/// The flags every chapter accepts. A chapter's options struct includes them with
/// `@OptionGroup var common: CommonOptions` and adds its own beside them.
public struct CommonOptions: ParsableArguments {
    /// The default epoch count that `--help` shows: set from ``ChapterOptions/defaultEpochs`` while
    /// the command line is parsed, because the flag is declared once for every chapter.
    @TaskLocal static var chapterDefaultEpochs: Int?

    /// Training epochs of the chapter's main model (each chapter has its own default).
    @Option(help: ArgumentHelp(
        "Training epochs of the main model (default: \(CommonOptions.chapterDefaultEpochs.map(String.init) ?? "the chapter's own"); 1 with --quick)."))
    public var epochs: Int?

    /// The seed of the one random generator of the run.
    @Option(help: "Seed of the one random generator: same seed and thread count, same numbers.")
    public var seed: UInt64 = 0

    /// Small subset, few steps: the whole chapter in seconds, for tests and for trying an edit.
    @Flag(help: "Smoke run: a small subset and few steps (the whole chapter in seconds).")
    public var quick = false

    /// Where figures, metrics.json and checkpoints go.
    @Option(help: "Output directory (default: runs/<chapter>).")
    public var output: String?

    /// A directory holding the IDX files (instead of the usual search).
    @Option(help: "Directory with the dataset's IDX files (default: $AUTOENCODER_DATA, ./data, then /usr/share/datasets/fashion-mnist).")
    public var data: String?

    /// Which image set to use.
    @Option(help: "Image set: fashion-mnist or mnist.")
    public var dataset: ImageDatasetKind = .fashionMNIST

    /// BLAS threads (the numbers are reproducible for a fixed count).
    @Option(help: "BLAS threads.")
    public var threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, 2)

    /// Creates the defaults (ArgumentParser fills the values from the command line).
    public init() {}

    /// Checks the common ranges; called before any work.
    public func check() throws {
        if let epochs { try requireAtLeast(1, epochs, flag: "--epochs") }
        try requireInRange(threads, 1...256, flag: "--threads")
    }
}

/// A chapter's options: its own flags plus the common ones, and the two facts `--help` opens with.
///
/// ```
/// struct Options: ChapterOptions {
///     static let summary = "The variational autoencoder: ..."
///     static let defaultEpochs = 10
///     @OptionGroup var common: CommonOptions
///     ...
/// }
/// ```
public protocol ChapterOptions: ParsableArguments {
    /// One line that says what the chapter does; the first line of `--help`.
    static var summary: String { get }
    /// Epochs of the chapter's main model in a full run: shown by `--help`, returned by
    /// ``ChapterRun/epochs(quick:)`` unless `--epochs` or `--quick` says otherwise.
    static var defaultEpochs: Int { get }
    /// The common flags (`@OptionGroup var common: CommonOptions`).
    var common: CommonOptions { get }
    /// Refuses out-of-range values with one line (throw ``ChapterError`` via ``require(_:_:)``).
    func check() throws
}

extension ChapterOptions {
    /// No chapter-specific checks.
    public func check() throws {}
}

/// A failure a user can fix (bad flag, missing data, unwritable directory, diverged training):
/// printed as one line, exit status 1.
public struct ChapterError: Error, CustomStringConvertible {
    /// The one-line message.
    public let description: String
    /// An error with a one-line message.
    public init(_ description: String) { self.description = description }
}

/// Throws a ``ChapterError`` with `message` unless `condition` holds.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ChapterError(message()) }
}

/// Checks that a probability lies strictly between 0 and 1.
public func requireProbability(_ value: Double, flag: String) throws {
    try require(value > 0 && value < 1, "\(flag) must lie strictly between 0 and 1, got \(value)")
}

/// Checks that an integer flag lies in `range`, e.g. "--from-class must be between 0 and 9, got 10".
public func requireInRange(_ value: Int, _ range: ClosedRange<Int>, flag: String) throws {
    try require(range.contains(value), "\(flag) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
}

/// Checks that an integer flag is at least `minimum`, e.g. "--hidden-size must be at least 1, got 0".
public func requireAtLeast(_ minimum: Int, _ value: Int, flag: String) throws {
    try require(value >= minimum, "\(flag) must be at least \(minimum), got \(value)")
}

/// Checks that a number is finite and above 0, e.g. "--beta must be a positive number, got inf".
public func requirePositive(_ value: Double, flag: String) throws {
    try require(value > 0 && value.isFinite, "\(flag) must be a positive number, got \(value)")
}

/// Checks that a number is finite and at least 0, e.g. "--l1 must be a number ≥ 0, got -1.0".
public func requireNonNegative(_ value: Double, flag: String) throws {
    try require(value >= 0 && value.isFinite, "\(flag) must be a number ≥ 0, got \(value)")
}
