import Foundation

/// Resolves `{{listing:…}}` directives into ```` ```swift ```` blocks, from a chapter's own files or
/// from the library under `Sources/`, reporting every problem (missing file, missing, unclosed,
/// duplicated or empty anchor, a line wider than the limit) to the build's collector.
final class ListingResolver {
    /// Where problems in Swift files go (anchor problems, over-wide lines).
    private let diagnostics: DiagnosticCollector
    /// The repository root as displayed: the parent of the chapters directory (`""` for the working directory).
    private let repositoryRoot: String
    /// The output directory, for the relative link under a library listing.
    private let outputDirectory: String
    /// The widest listing line allowed, in characters; `nil` for no limit.
    private let maximumWidth: Int?
    /// Parsed Swift files by displayed path (`nil` for a missing file).
    private var sources: [String: AnchoredSource?] = [:]

    /// Creates a resolver for the build described by `options`, reporting to `diagnostics`.
    init(options: StitchOptions, diagnostics: DiagnosticCollector) {
        self.diagnostics = diagnostics
        self.repositoryRoot = options.repositoryRoot
        self.outputDirectory = options.outputDirectory
        self.maximumWidth = options.maximumListingWidth
    }

    /// The Markdown of listing `anchor` from `file`: a file name in `chapterDirectory`, or a library
    /// path `Sources/…` from the repository root, which is shown under a line linking to the file.
    /// Problems in the directive go to `report` (the chapter's line); an empty string is returned then.
    func render(file: String, anchor: String, chapterDirectory: String, report: (String) -> Void) -> String {
        let isLibrary = Directive.isLibraryListing(file)
        let swiftPath = joinPath(isLibrary ? repositoryRoot : chapterDirectory, file)
        if isLibrary, let problem = escapeProblem(file: file, path: swiftPath) {
            report(problem)
            return ""
        }
        guard let source = anchoredSource(at: swiftPath) else {
            report("missing Swift file '\(swiftPath)' for listing '\(anchor)'"
                   + NearMiss.hint(for: file, among: isLibrary ? librarySuggestions(near: file) : chapterFiles(in: chapterDirectory)))
            return ""
        }
        guard let lines = source.extractLines(anchor) else {
            if source.anchorNames.contains(anchor) {
                report("anchor '\(anchor)' in '\(swiftPath)' is unclosed or duplicated")
            } else {
                report("no anchor '\(anchor)' in '\(swiftPath)'" + NearMiss.hint(for: anchor, among: source.anchorNames))
            }
            return ""
        }
        guard !lines.isEmpty else {
            report("anchor '\(anchor)' in '\(swiftPath)' is empty")
            return ""
        }
        if let maximumWidth {
            for line in lines where line.text.count > maximumWidth {
                diagnostics.report(path: swiftPath, line: line.line,
                                   "line of listing '\(anchor)' is \(line.text.count) characters wide, over the limit of \(maximumWidth) (--max-listing-width)")
            }
        }
        let block = "```swift\n\(lines.map(\.text).joined(separator: "\n"))\n```"
        guard isLibrary else { return block }
        let link = relativePath(from: outputDirectory, to: swiftPath)
        return "*From [`\(file)`](\(link)):*\n\n" + block
    }

    /// The parsed Swift file at `path` (cached); its anchor problems are reported once, on first use.
    private func anchoredSource(at path: String) -> AnchoredSource? {
        if let cached = sources[path] { return cached }
        guard let data = FileManager.default.contents(atPath: path) else {
            sources[path] = .some(nil)
            return nil
        }
        let source = AnchoredSource(text: String(decoding: data, as: UTF8.self))
        for problem in source.problems {
            diagnostics.report(path: path, line: problem.line, problem.message)
        }
        sources[path] = source
        return source
    }

    /// A message when the library file at `path` exists but, through a symbolic link, lies outside
    /// the repository's `Sources/` folder.
    private func escapeProblem(file: String, path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let library = URL(fileURLWithPath: joinPath(repositoryRoot, "Sources")).resolvingSymlinksInPath().path + "/"
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return resolved.hasPrefix(library) ? nil : "listing file '\(file)' resolves to '\(resolved)', outside Sources/"
    }

    /// The Swift files of a chapter directory, for near-miss suggestions.
    private func chapterFiles(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".swift") }
    }

    /// Library paths to suggest for a missing `file`: the Swift files of its folder when that folder
    /// exists, otherwise every Swift file under `Sources/`, as paths from the repository root.
    private func librarySuggestions(near file: String) -> [String] {
        let manager = FileManager.default
        let folder = String(file[..<(file.lastIndex(of: "/") ?? file.startIndex)])
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: joinPath(repositoryRoot, folder), isDirectory: &isDirectory), isDirectory.boolValue {
            return chapterFiles(in: joinPath(repositoryRoot, folder)).map { folder + "/" + $0 }
        }
        let sources = joinPath(repositoryRoot, "Sources")
        let all = (manager.enumerator(atPath: sources)?.allObjects as? [String]) ?? []
        return all.filter { $0.hasSuffix(".swift") }.map { "Sources/" + $0 }
    }
}

/// The path of `file` relative to `directory` (both as displayed, relative to the working directory
/// or absolute), with `..` steps where needed: the link from a book page to a library file.
func relativePath(from directory: String, to file: String) -> String {
    let from = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
    let to = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
    var shared = 0
    while shared < min(from.count, to.count), from[shared] == to[shared] { shared += 1 }
    let steps = Array(repeating: "..", count: from.count - shared) + to[shared...]
    return steps.joined(separator: "/")
}
