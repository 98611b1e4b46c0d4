import Foundation

/// Checks on chapter prose that keep the book honest and GitHub-renderable:
/// no hand-typed ```` ```swift ```` block (listings come from the code that ran), no hand-written image
/// (figures come from the run, numbered), and no inline `$…$` math with two or more `_{`
/// (GitHub's Markdown pass mangles those; write them as `` $`…`$ ``).
enum ProseLint {
    /// One lint finding: a 1-based line of chapter.md and a message.
    struct Finding: Equatable {
        /// The 1-based line.
        let line: Int
        /// What is wrong and how to fix it.
        let message: String
    }

    /// The lint findings for the lines of a chapter.md.
    static func findings(in lines: [String]) -> [Finding] {
        var findings: [Finding] = []
        var fence = FenceTracker()
        var inDisplayMath = false
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            switch fence.classify(line) {
            case .opening(let info):
                if info.split(whereSeparator: { $0 == " " || $0 == "{" || $0 == "," }).first?.lowercased() == "swift" {
                    findings.append(Finding(line: lineNumber, message: "hand-typed ```swift block; show code with {{listing:anchor}} so the book shows the code that ran"))
                }
                continue
            case .closing, .insideFence:
                continue
            case .prose:
                break
            }
            findings += inlineFindings(in: line, lineNumber: lineNumber, inDisplayMath: &inDisplayMath)
        }
        return findings
    }

    /// Scans one prose line for hand-written images and inline math with several `_{`,
    /// skipping code spans, `$$…$$` display math (which may span lines) and `` $`…`$ `` math.
    private static func inlineFindings(in line: String, lineNumber: Int, inDisplayMath: inout Bool) -> [Finding] {
        var findings: [Finding] = []
        let characters = Array(line)
        let count = characters.count
        var index = 0
        var reportedImage = false
        func next(_ offset: Int) -> Character? {
            index + offset < count ? characters[index + offset] : nil
        }
        while index < count {
            let character = characters[index]
            if inDisplayMath {
                if character == "$" && next(1) == "$" {
                    inDisplayMath = false
                    index += 2
                } else {
                    index += 1
                }
                continue
            }
            switch character {
            case "\\":
                index += 2
            case "`":
                var runLength = 0
                while next(runLength) == "`" { runLength += 1 }
                let closing = findBacktickRun(of: runLength, in: characters, from: index + runLength)
                index = closing ?? (index + runLength)
            case "!" where next(1) == "[":
                if !reportedImage {
                    findings.append(Finding(line: lineNumber, message: "hand-written image; use {{figure:name|caption}} so the figure comes from the run and is numbered"))
                    reportedImage = true
                }
                index += 2
            case "$" where next(1) == "$":
                inDisplayMath = true
                index += 2
            case "$" where next(1) == "`":
                var search = index + 2
                while search + 1 < count, !(characters[search] == "`" && characters[search + 1] == "$") { search += 1 }
                index = search + 2
            case "$":
                var closing = index + 1
                while closing < count, !(characters[closing] == "$" && characters[closing - 1] != "\\") { closing += 1 }
                let opensMath = next(1).map { !$0.isWhitespace } ?? false
                guard closing < count, opensMath, !characters[closing - 1].isWhitespace else {
                    index += 1
                    continue
                }
                let content = String(characters[(index + 1)..<closing])
                let subscripts = content.components(separatedBy: "_{").count - 1
                if subscripts >= 2 {
                    findings.append(Finding(line: lineNumber, message: "inline math '$\(content)$' has \(subscripts) '_{'; GitHub renders it wrongly: write it as $`\(content)`$"))
                }
                index = closing + 1
            default:
                index += 1
            }
        }
        return findings
    }

    /// The index just past the next run of exactly `length` backticks at or after `start`, if any.
    private static func findBacktickRun(of length: Int, in characters: [Character], from start: Int) -> Int? {
        var index = start
        while index < characters.count {
            guard characters[index] == "`" else {
                index += 1
                continue
            }
            var runLength = 0
            while index + runLength < characters.count, characters[index + runLength] == "`" { runLength += 1 }
            if runLength == length { return index + runLength }
            index += runLength
        }
        return nil
    }
}

/// Follows fenced code blocks (```` ``` ```` and `~~~`) through the lines of a Markdown file.
struct FenceTracker {
    /// What a line is, with respect to fenced code blocks.
    enum LineKind: Equatable {
        /// A line opening a fence, with its info string (e.g. `swift`).
        case opening(info: String)
        /// A line closing the current fence.
        case closing
        /// A line inside a fence.
        case insideFence
        /// A line of prose.
        case prose
    }

    /// The character and length of the open fence, if inside one.
    private var openFence: (character: Character, length: Int)?

    /// Classifies `line` and advances the state.
    mutating func classify(_ line: String) -> LineKind {
        let indentation = line.prefix(while: { $0 == " " }).count
        let trimmed = line.dropFirst(indentation)
        let fenceCharacter = trimmed.first
        let runLength = trimmed.prefix(while: { $0 == fenceCharacter }).count
        let isFence = indentation <= 3 && (fenceCharacter == "`" || fenceCharacter == "~") && runLength >= 3
        if let open = openFence {
            if isFence, fenceCharacter == open.character, runLength >= open.length,
               trimmed.dropFirst(runLength).allSatisfy({ $0 == " " || $0 == "\t" }) {
                openFence = nil
                return .closing
            }
            return .insideFence
        }
        if isFence, let fenceCharacter {
            let info = trimmed.dropFirst(runLength).trimmingCharacters(in: .whitespaces)
            if fenceCharacter == "`" && info.contains("`") { return .prose }
            openFence = (fenceCharacter, runLength)
            return .opening(info: info)
        }
        return .prose
    }
}
