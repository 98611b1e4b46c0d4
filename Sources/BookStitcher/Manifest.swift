import Foundation

/// The book's manifest, `Chapters/book.json`: its title, introduction and the chapters in book order.
///
/// ```json
/// {
///   "title": "Autoencoders, run: a hands-on workbook",
///   "introduction": "One paragraph shown under the title of book/README.md.",
///   "chapters": [
///     {"directory": "Basic", "short": "basic", "keyResult": "test BCE {{metric:test_loss:%.4f}} per pixel"}
///   ]
/// }
/// ```
///
/// A chapter's number is its 1-based position in `chapters`, whatever subset is stitched.
public struct BookManifest: Codable, Equatable, Sendable {
    /// The book's title, the `# ` heading of the generated README.
    public var title: String
    /// The introduction paragraph under the title (Markdown; no directives).
    public var introduction: String
    /// The chapters, in book order.
    public var chapters: [ManifestChapter]

    /// Creates a manifest.
    public init(title: String, introduction: String, chapters: [ManifestChapter]) {
        self.title = title
        self.introduction = introduction
        self.chapters = chapters
    }

    /// Reads and validates the manifest at `url`, reporting problems under `displayPath`.
    /// Returns `nil` (with diagnostics) when the file is missing, is not valid JSON of this shape,
    /// or lists a short name or directory twice.
    static func load(from url: URL, displayPath: String, diagnostics: DiagnosticCollector) -> BookManifest? {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            diagnostics.report(path: displayPath, "missing book manifest")
            return nil
        }
        let manifest: BookManifest
        do {
            manifest = try JSONDecoder().decode(BookManifest.self, from: data)
        } catch {
            diagnostics.report(path: displayPath, "cannot read manifest: \(describe(decodingError: error))")
            return nil
        }
        let text = String(decoding: data, as: UTF8.self)
        var valid = true
        var seenShortNames = Set<String>()
        var seenDirectories = Set<String>()
        for chapter in manifest.chapters {
            let line = lineNumber(of: "\"\(chapter.short)\"", in: text)
            if chapter.short.isEmpty || !chapter.short.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
                diagnostics.report(path: displayPath, line: line, "chapter short name '\(chapter.short)' must be lowercase letters, digits and '-'")
                valid = false
            }
            if !seenShortNames.insert(chapter.short).inserted {
                diagnostics.report(path: displayPath, line: line, "chapter short name '\(chapter.short)' listed twice")
                valid = false
            }
            if !seenDirectories.insert(chapter.directory).inserted {
                diagnostics.report(path: displayPath, line: line, "chapter directory '\(chapter.directory)' listed twice")
                valid = false
            }
        }
        if manifest.chapters.isEmpty {
            diagnostics.report(path: displayPath, "the manifest lists no chapters")
            valid = false
        }
        return valid ? manifest : nil
    }

    /// The 1-based line of the first occurrence of `needle` in `text`, if any.
    static func lineNumber(of needle: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(needle) {
            return index + 1
        }
        return nil
    }

    /// A one-line description of a JSON decoding error, naming the offending key path.
    static func describe(decodingError error: Error) -> String {
        guard let decodingError = error as? DecodingError else { return "\(error)" }
        func pathString(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(pathString(context.codingPath).isEmpty ? "top level" : pathString(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(pathString(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "invalid JSON: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// One chapter entry of the manifest.
public struct ManifestChapter: Codable, Equatable, Sendable {
    /// The directory under the chapters directory, e.g. `Basic` for `Chapters/Basic/`.
    public var directory: String
    /// The short name: the executable name without `chapter-`, the run directory `runs/<short>/`
    /// and the output page `NN-<short>.md`.
    public var short: String
    /// The one-line key result shown in the contents table; may contain `metric`, `percent`, `text`
    /// and `run` directives, resolved against this chapter's run.
    public var keyResult: String

    /// The chapter's executable, `chapter-<short>`.
    public var executableName: String { "chapter-\(short)" }
}
