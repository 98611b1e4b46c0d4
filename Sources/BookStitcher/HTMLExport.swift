import Foundation

/// Turns a stitched book directory into one self-contained HTML page with pandoc.
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
        let names = try FileManager.default.contentsOfDirectory(atPath: bookDirectory)
        let chapters = names.filter { name in
            name.hasSuffix(".md") && name.count > 3 && name.prefix(2).allSatisfy(\.isNumber) && name.dropFirst(2).first == "-"
        }.sorted()
        return ["README.md"] + chapters
    }

    /// The pandoc arguments that concatenate `pages` (relative to `bookDirectory`) into `outputFile`, with MathJax
    /// and every figure embedded. `embedResourcesFlag` is `--embed-resources` on pandoc ≥ 2.19, `--self-contained` before.
    public static func pandocArguments(pages: [String], bookDirectory: String, outputFile: String, title: String, embedResourcesFlag: String) -> [String] {
        ["-f", "gfm", "--mathjax", embedResourcesFlag, "--standalone",
         "--resource-path", bookDirectory,
         "--metadata", "pagetitle=\(title)",
         "-o", outputFile]
            + pages.map { joinPath(bookDirectory, $0) }
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
        let readme = FileManager.default.contents(atPath: joinPath(bookDirectory, "README.md")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let title = readme.split(separator: "\n").first(where: { $0.hasPrefix("# ") }).map { String($0.dropFirst(2)) } ?? "Book"
        let help = try run(pandoc, ["--help"], captureOutput: true)
        let embedFlag = help.output.contains("--embed-resources") ? "--embed-resources" : "--self-contained"
        let arguments = pandocArguments(pages: pages, bookDirectory: bookDirectory, outputFile: outputFile, title: title, embedResourcesFlag: embedFlag)
        let status = try run(pandoc, arguments, captureOutput: false).status
        return status == 0 ? .written : .pandocFailed(status)
    }

    /// Runs `executable` with `arguments`, waiting for it; optionally captures standard output.
    private static func run(_ executable: String, _ arguments: [String], captureOutput: Bool) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        if captureOutput { process.standardOutput = pipe }
        try process.run()
        let data = captureOutput ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
