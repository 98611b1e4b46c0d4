import ArgumentParser
import Foundation

/// How a chapter stops before or instead of running: help text (status 0) or a one-line error.
struct ChapterExit: Error {
    /// The process exit status: 0 for `--help`, 64 for a bad command line.
    let status: Int32
    /// The full help text, or one error line.
    let message: String
}

/// Parses and checks the command line; `--help` and every error come back as a ``ChapterExit``.
func parseOptions<Options: ChapterOptions>(_ type: Options.Type, arguments: [String], command: String = "chapter") throws -> Options {
    try CommonOptions.$chapterDefaultEpochs.withValue(Options.defaultEpochs) {
        do {
            var options = try Options.parse(joiningNegativeNumbers(arguments))
            try options.common.check()
            try options.check()
            try options.validate()
            return options
        } catch let error as ChapterError {
            throw ChapterExit(status: 64, message: error.description)
        } catch {
            if Options.exitCode(for: error) == .success {
                throw ChapterExit(status: 0, message: helpText(Options.self, error: error, command: command))
            }
            throw ChapterExit(status: 64, message: oneLineUsageError(Options.self, for: error))
        }
    }
}

/// The one line a chapter or a tool prints for a wrong command line: the first line of
/// ArgumentParser's message for `error`, then "(see --help)".
public func oneLineUsageError<Command: ParsableArguments>(_ type: Command.Type, for error: Error) -> String {
    let message = Command.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
    return "\(message) (see --help)"
}

/// The chapter's one-line summary, then ArgumentParser's usage and flag list under the command's name.
private func helpText<Options: ChapterOptions>(_ type: Options.Type, error: Error, command: String) -> String {
    // ArgumentParser names a bare options struct after its type ("options"); use the command.
    var help = Options.fullMessage(for: error)
    if let usage = help.range(of: #"USAGE: \S+"#, options: .regularExpression) {
        help.replaceSubrange(usage, with: "USAGE: \(command)")
    }
    return "OVERVIEW: \(Options.summary)\n\n" + help
}

/// `["--epochs", "-1"]` → `["--epochs=-1"]`: ArgumentParser reads a lone `-1` as a short flag and
/// would report a missing value; joined, the value reaches the range check, which names it.
func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument.hasPrefix("--"), argument.count > 2, !argument.contains("="),
           index + 1 < arguments.count, isNegativeNumber(arguments[index + 1]) {
            result.append("\(argument)=\(arguments[index + 1])")
            index += 2
        } else {
            if argument == "--" { return result + arguments[index...] }
            result.append(argument)
            index += 1
        }
    }
    return result
}

/// `-1`, `-0.5`, `-.5`, `-1e-3`.
private func isNegativeNumber(_ text: String) -> Bool {
    text.range(of: #"^-(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"#, options: .regularExpression) != nil
}

/// `chapter-x: error: message` (or `bench: error: message`) on standard error.
public func printError(command: String, _ message: String) {
    FileHandle.standardError.write(Data("\(command): error: \(message)\n".utf8))
}
