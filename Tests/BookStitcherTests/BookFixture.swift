import Foundation
@testable import BookStitcher

/// A small fake book in a fresh temporary directory: manifest, chapters, runs.
final class BookFixture {
    /// The fixture's root directory.
    let root: URL

    /// Creates an empty fixture directory.
    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("book-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// The absolute path of `relative` inside the fixture.
    func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// Writes `text` at `relative`, creating directories.
    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Reads the text at `relative`.
    func read(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: root.appendingPathComponent(relative)), as: UTF8.self)
    }

    /// Whether something exists at `relative`.
    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relative))
    }

    /// Writes a manifest listing `chapters` as (directory, short, key result).
    func writeManifest(_ chapters: [(String, String, String)]) throws {
        let entries = chapters.map { directory, short, keyResult in
            "    {\"directory\": \"\(directory)\", \"short\": \"\(short)\", \"keyResult\": \"\(keyResult)\"}"
        }.joined(separator: ",\n")
        try write("Chapters/book.json", """
        {
          "title": "Fixture book",
          "introduction": "A book for tests.",
          "chapters": [
        \(entries)
          ]
        }
        """)
    }

    /// Writes `runs/<short>/metrics.json` and one placeholder PNG per name in `figures`.
    func writeRun(_ short: String, metrics: [String: Double], texts: [String: String]? = nil, figures: [String] = [], quick: Bool = false) throws {
        let metricsJSON = metrics.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        var record = """
        {"chapter": "\(short)", "seed": 0, "epochs": 20, "quick": \(quick), "dataset": "fashion-mnist", "threads": 2,
         "seconds": 151.2, "samples_per_second": 48000.5, "swift_version": "6.3.1",
         "metrics": {\(metricsJSON)}
        """
        if let texts {
            let data = try JSONSerialization.data(withJSONObject: texts, options: [.sortedKeys])
            record += ", \"texts\": " + String(decoding: data, as: UTF8.self)
        }
        try write("runs/\(short)/metrics.json", record + "}\n")
        for figure in figures {
            try write("runs/\(short)/figures/\(figure).png", "PNG \(short)/\(figure)")
        }
    }

    /// Stitches the fixture (`Chapters`, `runs`) into `output`, with the fixture root as working directory
    /// so that diagnostics show relative paths.
    func stitch(output: String = "book", quick: Bool = false, only: [String]? = nil,
                maximumListingWidth: Int? = StitchOptions.defaultMaximumListingWidth) throws -> StitchReport {
        let options = StitchOptions(chaptersDirectory: path("Chapters"), runsDirectory: path("runs"), outputDirectory: path(output),
                                    quick: quick, onlyChapters: only, maximumListingWidth: maximumListingWidth)
        return try Stitcher.stitch(options)
    }

    /// The diagnostics of a stitch that must fail, with the fixture root stripped from paths.
    func failures(output: String = "book", quick: Bool = false, only: [String]? = nil,
                  maximumListingWidth: Int? = StitchOptions.defaultMaximumListingWidth) -> [String] {
        do {
            _ = try stitch(output: output, quick: quick, only: only, maximumListingWidth: maximumListingWidth)
            return []
        } catch let failure as StitchFailure {
            return failure.diagnostics.map { $0.description.replacingOccurrences(of: root.path + "/", with: "") }
        } catch {
            return ["unexpected error: \(error)"]
        }
    }

    /// A one-chapter book (`Basic`, short `basic`) with the given prose and main.swift and a standard run.
    static func oneChapter(prose: String, mainSwift: String = "// ANCHOR: model\nlet model = 1\n// ANCHOR_END: model\n") throws -> BookFixture {
        let fixture = try BookFixture()
        try fixture.writeManifest([("Basic", "basic", "BCE {{metric:test_loss:%.4f}}")])
        try fixture.write("Chapters/Basic/chapter.md", prose)
        try fixture.write("Chapters/Basic/main.swift", mainSwift)
        try fixture.writeRun("basic", metrics: ["test_loss": 0.2931], texts: ["held_out_class": "Sneaker"], figures: ["reconstructions"])
        return fixture
    }
}
