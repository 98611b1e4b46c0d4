import Foundation

/// Rewrites one page of the Markdown book so that pandoc turns the concatenated pages into one
/// working HTML page. Fenced code blocks are left as they are.
///
/// - Every page and every heading gets an anchor `page-<page>` / `page-<page>--<GitHub slug>`, and
///   links to `README.md`, `NN-name.md` and `NN-name.md#slug` (and `#slug` within the page) point at
///   them: pandoc numbers repeated headings across the whole document, so GitHub's per-page slugs
///   would not match its identifiers.
/// - GitHub's inline math `` $`…`$ `` becomes `$…$`, and a fenced `math` block becomes `$$…$$`,
///   which pandoc's `tex_math_dollars` reads.
enum HTMLPreparation {
    /// The anchor of `page` (`README.md` → `page-readme`, `01-basic.md` → `page-01-basic`).
    static func anchor(page: String) -> String {
        "page-" + (page.hasSuffix(".md") ? String(page.dropLast(3)) : page).lowercased()
    }

    /// GitHub's identifier for a heading: lower case, punctuation removed, spaces as hyphens.
    static func slug(_ heading: String) -> String {
        var text = heading.replacingOccurrences(of: #"\[([^\]]*)\]\([^)]*\)"#, with: "$1", options: .regularExpression)
        text = text.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "*", with: "")
        let kept = text.lowercased().unicodeScalars.filter {
            CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == " "
        }
        return String(String.UnicodeScalarView(kept)).replacingOccurrences(of: " ", with: "-")
    }

    /// `markdown` (the page named `page`), ready for pandoc; `pages` are all the book's pages.
    static func prepare(_ markdown: String, page: String, pages: [String]) -> String {
        var output = ["<a id=\"\(anchor(page: page))\"></a>", ""]
        var fences = FenceTracker()
        var slugCounts: [String: Int] = [:]
        var mathBlock = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            switch fences.classify(line) {
            case .opening(let info):
                mathBlock = info == "math"
                output.append(mathBlock ? "$$" : line)
                continue
            case .closing:
                output.append(mathBlock ? "$$" : line)
                mathBlock = false
                continue
            case .insideFence:
                output.append(line)
                continue
            case .prose:
                break
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let level = headingLevel(trimmed) {
                let base = slug(String(trimmed.dropFirst(level)).trimmingCharacters(in: .whitespaces))
                let count = slugCounts[base, default: 0]
                slugCounts[base] = count + 1
                let unique = count == 0 ? base : "\(base)-\(count)"
                output += ["", "<a id=\"\(anchor(page: page))--\(unique)\"></a>", ""]
            }
            output.append(rewriteLinks(in: convertInlineMath(line), page: page, pages: pages))
        }
        return output.joined(separator: "\n")
    }

    /// The level of an ATX heading (`## Title` → 2), or nil.
    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.count == hashes || line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    /// `` $`x_{i}`$ `` → `$x_{i}$`.
    static func convertInlineMath(_ line: String) -> String {
        line.replacingOccurrences(of: #"\$`([^`]+)`\$"#, with: "\\$$1\\$", options: .regularExpression)
    }

    /// Links `](README.md)`, `](NN-name.md#slug)` and `](#slug)` → in-page anchors; others unchanged.
    static func rewriteLinks(in line: String, page: String, pages: [String]) -> String {
        guard let pattern = try? NSRegularExpression(pattern: #"\]\(([^)\s#]*)(#[^)\s]*)?\)"#) else { return line }
        var result = line
        for match in pattern.matches(in: line, range: NSRange(line.startIndex..., in: line)).reversed() {
            let file = Range(match.range(at: 1), in: line).map { String(line[$0]) } ?? ""
            let fragment = Range(match.range(at: 2), in: line).map { String(line[$0].dropFirst()) }
            let target: String
            if file.isEmpty, let fragment {
                target = "\(anchor(page: page))--\(fragment)"
            } else if pages.contains(file) {
                target = anchor(page: file) + (fragment.map { "--\($0)" } ?? "")
            } else {
                continue
            }
            if let range = Range(match.range, in: result) { result.replaceSubrange(range, with: "](#\(target))") }
        }
        return result
    }
}
