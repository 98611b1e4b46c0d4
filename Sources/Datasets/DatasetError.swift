/// The one error every loader in this module throws for missing, truncated or corrupt data.
///
/// Its `description` is always a single line that names the file or directory involved and says
/// what is wrong, so a chapter can print it as is and exit.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    /// The file or directory the problem concerns, or `nil` when the problem has no single path
    /// (for example "no data directory found", whose message lists every path tried).
    public let path: String?
    /// What is wrong, in a few words, without a trailing full stop and without newlines.
    public let problem: String

    /// Creates an error about `path` (or about no particular path) describing `problem`.
    public init(path: String?, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// One line: `"<path>: <problem>"`, or just the problem when there is no path.
    public var description: String {
        let oneLineProblem = problem.split(whereSeparator: \.isNewline).joined(separator: " ")
        if let path { return "\(path): \(oneLineProblem)" }
        return oneLineProblem
    }
}
