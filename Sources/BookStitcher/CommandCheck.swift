import Foundation

/// A `swift run …` command written in the book's prose, with where it was written. Only
/// `CommandCheck.commands(inMarkdown:path:)` makes one, through the memberwise initialiser.
public struct ProseCommand: Equatable, Sendable {
    /// The Markdown file, as given.
    public let path: String
    /// The 1-based line the command starts on.
    public let line: Int
    /// The command, from `swift run` to its end (a trailing `# comment` removed).
    public let text: String
}

/// Checks that every `swift run …` command the book tells a reader to type parses and runs: each is
/// run with `--quick` and a scratch `--output`, using already-built binaries.
public enum CommandCheck {
    /// The one form of a command in the book: a release build, as `make book` uses.
    public static let convention = "swift run -c release"

    /// Every `swift run …` command in `markdown`: inline code spans that start with it, and lines of
    /// fenced code blocks that start with it (after an optional `$ `). A span that names no product
    /// (`swift run`, `swift run -c release`) mentions the tool and is not a command.
    public static func commands(inMarkdown markdown: String, path: String) -> [ProseCommand] {
        allCommands(inMarkdown: markdown, path: path).filter(namesProduct)
    }

    /// Whether a word follows `swift run` and its own options.
    static func namesProduct(_ command: ProseCommand) -> Bool {
        guard var words = words(command.text)?.dropFirst(2) else { return true }  // unbalanced quotes: let the check report it
        while let first = words.first, first.hasPrefix("-") {
            words.removeFirst(first == "-c" || first == "--configuration" ? min(2, words.count) : 1)
        }
        return !words.isEmpty
    }

    private static func allCommands(inMarkdown markdown: String, path: String) -> [ProseCommand] {
        var found: [ProseCommand] = []
        var prose: [Character] = [], proseLines: [Int] = []  // text outside fences, and each character's line
        var fences = FenceTracker()
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            switch fences.classify(String(line)) {
            case .opening, .closing:
                continue
            case .insideFence:
                var command = line.trimmingCharacters(in: .whitespaces)
                if command.hasPrefix("$ ") { command.removeFirst(2) }
                if command.hasPrefix("swift run") {
                    found.append(ProseCommand(path: path, line: number, text: withoutComment(command)))
                }
                continue
            case .prose:
                break
            }
            for character in line + "\n" {
                prose.append(character)
                proseLines.append(number)
            }
        }
        // Code spans: a run of backticks up to the next run of the same length (may cross lines).
        var position = 0
        while position < prose.count {
            guard prose[position] == "`" else { position += 1; continue }
            var length = 0
            while position + length < prose.count && prose[position + length] == "`" { length += 1 }
            var search = position + length, close: Int?
            while search < prose.count {
                if prose[search] == "`" {
                    var run = 0
                    while search + run < prose.count && prose[search + run] == "`" { run += 1 }
                    if run == length { close = search; break }
                    search += run
                } else {
                    search += 1
                }
            }
            guard let close else { position += length; continue }
            let content = String(prose[(position + length)..<close]).replacingOccurrences(of: "\n", with: " ")
                .trimmingCharacters(in: .whitespaces)
            if content.hasPrefix("swift run") {
                found.append(ProseCommand(path: path, line: proseLines[position], text: content))
            }
            position = close + length
        }
        return found.sorted { $0.line < $1.line }
    }

    /// `command` without a trailing shell comment (` # …` outside quotes).
    static func withoutComment(_ command: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for index in command.indices {
            let character = command[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" && previous.isWhitespace {
                return command[..<index].trimmingCharacters(in: .whitespaces)
            }
            previous = character
        }
        return command.trimmingCharacters(in: .whitespaces)
    }

    /// The words a POSIX shell makes of `command` for the simple forms prose uses (spaces, single and
    /// double quotes, backslash escapes); nil when a quote is not closed.
    static func words(_ command: String) -> [String]? {
        var words: [String] = [], current = "", inWord = false
        var quote: Character?, escaped = false
        for character in command {
            if escaped {
                current.append(character); escaped = false; inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else if character == "\\" && open == "\"" { escaped = true } else { current.append(character) }
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" || character == "'" {
                quote = character; inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character); inWord = true
            }
        }
        guard quote == nil, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }

    /// The product and program arguments of `command`, or why it cannot be checked. Like `swift run`,
    /// everything after the product name goes to the program unchanged (a `--` included).
    public static func invocation(_ command: ProseCommand) -> Result<(product: String, arguments: [String]), CommandProblem> {
        guard let words = words(command.text) else { return .failure(CommandProblem("a quote is not closed")) }
        guard words.count >= 5, words[0...3] == ["swift", "run", "-c", "release"] else {
            return .failure(CommandProblem("write it as `\(convention) <product> …`, the book's one form of a command"))
        }
        let product = words[4]
        guard !product.hasPrefix("-") else { return .failure(CommandProblem("no product after `\(convention)`")) }
        return .success((product, Array(words.dropFirst(5))))
    }

    /// The arguments the check runs: the command's own, with `--quick` added and `--output` pointed
    /// at `output`.
    public static func checkArguments(_ arguments: [String], output: String) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--output" { index += 2; continue }
            if argument.hasPrefix("--output=") { index += 1; continue }
            result.append(argument)
            index += 1
        }
        if !result.contains("--quick") { result.append("--quick") }
        return result + ["--output", output]
    }
}

