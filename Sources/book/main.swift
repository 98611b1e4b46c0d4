import ArgumentParser
import BookStitcher
import Foundation

/// The `book` command: stitches the Markdown book (default) or exports it to one HTML page.
struct BookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Stitch the chapters' prose, code listings, run metrics and figures into the Markdown book.",
        discussion: """
        Exit status: 0 on success; 1 when the book has problems (each printed as 'path:line: error: message', \
        nothing written); 64 on a command-line usage error.
        """,
        subcommands: [Stitch.self, HTML.self, CheckCommands.self, CheckHTML.self],
        defaultSubcommand: Stitch.self
    )
}

/// `book stitch` (the default subcommand).
struct Stitch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stitch the book; every problem is reported and nothing is written if there is any."
    )

    @Option(help: "The chapters directory, holding book.json and one directory per chapter.")
    var chapters = "Chapters"

    @Option(help: "The runs directory, holding <short>/metrics.json and <short>/figures/*.png.")
    var runs = "runs"

    @Option(help: "The output directory; replaced as a whole on success.")
    var output = "book"

    @Flag(help: "Mark the book as a quick-mode build (banner in the README) and accept quick-mode runs.")
    var quick = false

    @Option(help: "Stitch only these chapters (comma-separated short names, e.g. basic,vae); numbering follows the manifest.")
    var only: String?

    @Option(help: "The widest listing line allowed, in characters; each wider line is an error naming its file, line and anchor. 0 turns the check off.")
    var maxListingWidth = StitchOptions.defaultMaximumListingWidth

    func validate() throws {
        if let problem = StitchOptions.listingWidthProblem(maxListingWidth) {
            throw ValidationError(problem)
        }
    }

    func run() throws {
        let onlyChapters = only.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let options = StitchOptions(chaptersDirectory: chapters, runsDirectory: runs, outputDirectory: output, quick: quick,
                                    onlyChapters: onlyChapters, maximumListingWidth: StitchOptions.listingWidthLimit(maxListingWidth))
        do {
            let report = try Stitcher.stitch(options)
            print("book: wrote \(report.pages.count) pages and \(report.figures.count) figures to \(output)/")
        } catch let failure as StitchFailure {
            for diagnostic in failure.diagnostics {
                printError(diagnostic.description)
            }
            printError("book: \(failure.diagnostics.count) error(s); nothing written")
            throw ExitCode.failure
        }
    }
}

/// `book html`: one self-contained HTML page through pandoc.
struct HTML: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Concatenate the stitched README and chapters into one self-contained HTML page with pandoc (exits 0 with a message if pandoc is missing)."
    )

    @OptionGroup var page: BookPage

    func run() throws {
        try exitingOnError({ "book: cannot export '\(page.book)': \($0.localizedDescription)" }) {
            switch try HTMLExport.export(bookDirectory: page.book, outputFile: page.html) {
            case .written:
                print("book: wrote \(page.html)")
            case .pandocMissing:
                print("book: pandoc is not installed; skipping the HTML export (apt-get install pandoc)")
            case .pandocFailed(let status):
                printError("book: pandoc failed with status \(status)")
                throw ExitCode(status)
            }
        }
    }
}

/// `book check-commands`: every `swift run …` command of the prose, run with `--quick`.
struct CheckCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-commands",
        abstract: "Run every `swift run …` command of the given Markdown files with --quick and a scratch --output, using built binaries; report each one that does not parse or run as path:line."
    )

    @Option(help: "The folder holding the built products (chapter-basic, …).")
    var binaries = ".build/debug"

    @Option(help: "A scratch folder for the runs' outputs (removed afterwards).")
    var scratch: String?

    @Option(help: "Commands run at once (each with --threads 1 when more than one).")
    var jobs = 1

    @Argument(help: "The Markdown files to read.")
    var files: [String]

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        guard !files.isEmpty else { throw ValidationError("name at least one Markdown file") }
    }

    func run() throws {
        var commands: [ProseCommand] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("\(file): error: cannot read the file")
                throw ExitCode.failure
            }
            commands += CommandCheck.commands(inMarkdown: String(decoding: data, as: UTF8.self), path: file)
        }
        let folder = scratch ?? FileManager.default.temporaryDirectory.appendingPathComponent("book-commands-\(UUID().uuidString)").path
        defer { if scratch == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let problems = CommandCheck.run(commands, binaries: binaries, scratch: folder, jobs: jobs) { print($0) }
        for problem in problems {
            printError(problem.description)
        }
        print(problems.isEmpty
              ? "book: all \(commands.count) commands of \(files.count) files ran"
              : "book: \(problems.count) of \(commands.count) commands of \(files.count) files did not run")
        if !problems.isEmpty { throw ExitCode.failure }
    }
}

/// `book check-html`: the HTML book as headless Chromium shows it.
struct CheckHTML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-html",
        abstract: "Load the HTML book in headless Chromium and check that every display formula became math, that no raw $$ or \\frac is left, that no link points at a .md file and that every figure is embedded."
    )

    @OptionGroup var page: BookPage

    func run() throws {
        guard let chromium = HTMLExport.executablePath(named: "chromium") ?? HTMLExport.executablePath(named: "chromium-browser") else {
            printError("book: chromium is not installed (apt-get install chromium)")
            throw ExitCode.failure
        }
        let (book, html) = (page.book, page.html)
        try exitingOnError({ "book: cannot check '\(html)': \($0.localizedDescription)" }) {
            var formulas = 0
            for name in try HTMLExport.pages(inBook: book) {
                formulas += HTMLCheck.displayFormulaCount(inMarkdown: try String(contentsOfFile: "\(book)/\(name)", encoding: .utf8))
            }
            let problems = HTMLCheck.problems(inDOM: try HTMLCheck.renderedDOM(htmlFile: html, chromium: chromium), expectedDisplayFormulas: formulas)
            for problem in problems {
                printError("\(html): error: \(problem)")
            }
            guard problems.isEmpty else { throw ExitCode.failure }
            print("book: \(html) checked in Chromium: \(formulas) display formulas rendered as MathML, no raw TeX, no links to .md files")
        }
    }
}

/// The stitched book and its one-page HTML export: what `book html` writes and `book check-html` checks.
struct BookPage: ParsableArguments {
    @Option(help: "The stitched book directory (README.md and the numbered chapter pages).")
    var book = "book"

    @Option(help: "The one self-contained HTML page of the book.")
    var html = "book.html"
}

/// Runs `body`, letting an `ExitCode` it throws through and turning any other error into the one
/// line `message(error)` on standard error and exit status 1.
func exitingOnError(_ message: (Error) -> String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError(message(error))
        throw ExitCode.failure
    }
}

/// Writes `line` and a newline to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

BookCommand.main()
