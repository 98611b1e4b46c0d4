import Foundation

/// The named regions of one Swift source file, delimited by `// ANCHOR: name` and `// ANCHOR_END: name`.
///
/// Anchors may nest or overlap; every anchor line (of any name) is left out of an extract.
public struct AnchoredSource: Sendable {
    /// One anchor problem in the file: a 1-based line of the Swift file and a message.
    public struct Problem: Equatable, Sendable {
        /// The 1-based line of the Swift file.
        public let line: Int
        /// What is wrong there.
        public let message: String
    }

    /// A well-formed anchor: the 1-based lines of its `ANCHOR` and `ANCHOR_END` markers.
    public struct Region: Equatable, Sendable {
        /// The line of `// ANCHOR: name`.
        public let startLine: Int
        /// The line of `// ANCHOR_END: name`.
        public let endLine: Int
    }

    /// The file's lines, without line terminators.
    public let lines: [String]
    /// The well-formed anchors, by name.
    public let regions: [String: Region]
    /// Every anchor name seen (well-formed or not), for near-miss suggestions.
    public let anchorNames: [String]
    /// Unclosed, duplicated and unmatched anchors, in line order.
    public let problems: [Problem]

    /// The kind of marker a line holds.
    private enum Marker {
        case start(String)
        case end(String)
    }

    /// Parses the anchor markers of `text`.
    public init(text: String) {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        self.lines = lines

        var openStarts: [String: Int] = [:]
        var regions: [String: Region] = [:]
        var names: [String] = []
        var problems: [Problem] = []
        var duplicated = Set<String>()
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            guard let marker = Self.marker(in: line) else { continue }
            switch marker {
            case .start(let name):
                if !names.contains(name) { names.append(name) }
                if let earlier = openStarts[name] ?? regions[name]?.startLine {
                    problems.append(Problem(line: lineNumber, message: "duplicated anchor '\(name)' (first opened on line \(earlier))"))
                    duplicated.insert(name)
                } else {
                    openStarts[name] = lineNumber
                }
            case .end(let name):
                if let start = openStarts.removeValue(forKey: name) {
                    regions[name] = Region(startLine: start, endLine: lineNumber)
                } else if regions[name] != nil || duplicated.contains(name) {
                    if !duplicated.contains(name) {
                        problems.append(Problem(line: lineNumber, message: "duplicated ANCHOR_END for '\(name)'"))
                    }
                } else {
                    problems.append(Problem(line: lineNumber, message: "ANCHOR_END '\(name)' without a matching ANCHOR"))
                }
            }
        }
        for (name, start) in openStarts {
            problems.append(Problem(line: start, message: "unclosed anchor '\(name)' (no '// ANCHOR_END: \(name)')"))
        }
        for name in duplicated {
            regions.removeValue(forKey: name)
        }
        self.regions = regions
        self.anchorNames = names
        self.problems = problems.sorted { $0.line < $1.line }
    }

    /// Whether `line` is an anchor marker of any name.
    public static func isMarker(_ line: String) -> Bool {
        marker(in: line) != nil
    }

    /// The marker on `line`, if the line is `// ANCHOR: name` or `// ANCHOR_END: name` (surrounding whitespace allowed).
    private static func marker(in line: String) -> Marker? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("//") else { return nil }
        let comment = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces)
        for (keyword, isEnd) in [("ANCHOR_END:", true), ("ANCHOR:", false)] where comment.hasPrefix(keyword) {
            let name = comment.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            return isEnd ? .end(name) : .start(name)
        }
        return nil
    }

    /// One line of an extract: where it stands in the file and its text as shown.
    public struct ExtractLine: Equatable, Sendable {
        /// The 1-based line of the Swift file.
        public let line: Int
        /// The line's text after dedenting (empty for a blank line).
        public let text: String
    }

    /// The extract of the well-formed anchor `name`: the lines between its markers, without any anchor
    /// marker lines, without leading and trailing blank lines, dedented by the least indentation of its
    /// non-blank lines; whitespace-only lines become empty. `nil` when there is no such well-formed anchor.
    /// An anchor holding no code gives an empty string.
    public func extract(_ name: String) -> String? {
        extractLines(name).map { $0.map(\.text).joined(separator: "\n") }
    }

    /// The lines of `extract(name)`, each with its line number in the file (for diagnostics about a
    /// line of a listing). `nil` when there is no such well-formed anchor; empty for an empty anchor.
    public func extractLines(_ name: String) -> [ExtractLine]? {
        guard let region = regions[name] else { return nil }
        let body = ((region.startLine + 1) ..< region.endLine)
            .filter { !Self.isMarker(lines[$0 - 1]) }
            .map { number -> ExtractLine in
                let text = lines[number - 1]
                return ExtractLine(line: number, text: text.trimmingCharacters(in: .whitespaces).isEmpty ? "" : text)
            }
        guard let first = body.firstIndex(where: { !$0.text.isEmpty }),
              let last = body.lastIndex(where: { !$0.text.isEmpty }) else {
            return []
        }
        let kept = body[first...last]
        let indentation = kept.filter { !$0.text.isEmpty }
            .map { $0.text.prefix(while: { $0 == " " || $0 == "\t" }).count }
            .min() ?? 0
        return kept.map { ExtractLine(line: $0.line, text: $0.text.isEmpty ? "" : String($0.text.dropFirst(indentation))) }
    }
}
