import Foundation

/// One chapter of the build, loaded: its manifest entry, number, prose and run.
struct ChapterInput {
    /// The manifest entry.
    let entry: ManifestChapter
    /// The chapter number: its 1-based position in the manifest.
    let number: Int
    /// The chapter directory, as displayed (`Chapters/Basic`).
    let directoryPath: String
    /// The prose file, as displayed (`Chapters/Basic/chapter.md`).
    let prosePath: String
    /// The lines of chapter.md.
    let lines: [String]
    /// The 0-based index of the `# ` title line, if found.
    let titleIndex: Int?
    /// The title from the `# ` heading (without `# `).
    let title: String
    /// The run record, when it could be read.
    let run: RunRecord?
    /// The run's directory, as displayed (`runs/basic`).
    let runPath: String

    /// The output page name, `NN-short.md`.
    var pageName: String { String(format: "%02d-%@", number, entry.short) + ".md" }
    /// The numbered title, `N. Title`.
    var numberedTitle: String { "\(number). \(title)" }
}

/// Builds the whole book in memory, reporting every problem to its collector.
final class BookBuilder {
    /// The build's options.
    let options: StitchOptions
    /// Where every problem goes.
    let diagnostics: DiagnosticCollector
    /// Turns listing directives into code blocks.
    private let listings: ListingResolver
    /// Figure labels (`N.M`) by chapter short name and figure name.
    private var figureLabels: [String: [String: String]] = [:]
    /// The figures to copy, in order of appearance.
    private var figureCopies: [RenderedBook.FigureCopy] = []

    /// Creates a builder for `options` reporting to `diagnostics`.
    init(options: StitchOptions, diagnostics: DiagnosticCollector) {
        self.options = options
        self.diagnostics = diagnostics
        self.listings = ListingResolver(options: options, diagnostics: diagnostics)
    }

