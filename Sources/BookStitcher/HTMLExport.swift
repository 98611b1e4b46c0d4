import FileOutput
import Foundation

/// Turns a stitched book directory into one self-contained HTML page with pandoc: math as MathML
/// (rendered by the browser, no network), figures embedded, links between pages as in-page anchors.
public enum HTMLExport {
    /// The outcome of an export.
    public enum Outcome: Equatable, Sendable {
        /// The page was written.
        case written
        /// pandoc is not installed; nothing was done (not an error).
        case pandocMissing
        /// pandoc failed with this exit status.
        case pandocFailed(Int32)
    }

    /// The Markdown files of the book in reading order: `README.md`, then the `NN-short.md` pages sorted by name.
    public static func pages(inBook bookDirectory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: bookDirectory)
        } catch {
            throw CommandProblem("cannot read the book folder \(bookDirectory): \(describeFileError(error))")
        }
        let chapters = names.filter { name in
            name.hasSuffix(".md") && name.count > 3 && name.prefix(2).allSatisfy(\.isNumber) && name.dropFirst(2).first == "-"
        }.sorted()
        return ["README.md"] + chapters
    }

    /// Styles added after pandoc's own: a wider column, and code that wraps instead of being clipped.
    static let style = """
        <style>
        body { max-width: 60em; }
        pre, pre code, pre > code.sourceCode { white-space: pre-wrap; overflow-wrap: anywhere; }
        img { max-width: 100%; height: auto; }
        math[display="block"] { overflow-x: auto; }
        </style>
        """

    /// The pandoc arguments that concatenate `pages` (paths of the prepared Markdown) into
    /// `outputFile`, reading GitHub Markdown with `$` math and writing MathML. Figures are found under
    /// `bookDirectory`. `embedResourcesFlag` is `--embed-resources` on pandoc ≥ 2.19, `--self-contained` before.
    public static func pandocArguments(pages: [String], bookDirectory: String, headerFile: String, outputFile: String,
                                       title: String, embedResourcesFlag: String) -> [String] {
        ["-f", "gfm+tex_math_dollars", "-t", "html5", "--mathml", embedResourcesFlag, "--standalone",
         "--resource-path", bookDirectory,
         "--include-in-header", headerFile,
         "--metadata", "pagetitle=\(title)",
         "-o", outputFile]
            + pages
    }

    /// The absolute path of `program` found on `PATH`, if any.
    public static func executablePath(named program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = joinPath(String(directory), program)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Writes the book in `bookDirectory` as one HTML page at `outputFile` using pandoc.
    public static func export(bookDirectory: String, outputFile: String) throws -> Outcome {
        guard let pandoc = executablePath(named: "pandoc") else { return .pandocMissing }
        let pages = try pages(inBook: bookDirectory)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("book-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var prepared: [String] = []
        var title = "Book"
        for page in pages {
            let url = URL(fileURLWithPath: joinPath(bookDirectory, page))
            let markdown = try String(contentsOf: url, encoding: .utf8)
            if page == "README.md", let heading = markdown.split(separator: "\n").first(where: { $0.hasPrefix("# ") }) {
                title = String(heading.dropFirst(2))
            }
            let target = work.appendingPathComponent(page)
            try writeAtomically(Data(HTMLPreparation.prepare(markdown, page: page, pages: pages).utf8), to: target, kind: "page")
            prepared.append(target.path)
        }
        let header = work.appendingPathComponent("header.html")
        try writeAtomically(Data(style.utf8), to: header, kind: "HTML header")
        let help = try run(pandoc, ["--help"], captureOutput: true)
        let embedFlag = help.output.contains("--embed-resources") ? "--embed-resources" : "--self-contained"
        let page = work.appendingPathComponent("book.html")
        let arguments = pandocArguments(pages: prepared, bookDirectory: bookDirectory, headerFile: header.path, outputFile: page.path,
                                        title: title, embedResourcesFlag: embedFlag)
        let status = try run(pandoc, arguments, captureOutput: false).status
        guard status == 0 else { return .pandocFailed(status) }
        // Written whole or not at all: a failed export leaves an earlier page as it was.
        let html = try String(contentsOf: page, encoding: .utf8)
        try writeAtomically(Data(uprightText(inMathML: html).utf8), to: URL(fileURLWithPath: outputFile), kind: "HTML page")
        return .written
    }

    /// pandoc writes `\mathrm{KL}` as `<mstyle mathvariant="normal"><mi>K</mi><mi>L</mi></mstyle>`;
    /// MathML Core (Chromium, Firefox) ignores `mathvariant` on `mstyle` and would show the letters in
    /// italics, so they become one `<mi mathvariant="normal">KL</mi>`.
    static func uprightText(inMathML html: String) -> String {
        guard let expression = try? NSRegularExpression(pattern: #"<mstyle mathvariant="normal">((?:<mi>[^<]*</mi>)+)</mstyle>"#) else {
            return html
        }
        var result = html
        for match in expression.matches(in: html, range: NSRange(html.startIndex..., in: html)).reversed() {
            guard let whole = Range(match.range, in: result), let inner = Range(match.range(at: 1), in: result) else { continue }
            let letters = result[inner].replacingOccurrences(of: "<mi>", with: "").replacingOccurrences(of: "</mi>", with: "")
            result.replaceSubrange(whole, with: "<mi mathvariant=\"normal\">\(letters)</mi>")
        }
        return result
    }

    /// Runs `executable` with `arguments`, waiting for it; optionally captures standard output and
    /// silences standard error.
    static func run(_ executable: String, _ arguments: [String], captureOutput: Bool, silenceErrors: Bool = false) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        if captureOutput { process.standardOutput = pipe }
        if silenceErrors { process.standardError = FileHandle.nullDevice }
        try process.run()
        let data = captureOutput ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
