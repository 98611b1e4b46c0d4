import Foundation

/// One problem found while stitching the book, reported as
/// `path:line: error: message` (or `path: error: message` when no line applies).
///
/// The stitcher treats every problem as an error: a build with any diagnostic writes nothing.
public struct Diagnostic: Equatable, Sendable, CustomStringConvertible {
    /// The file the problem is in, spelled as the user passed its directory (e.g. `Chapters/Basic/chapter.md`).
    public let path: String
    /// The 1-based line in `path`, when the problem has one.
    public let line: Int?
    /// The human-readable message, without the `error:` prefix.
    public let message: String

    /// Creates a diagnostic for `path` (and optionally `line`) with `message`.
    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// The single-line rendering: `Chapters/Basic/chapter.md:42: error: unknown metric 'tets_loss' …`.
    public var description: String {
        if let line {
            return "\(path):\(line): error: \(message)"
        }
        return "\(path): error: \(message)"
    }
}

/// Collects diagnostics across the whole book so that every problem is reported in one run.
///
/// Duplicate diagnostics (same path, line and message) are recorded once.
public final class DiagnosticCollector {
    /// The diagnostics collected so far, in the order they were found.
    public private(set) var diagnostics: [Diagnostic] = []

    /// Creates an empty collector.
    public init() {}

    /// Records `diagnostic` unless an identical one was already recorded.
    public func report(_ diagnostic: Diagnostic) {
        if !diagnostics.contains(diagnostic) {
            diagnostics.append(diagnostic)
        }
    }

    /// Records a diagnostic for `path` (and optionally `line`) with `message`.
    public func report(path: String, line: Int? = nil, _ message: String) {
        report(Diagnostic(path: path, line: line, message: message))
    }

    /// Whether any problem has been recorded.
    public var hasErrors: Bool { !diagnostics.isEmpty }
}

/// The error thrown by a stitch that found problems; it carries every diagnostic found.
public struct StitchFailure: Error, CustomStringConvertible {
    /// Every problem found, in the order found.
    public let diagnostics: [Diagnostic]

    /// Creates a failure carrying `diagnostics`.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// All diagnostics, one per line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