    /// The rendered book, or `nil` when the manifest could not be read. The caller must also check `diagnostics`.
    func render() -> RenderedBook? {
        let manifestPath = joinPath(options.chaptersDirectory, "book.json")
        guard let manifest = BookManifest.load(from: URL(fileURLWithPath: manifestPath), displayPath: manifestPath, diagnostics: diagnostics) else {
            return nil
        }
        let manifestText = (FileManager.default.contents(atPath: manifestPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if let problem = OutputWriter.replacementProblem(for: options.outputDirectory) {
            diagnostics.report(path: options.outputDirectory, problem)
        }
        let chapters = selectedEntries(of: manifest, manifestPath: manifestPath).compactMap { number, entry in
            loadChapter(entry, number: number, manifestPath: manifestPath, manifestText: manifestText)
        }
        for chapter in chapters {
            collectFigures(of: chapter)
        }
        var pages: [RenderedBook.Page] = []
        for (index, chapter) in chapters.enumerated() {
            let previous = index > 0 ? chapters[index - 1] : nil
            let next = index + 1 < chapters.count ? chapters[index + 1] : nil
            pages.append(RenderedBook.Page(fileName: chapter.pageName, text: renderPage(chapter, previous: previous, next: next)))
        }
        let readme = PageTemplates.readme(
            manifest: manifest,
            manifestPath: manifestPath,
            quick: options.quick,
            contents: chapters.map { chapter in
                let line = BookManifest.lineNumber(of: chapter.entry.keyResult, in: manifestText)
                let keyResult = renderInline(chapter.entry.keyResult, chapter: chapter, path: manifestPath, line: line, allowReferences: false)
                return (chapter, keyResult)
            }
        )
        pages.insert(RenderedBook.Page(fileName: "README.md", text: readme), at: 0)
        return RenderedBook(pages: pages, figureCopies: figureCopies)
    }

    // MARK: Loading

    /// The manifest entries to stitch, with their chapter numbers, honouring `--only`.
    private func selectedEntries(of manifest: BookManifest, manifestPath: String) -> [(Int, ManifestChapter)] {
        let numbered = manifest.chapters.enumerated().map { ($0.offset + 1, $0.element) }
        guard let only = options.onlyChapters else { return numbered }
        let known = manifest.chapters.map(\.short)
        for name in only where !known.contains(name) {
            diagnostics.report(path: manifestPath, "--only names chapter '\(name)', which the manifest does not list" + NearMiss.hint(for: name, among: known))
        }
        return numbered.filter { only.contains($0.1.short) }
    }

    /// Reads a chapter's prose and run, reporting a missing directory, prose file, title or run.
    private func loadChapter(_ entry: ManifestChapter, number: Int, manifestPath: String, manifestText: String) -> ChapterInput? {
        let manager = FileManager.default
        let directoryPath = joinPath(options.chaptersDirectory, entry.directory)
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directoryPath, isDirectory: &isDirectory), isDirectory.boolValue else {
            let line = BookManifest.lineNumber(of: "\"\(entry.directory)\"", in: manifestText)
            diagnostics.report(path: manifestPath, line: line, "chapter directory '\(directoryPath)' of chapter '\(entry.short)' does not exist")
            return nil
        }
        let prosePath = joinPath(directoryPath, "chapter.md")
        guard let proseData = manager.contents(atPath: prosePath) else {
            diagnostics.report(path: prosePath, "missing chapter prose")
            return nil
        }
        var lines = String(decoding: proseData, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }

        var fence = FenceTracker()
        var titleIndex: Int?
        for (index, line) in lines.enumerated() where fence.classify(line) == .prose && line.hasPrefix("# ") {
            titleIndex = index
            break
        }
        let title = titleIndex.map { lines[$0].dropFirst(2).trimmingCharacters(in: .whitespaces) } ?? entry.short
        if titleIndex == nil {
            diagnostics.report(path: prosePath, "chapter.md has no '# Title' heading")
        }
        for finding in ProseLint.findings(in: lines) {
            diagnostics.report(path: prosePath, line: finding.line, finding.message)
        }

        let runPath = joinPath(options.runsDirectory, entry.short)
        let metricsPath = joinPath(runPath, "metrics.json")
        var run: RunRecord?
        if let data = manager.contents(atPath: metricsPath) {
            run = RunRecord.parse(data, displayPath: metricsPath, expectedChapter: entry.short, diagnostics: diagnostics)
        } else {
            diagnostics.report(path: metricsPath, "missing run record; run 'swift run \(entry.executableName)' first")
        }
        if let run, run.isQuick, !options.quick {
            diagnostics.report(path: metricsPath, "this is a quick-mode run (\"quick\": true); run '\(entry.executableName)' in full mode, or stitch with --quick")
        }
        return ChapterInput(entry: entry, number: number, directoryPath: directoryPath, prosePath: prosePath, lines: lines,
                            titleIndex: titleIndex, title: title, run: run, runPath: runPath)
    }

    /// Numbers the chapter's figures in order of appearance (`N.1`, `N.2`, …), reporting duplicated names.
    private func collectFigures(of chapter: ChapterInput) {
        var labels: [String: String] = [:]
        var firstLines: [String: Int] = [:]
        for (index, line) in chapter.lines.enumerated() where line.contains("{{figure:") {
            for case .directive(.figure(let name, _, _), _) in DirectiveScanner.segments(of: line, report: { _ in }) {
                if let earlier = firstLines[name] {
                    diagnostics.report(path: chapter.prosePath, line: index + 1, "figure '\(name)' is already placed on line \(earlier)")
                    continue
                }
                firstLines[name] = index + 1
                labels[name] = "\(chapter.number).\(labels.count + 1)"
            }
        }
        figureLabels[chapter.entry.short] = labels
    }

    // MARK: Rendering

    /// The chapter page: navigation, numbered title, banner for a quick run, body, navigation and run footer.
    private func renderPage(_ chapter: ChapterInput, previous: ChapterInput?, next: ChapterInput?) -> String {
        var body: [String] = []
        for (index, line) in chapter.lines.enumerated() where index != chapter.titleIndex {
            let followsTitle = chapter.titleIndex.map { index == $0 + 1 } ?? false
            if followsTitle, line.trimmingCharacters(in: .whitespaces).isEmpty, body.last?.isEmpty ?? true {
                continue
            }
            body.append(renderLine(line, chapter: chapter, lineNumber: index + 1))
        }
        while body.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { body.removeFirst() }
        while body.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { body.removeLast() }
        return PageTemplates.chapterPage(chapter: chapter, body: body.joined(separator: "\n"), previous: previous, next: next)
    }

    /// One line of prose with its directives resolved; block directives must stand alone on their line.
    private func renderLine(_ line: String, chapter: ChapterInput, lineNumber: Int) -> String {
        guard line.contains("{{") else { return line }
        let report = { (message: String) in self.diagnostics.report(path: chapter.prosePath, line: lineNumber, message) }
        let segments = DirectiveScanner.segments(of: line, report: report)
        let blocks = segments.compactMap { segment -> (Directive, String)? in
            if case .directive(let directive, let source) = segment, directive.isBlock { return (directive, source) }
            return nil
        }
        if let (directive, source) = blocks.first {
            let others = segments.filter {
                if case .literal(let text) = $0 { return !text.trimmingCharacters(in: .whitespaces).isEmpty }
                return true
            }
            guard others.count == 1 else {
                report("'\(source)' must stand alone on its line")
                return line
            }
            switch directive {
            case .listing(let file, let anchor):
                return listings.render(file: file, anchor: anchor, chapterDirectory: chapter.directoryPath, report: report)
            case .figure(let name, let caption, let altText):
                return renderFigure(name: name, caption: caption, altText: altText, chapter: chapter, report: report)
            default:
                return line
            }
        }
        return segments.map { segment in
            switch segment {
            case .literal(let text):
                return text
            case .directive(let directive, let source):
                return inlineText(for: directive, source: source, chapter: chapter, allowReferences: true, report: report) ?? source
            }
        }.joined()
    }

    /// Resolves the directives of a one-line template (a key result) against `chapter`.
    private func renderInline(_ template: String, chapter: ChapterInput, path: String, line: Int?, allowReferences: Bool) -> String {
        let report = { (message: String) in self.diagnostics.report(path: path, line: line, "chapter '\(chapter.entry.short)': \(message)") }
        return DirectiveScanner.segments(of: template, report: report).map { segment in
            switch segment {
            case .literal(let text):
                return text
            case .directive(let directive, let source):
                if directive.isBlock {
                    report("'\(source)' cannot be used in a key result")
                    return source
                }
                return inlineText(for: directive, source: source, chapter: chapter, allowReferences: allowReferences, report: report) ?? source
            }
        }.joined()
    }

    /// The text of an inline directive, or `nil` (after reporting) when it cannot be resolved.
    private func inlineText(for directive: Directive, source: String, chapter: ChapterInput, allowReferences: Bool, report: (String) -> Void) -> String? {
        switch directive {
        case .metric(let name, let format), .percent(let name, let format):
            guard let run = chapter.run else { return nil }
            guard let value = run.metrics[name] else {
                report("unknown metric '\(name)'" + NearMiss.hint(for: name, among: Array(run.metrics.keys)))
                return nil
            }
            guard value.isFinite else {
                report("metric '\(name)' is not a finite number (\(value))")
                return nil
            }
            let isPercent: Bool
            if case .percent = directive { isPercent = true } else { isPercent = false }
            do {
                let text = try NumberFormatting.format(isPercent ? value * 100 : value, with: format)
                return isPercent && !format.contains("%%") ? text + "%" : text
            } catch {
                report((error as? DirectiveError)?.message ?? "\(error)")
                return nil
            }
        case .text(let name):
            guard let run = chapter.run else { return nil }
            guard let text = run.texts[name] else {
                report("unknown text '\(name)'" + NearMiss.hint(for: name, among: Array(run.texts.keys)))
                return nil
            }
            return text
        case .run(let field, let format):
            guard let run = chapter.run else { return nil }
            let scalarFields = run.fields.filter { $0.value != .other }
            guard let value = scalarFields[field] else {
                report("unknown run field '\(field)'" + NearMiss.hint(for: field, among: Array(scalarFields.keys)))
                return nil
            }
            guard let format else { return value.defaultText }
            guard let number = value.numericValue else {
                report("run field '\(field)' is not a number; drop the format '\(format)'")
                return nil
            }
            do {
                return try NumberFormatting.format(number, with: format)
            } catch {
                report((error as? DirectiveError)?.message ?? "\(error)")
                return nil
            }
        case .reference(let otherChapter, let name):
            guard allowReferences else {
                report("'\(source)' cannot be used here")
                return nil
            }
            let short = otherChapter ?? chapter.entry.short
            guard let labels = figureLabels[short] else {
                report("reference '\(source)' names chapter '\(short)', which is not part of this build" + NearMiss.hint(for: short, among: Array(figureLabels.keys)))
                return nil
            }
            guard let label = labels[name] else {
                report("unknown figure '\(name)' in reference '\(source)'" + NearMiss.hint(for: name, among: Array(labels.keys)))
                return nil
            }
            if otherChapter != nil && short != chapter.entry.short {
                let page = String(format: "%02d-%@", Int(label.split(separator: ".")[0]) ?? 0, short) + ".md"
                return "[Figure \(label)](\(page))"
            }
            return "Figure \(label)"
        case .listing, .figure:
            report("'\(source)' must stand alone on its line")
            return nil
        }
    }

    /// The numbered image and caption of figure `name`, after checking its PNG exists; records the copy.
    private func renderFigure(name: String, caption: String, altText: String, chapter: ChapterInput, report: (String) -> Void) -> String {
        let figuresPath = joinPath(chapter.runPath, "figures")
        let pngPath = joinPath(figuresPath, name + ".png")
        guard FileManager.default.fileExists(atPath: pngPath) else {
            let available = ((try? FileManager.default.contentsOfDirectory(atPath: figuresPath)) ?? [])
                .filter { $0.hasSuffix(".png") }
                .map { String($0.dropLast(4)) }
            report("missing figure '\(pngPath)'" + NearMiss.hint(for: name, among: available))
            return ""
        }
        let destination = "figures/\(chapter.entry.short)/\(name).png"
        if !figureCopies.contains(where: { $0.destination == destination }) {
            figureCopies.append(RenderedBook.FigureCopy(source: pngPath, destination: destination))
        }
        let label = figureLabels[chapter.entry.short]?[name] ?? "\(chapter.number).?"
        let escapedAlt = altText.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
        return "![Figure \(label): \(escapedAlt)](\(destination))\n\n*Figure \(label). \(caption)*"
    }
}
