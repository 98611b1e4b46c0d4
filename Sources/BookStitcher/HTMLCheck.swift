import Foundation

/// Checks the HTML book as a browser shows it: the DOM that headless Chromium builds from the page.
public enum HTMLCheck {
    /// The display formulas of a Markdown page: `$$…$$` pairs and fenced `math` blocks outside code.
    public static func displayFormulaCount(inMarkdown markdown: String) -> Int {
        var count = 0, dollars = 0
        var fences = FenceTracker()
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            switch fences.classify(String(line)) {
            case .opening(let info): if info == "math" { count += 1 }
            case .closing, .insideFence: break
            case .prose: dollars += line.components(separatedBy: "$$").count - 1
            }
        }
        return count + dollars / 2
    }

    /// What is wrong with `dom` (the page as Chromium parsed it), given how many display formulas the
    /// Markdown had: each must be a `<math display="block">`; no raw `$$`, `` $` `` or `\frac` may be
    /// left in the text; no link may point at a `.md` file; every image must be embedded.
    public static func problems(inDOM dom: String, expectedDisplayFormulas: Int) -> [String] {
        var problems: [String] = []
        let displayMath = matches(#"<math\b[^>]*\bdisplay="block""#, in: dom).count
        if displayMath < expectedDisplayFormulas {
            problems.append("\(expectedDisplayFormulas - displayMath) of \(expectedDisplayFormulas) display formulas did not become math (found \(displayMath) <math display=\"block\">)")
        }
        // The visible text: without math (its TeX annotation keeps the source), code, scripts, styles and tags.
        var text = dom
        for element in ["math", "pre", "code", "script", "style"] {
            text = text.replacingOccurrences(of: "<\(element)\\b[^>]*>[\\s\\S]*?</\(element)>", with: " ", options: .regularExpression)
        }
        text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        for raw in ["$$", "$`", "\\frac", "\\mathrm", "\\sum"] {
            let lines = text.split(separator: "\n").filter { $0.contains(raw) }
            if let first = lines.first {
                problems.append("raw '\(raw)' left in the text \(lines.count) time(s), first in: \(first.trimmingCharacters(in: .whitespaces).prefix(120))")
            }
        }
        let markdownLinks = matches(#"<a\b[^>]*\bhref="([^"]*)""#, in: dom).filter { $0.range(of: #"\.md(#.*)?$"#, options: .regularExpression) != nil }
        if let first = markdownLinks.first {
            problems.append("\(markdownLinks.count) link(s) point at a Markdown file instead of an anchor in the page, first: \(first)")
        }
        let external = matches(#"<img\b[^>]*\bsrc="([^"]*)""#, in: dom).filter { !$0.hasPrefix("data:") }
        if let first = external.first {
            problems.append("\(external.count) image(s) not embedded in the page, first: \(first.prefix(120))")
        }
        return problems
    }

    /// The first capture group (or the whole match) of every match of `pattern` in `text`.
    private static func matches(_ pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: match.numberOfRanges > 1 ? 1 : 0), in: text).map { String(text[$0]) }
        }
    }

    /// The DOM of `htmlFile` after Chromium has loaded it (headless, no sandbox: CI runs as root).
    public static func renderedDOM(htmlFile: String, chromium: String) throws -> String {
        let url = URL(fileURLWithPath: htmlFile).standardizedFileURL.absoluteString
        let result = try HTMLExport.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url],
                                       captureOutput: true, silenceErrors: true)
        guard result.status == 0, !result.output.isEmpty else {
            throw CommandProblem("\(chromium) could not load \(htmlFile) (status \(result.status))")
        }
        return result.output
    }
}
