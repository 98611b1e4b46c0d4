import Foundation

/// The fixed Markdown around the stitched content: README, navigation, banners and run footers.
enum PageTemplates {
    /// The generated-file comment that opens every page (invisible on GitHub).
    static func generatedComment(source: String) -> String {
        "\(Stitcher.generatedMarker) from \(source). Do not edit: edit the chapter and run `make book`. -->"
    }

    /// The book's README: title, introduction, quick-build banner, how to run, and the contents.
    static func readme(manifest: BookManifest, manifestPath: String, quick: Bool, contents: [(chapter: ChapterInput, keyResult: String)]) -> String {
        var lines: [String] = [
            generatedComment(source: manifestPath),
            "",
            "# \(manifest.title)",
            "",
            manifest.introduction.trimmingCharacters(in: .whitespacesAndNewlines),
            "",
        ]
        if quick {
            lines += [quickBookBanner, ""]
        }
        lines += [
            "## How to run",
            "",
            "Every listing, number and figure in this book comes from the chapter programs in this repository, as they last ran:",
            "",
            "```sh",
            "make book                           # run every chapter in full and stitch this book",
            "make test                           # run the test suite",
            "swift run -c release chapter-vae    # run one chapter on its own; its outputs land in runs/vae/",
            "```",
            "",
            "## Contents",
            "",
        ]
        for (chapter, keyResult) in contents {
            let result = keyResult.trimmingCharacters(in: .whitespaces)
            lines.append("- [\(chapter.numberedTitle)](\(chapter.pageName))" + (result.isEmpty ? "" : " — \(result)"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The README banner of a `--quick` build.
    static let quickBookBanner = "> **Quick-mode build.** This copy of the book was stitched with `--quick`: its numbers and figures come from smoke runs that show the code works, not how well it works. `make book` produces the real ones."

    /// The page banner of a chapter whose run was a quick (smoke) run.
    static let quickRunBanner = "> **Smoke run.** The numbers and figures on this page come from a quick-mode run (`--quick`), not the full training run."

    /// The previous / contents / next line of a chapter page.
    static func navigation(previous: ChapterInput?, next: ChapterInput?) -> String {
        var parts: [String] = []
        if let previous { parts.append("← [\(previous.numberedTitle)](\(previous.pageName))") }
        parts.append("[Contents](README.md)")
        if let next { parts.append("[\(next.numberedTitle)](\(next.pageName)) →") }
        return parts.joined(separator: " · ")
    }

    /// The footer naming the run a page came from.
    static func runFooter(chapter: ChapterInput) -> String {
        guard let run = chapter.run else { return "" }
        func text(_ field: String) -> String { run.fields[field]?.defaultText ?? "?" }
        var details = ["seed \(text("seed"))", "\(text("epochs")) epochs", "dataset \(text("dataset"))"]
        if let threads = run.fields["threads"]?.defaultText { details.append("\(threads) threads") }
        if let seconds = run.fields["seconds"]?.numericValue { details.append(String(format: "%.0f s", seconds)) }
        details.append("Swift \(text("swift_version"))")
        details.append(run.isQuick ? "quick (smoke) run" : "full run")
        return "*Numbers and figures from `\(CommandCheck.convention) \(chapter.entry.executableName)`: \(details.joined(separator: ", ")).*"
    }

    /// A chapter page.
    static func chapterPage(chapter: ChapterInput, body: String, previous: ChapterInput?, next: ChapterInput?) -> String {
        let navigation = navigation(previous: previous, next: next)
        var lines = [
            generatedComment(source: "\(chapter.prosePath) and \(joinPath(chapter.runPath, "metrics.json"))"),
            "",
            navigation,
            "",
            "# \(chapter.numberedTitle)",
            "",
        ]
        if chapter.run?.isQuick == true {
            lines += [quickRunBanner, ""]
        }
        lines += [body, "", "---", "", navigation, "", runFooter(chapter: chapter)]
        return lines.joined(separator: "\n") + "\n"
    }
}
