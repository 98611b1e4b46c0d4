import Foundation

// A student's function can stop the whole program (a shape the engine refuses traps in a
// precondition). Each exercise therefore runs in a child process; if the child dies, the parent says
// so in one line, quoting the child's last words, and the next exercise still runs.

/// How a child check process ended.
public struct IsolatedOutcome: Sendable {
    /// The child's exit status, or 128 + the signal that stopped it.
    public let status: Int32
    /// One line for the student when the child was stopped by a signal; nil otherwise.
    public let crashMessage: String?
}

/// Runs `executable` with `arguments`, its standard output shared with ours, its standard error
/// captured; returns the exit status, and a message naming the error when the child crashed.
public func runIsolated(executable: URL, arguments: [String], exercise: String) -> IsolatedOutcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    do {
        try process.run()
    } catch {
        return IsolatedOutcome(status: 1, crashMessage: "\(exercise): could not start the check (\(executable.path)): \(error.localizedDescription)")
    }
    let captured = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationReason == .uncaughtSignal else {
        if !captured.isEmpty { FileHandle.standardError.write(Data(captured.utf8)) }
        return IsolatedOutcome(status: process.terminationStatus, crashMessage: nil)
    }
    let lines = captured.split(separator: "\n").map(String.init)
    let cause = lines.last { $0.contains("Fatal error") || $0.contains("Precondition failed") || $0.contains("error:") }
        ?? lines.last ?? "no message"
    return IsolatedOutcome(status: 128 + process.terminationStatus,
                           crashMessage: "\(exercise): FAIL — your code stopped the program (signal \(process.terminationStatus)): \(cause)")
}
