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
        subcommands: [Stitch.self, HTML.self],
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
                FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
            }
            FileHandle.standardError.write(Data("book: \(failure.diagnostics.count) error(s); nothing written\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `book html`: one self-contained HTML page through pandoc.
struct HTML: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Concatenate the stitched README and chapters into one self-contained HTML page with pandoc (exits 0 with a message if pandoc is missing)."
    )

    @Option(help: "The stitched book directory.")
    var book = "book"

    @Option(help: "The HTML file to write.")
    var output = "book.html"

    func run() throws {
        do {
            switch try HTMLExport.export(bookDirectory: book, outputFile: output) {
            case .written:
                print("book: wrote \(output)")
            case .pandocMissing:
                print("book: pandoc is not installed; skipping the HTML export (apt-get install pandoc)")
            case .pandocFailed(let status):
                FileHandle.standardError.write(Data("book: pandoc failed with status \(status)\n".utf8))
                throw ExitCode(status)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("book: cannot export '\(book)': \(error.localizedDescription)\n".utf8))
            throw ExitCode.failure
        }
    }
}

BookCommand.main()
