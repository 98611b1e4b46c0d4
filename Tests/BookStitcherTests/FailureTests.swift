import Foundation
import Testing
@testable import BookStitcher

/// Each failure mode produces its error, with file, line and near-miss names; nothing is written.
@Suite struct FailureTests {
    /// Stitches a one-chapter book with `prose` (and optionally `mainSwift`) and returns its diagnostics.
    private func failures(prose: String, mainSwift: String? = nil) throws -> [String] {
        let fixture = try mainSwift.map { try BookFixture.oneChapter(prose: prose, mainSwift: $0) } ?? BookFixture.oneChapter(prose: prose)
        let result = fixture.failures()
        #expect(!fixture.exists("book"), "nothing may be written when stitching fails")
        return result
    }

    @Test func missingSwiftFile() throws {
        let result = try failures(prose: "# T\n\n{{listing:Model.swift:model}}\n")
        #expect(result == ["Chapters/Basic/chapter.md:3: error: missing Swift file 'Chapters/Basic/Model.swift' for listing 'model' (known: 'main.swift')"])
    }

    @Test func missingAnchorSuggestsNearMiss() throws {
        let result = try failures(prose: "# T\n\nText.\n{{listing:modle}}\n")
        #expect(result == ["Chapters/Basic/chapter.md:4: error: no anchor 'modle' in 'Chapters/Basic/main.swift' (did you mean 'model'?)"])
    }

    @Test func unclosedAnchorNamesTheSwiftLine() throws {
        let swift = "import Foundation\n// ANCHOR: model\nlet model = 1\n"
        let result = try failures(prose: "# T\n\n{{listing:model}}\n", mainSwift: swift)
        #expect(result.contains("Chapters/Basic/main.swift:2: error: unclosed anchor 'model' (no '// ANCHOR_END: model')"))
        #expect(result.contains("Chapters/Basic/chapter.md:3: error: anchor 'model' in 'Chapters/Basic/main.swift' is unclosed or duplicated"))
    }

    @Test func duplicatedAnchorNamesTheSwiftLine() throws {
        let swift = "// ANCHOR: model\nlet a = 1\n// ANCHOR_END: model\n\n// ANCHOR: model\nlet b = 2\n// ANCHOR_END: model\n"
        let result = try failures(prose: "# T\n\n{{listing:model}}\n", mainSwift: swift)
        #expect(result.contains("Chapters/Basic/main.swift:5: error: duplicated anchor 'model' (first opened on line 1)"))
        #expect(result.contains { $0.hasPrefix("Chapters/Basic/chapter.md:3: error:") })
    }

    @Test func emptyExtract() throws {
        let swift = "// ANCHOR: model\n   \n// ANCHOR: inner\n// ANCHOR_END: inner\n// ANCHOR_END: model\n"
        let result = try failures(prose: "# T\n\n{{listing:model}}\n", mainSwift: swift)
        #expect(result == ["Chapters/Basic/chapter.md:3: error: anchor 'model' in 'Chapters/Basic/main.swift' is empty"])
    }

    @Test func handTypedSwiftFence() throws {
        let result = try failures(prose: "# T\n\n```swift\nlet x = 1\n```\n\n```text\nfine\n```\n")
        #expect(result == ["Chapters/Basic/chapter.md:3: error: hand-typed ```swift block; show code with {{listing:anchor}} so the book shows the code that ran"])
    }

    @Test func unknownMetricSuggestsNearMiss() throws {
        let result = try failures(prose: "# T\n\nLoss {{metric:tets_loss:%.4f}}.\n")
        #expect(result == ["Chapters/Basic/chapter.md:3: error: unknown metric 'tets_loss' (did you mean 'test_loss'?)"])
    }

    @Test func unknownText() throws {
        let result = try failures(prose: "# T\n\nClass {{text:held_out}}.\n")
        #expect(result == ["Chapters/Basic/chapter.md:3: error: unknown text 'held_out' (did you mean 'held_out_class'?)"])
    }

    @Test func missingFigure() throws {
        let result = try failures(prose: "# T\n\n{{figure:reconstruction|Caption.}}\n")
        #expect(result == ["Chapters/Basic/chapter.md:3: error: missing figure 'runs/basic/figures/reconstruction.png' (did you mean 'reconstructions'?)"])
    }