/// Why a prose command fails the check.
public struct CommandProblem: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// One line.
    public let description: String
    /// The line, so `localizedDescription` shows it instead of Foundation's generic wording.
    public var errorDescription: String? { description }
    /// A problem described by `description`.
    public init(_ description: String) { self.description = description }
}

extension CommandCheck {
    /// What one command did when run.
    struct Outcome {
        var problem: String?
        var seconds: Double
    }

    /// Runs every command's product from the `binaries` folder with ``checkArguments(_:output:)``,
    /// `jobs` at a time (each with `--threads 1` when `jobs` > 1 and the command sets no thread count),
    /// and returns one diagnostic per command that does not parse or run. `log` gets one line per command.
    public static func run(
        _ commands: [ProseCommand], binaries: String, scratch: String, jobs: Int = 1, timeout: TimeInterval = 600,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) -> [Diagnostic] {
        let lock = NSLock()
        nonisolated(unsafe) var outcomes = [Outcome?](repeating: nil, count: commands.count)
        nonisolated(unsafe) var next = 0
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, commands.count))) { _ in
            while true {
                let index: Int? = lock.withLock {
                    defer { next += 1 }
                    return next < commands.count ? next : nil
                }
                guard let index else { return }
                let command = commands[index]
                let outcome = runOne(command, number: index, binaries: binaries, scratch: scratch, parallel: jobs > 1, timeout: timeout)
                log(String(format: "%@:%d: %@ (%.1f s)%@", command.path, command.line, command.text, outcome.seconds,
                           outcome.problem == nil ? "" : " FAILED"))
                lock.withLock { outcomes[index] = outcome }
            }
        }
        return zip(commands, outcomes).compactMap { command, outcome in
            outcome?.problem.map { Diagnostic(path: command.path, line: command.line, message: "`\(command.text)`: \($0)") }
        }
    }

    private static func runOne(_ command: ProseCommand, number: Int, binaries: String, scratch: String, parallel: Bool, timeout: TimeInterval) -> Outcome {
        let start = Date()
        func outcome(_ problem: String?) -> Outcome { Outcome(problem: problem, seconds: Date().timeIntervalSince(start)) }
        let product: String, arguments: [String]
        switch invocation(command) {
        case .failure(let problem): return outcome(problem.description)
        case .success(let parsed): (product, arguments) = parsed
        }
        let executable = joinPath(binaries, product)
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            return outcome("no built product '\(product)' in \(binaries)")
        }
        var checked = checkArguments(arguments, output: joinPath(scratch, "run-\(number)"))
        if parallel && !arguments.contains(where: { $0 == "--threads" || $0.hasPrefix("--threads=") }) { checked += ["--threads", "1"] }
        let errorPath = joinPath(scratch, "run-\(number).stderr")
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: errorPath, contents: nil), let errorFile = FileHandle(forWritingAtPath: errorPath) else {
            return outcome("cannot write \(errorPath)")
        }
        defer { try? errorFile.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = checked
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorFile
        do {
            try process.run()
        } catch {
            return outcome("cannot start \(executable): \(error.localizedDescription)")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            // SIGTERM lets a chapter remove its staging folder; SIGKILL if it does not end.
            process.terminate()
            let grace = Date().addingTimeInterval(5)
            while process.isRunning && Date() < grace { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return outcome("still running after \(Int(timeout)) s with --quick; stopped")
        }
        process.waitUntilExit()
        guard process.terminationStatus != 0 || process.terminationReason != .exit else { return outcome(nil) }
        let errorText = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        let lastLine = errorText.split(separator: "\n").last.map(String.init) ?? "(no message)"
        let status = process.terminationReason == .exit ? "status \(process.terminationStatus)" : "signal \(process.terminationStatus)"
        return outcome("failed with \(status) when run as `\(product) \(checked.joined(separator: " "))`: \(lastLine)")
    }
}