    @Test func malformedDirectives() throws {
        let result = try failures(prose: "# T\n\n{{metrc:test_loss}}\n\nOpen {{metric:test_loss and more\n\n{{metric:test_loss:%s}}\n")
        #expect(result == [
            "Chapters/Basic/chapter.md:3: error: unknown directive kind 'metrc' (did you mean 'metric'?)",
            "Chapters/Basic/chapter.md:5: error: unclosed directive '{{metric:test_loss and more' (missing '}}' on this line)",
            "Chapters/Basic/chapter.md:7: error: unsupported number format '%s' (use %f, %e, %g or %d conversions)",
        ])
    }

    @Test func inlineMathLint() throws {
        let prose = "# T\n\nBad $x_{i} + W_{ij}$ here.\nGood $`x_{i} + W_{ij}`$, $x_{i}$, `$a_{1}b_{2}$`.\n\n$$\nx_{i} + W_{ij}\n$$\n"
        let result = try failures(prose: prose)
        #expect(result == ["Chapters/Basic/chapter.md:3: error: inline math '$x_{i} + W_{ij}$' has 2 '_{'; GitHub renders it wrongly: write it as $`x_{i} + W_{ij}`$"])
    }

    @Test func missingChapterDirectoryIsAnError() throws {
        let fixture = try BookFixture.oneChapter(prose: "# T\n")
        try fixture.writeManifest([("Basic", "basic", "x"), ("VAE", "vae", "y")])
        let result = fixture.failures()
        #expect(result == ["Chapters/book.json:6: error: chapter directory 'Chapters/VAE' of chapter 'vae' does not exist"])
        #expect(fixture.failures(only: ["basic"]).isEmpty)
        #expect(fixture.failures(only: ["basci"]).contains("Chapters/book.json: error: --only names chapter 'basci', which the manifest does not list (did you mean 'basic'?)"))
    }

    @Test func quickRunRejectedInFullBuild() throws {
        let fixture = try BookFixture.oneChapter(prose: "# T\n")
        try fixture.writeRun("basic", metrics: ["test_loss": 0.5], quick: true)
        #expect(fixture.failures().contains { $0.contains("this is a quick-mode run") })
        #expect(fixture.failures(quick: true).isEmpty)
    }

    @Test func allErrorsReportedInOneRunAndNothingWritten() throws {
        let fixture = try BookFixture.oneChapter(prose: "# T\n\n{{metric:tets_loss}} {{text:nope}}\n{{listing:modle}}\n{{figure:nope|C}}\n{{ref:missing}}\n")
        try fixture.write("Chapters/Sparse/chapter.md", "# S\n\n```swift\n```\n{{metric:sparsity}}\n")
        try fixture.write("Chapters/Sparse/main.swift", "")
        try fixture.writeRun("sparse", metrics: ["sparsity": 0.1])
        try fixture.writeManifest([("Basic", "basic", "{{metric:loss}}"), ("Sparse", "sparse", "ok")])
        // A previous good build must survive a failed one untouched.
        try fixture.write("book/README.md", Stitcher.generatedMarker + " earlier -->\n")
        let result = fixture.failures()
        #expect(result.count == 7, "\(result.joined(separator: "\n"))")
        #expect(result.contains { $0.hasPrefix("Chapters/book.json:5: error: chapter 'basic': unknown metric 'loss'") })
        #expect(result.contains { $0.hasPrefix("Chapters/Sparse/chapter.md:3: error: hand-typed") })
        #expect(try fixture.read("book/README.md") == Stitcher.generatedMarker + " earlier -->\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.path("book")) == ["README.md"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.root.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func refusesToReplaceADirectoryItDidNotGenerate() throws {
        let fixture = try BookFixture.oneChapter(prose: "# T\n")
        try fixture.write("book/notes.txt", "mine")
        #expect(fixture.failures().contains { $0.contains("refusing to replace") })
        #expect(try fixture.read("book/notes.txt") == "mine")
    }

    @Test func anOutputThatCannotBeWrittenIsOneLineWithTheSystemsReason() throws {
        let fixture = try BookFixture.oneChapter(prose: "# T\n")
        try fixture.write("blocker", "a file, not a folder")
        #expect(fixture.failures(output: "blocker/book") == ["blocker/book: error: cannot write the book: Not a directory"])
        #expect(try fixture.read("blocker") == "a file, not a folder")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.root.path).filter { $0.hasPrefix(".") }.isEmpty)
    }
}

