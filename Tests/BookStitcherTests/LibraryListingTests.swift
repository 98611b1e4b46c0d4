import Foundation
import Testing
@testable import BookStitcher

/// Listings taken from library files (`{{listing:Sources/<Module>/<File>.swift:anchor}}`) and the
/// listing-width limit.
@Suite struct LibraryListingTests {
    /// The library file of the fixtures: one well-formed anchor, `loss`.
    static let lossSwift = """
    import Foundation

    /// Mean squared error.
    // ANCHOR: loss
    public func meanSquaredError(_ predicted: [Double], _ expected: [Double]) -> Double {
        zip(predicted, expected).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(predicted.count)
    }
    // ANCHOR_END: loss

    """

    /// A one-chapter book whose prose is `prose`, with `Sources/Engine/Loss.swift` written as `library`.
    private func book(prose: String, library: String = lossSwift) throws -> BookFixture {
        let fixture = try BookFixture.oneChapter(prose: prose)
        try fixture.write("Sources/Engine/Loss.swift", library)
        return fixture
    }

    /// The diagnostics of a book that must fail; checks that nothing was written.
    private func failures(prose: String, library: String = lossSwift) throws -> [String] {
        let fixture = try book(prose: prose, library: library)
        let result = fixture.failures()
        #expect(!fixture.exists("book"), "nothing may be written when stitching fails")
        return result
    }

    @Test func libraryListingShowsTheExtractUnderALinkToItsFile() throws {
        let fixture = try book(prose: "# T\n\nThe loss, from the library:\n\n{{listing:Sources/Engine/Loss.swift:loss}}\n\nAfter.\n")
        _ = try fixture.stitch()
        let page = try fixture.read("book/01-basic.md")
        let expected = """
        The loss, from the library:

        *From [`Sources/Engine/Loss.swift`](../Sources/Engine/Loss.swift):*

        ```swift
        public func meanSquaredError(_ predicted: [Double], _ expected: [Double]) -> Double {
            zip(predicted, expected).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(predicted.count)
        }
        ```

        After.
        """
        #expect(page.contains(expected), "\(page)")
        // The link resolves from the page's directory.
        #expect(FileManager.default.fileExists(atPath: fixture.path("book/../Sources/Engine/Loss.swift")))
    }

    @Test func missingLibraryFileSuggestsNearMisses() throws {
        #expect(try failures(prose: "# T\n\n{{listing:Sources/Engine/Los.swift:loss}}\n") == [
            "Chapters/Basic/chapter.md:3: error: missing Swift file 'Sources/Engine/Los.swift' for listing 'loss' (did you mean 'Sources/Engine/Loss.swift'?)",
        ])
        // A misspelt module: suggestions come from every library file.
        #expect(try failures(prose: "# T\n\n{{listing:Sources/Engin/Loss.swift:loss}}\n") == [
            "Chapters/Basic/chapter.md:3: error: missing Swift file 'Sources/Engin/Loss.swift' for listing 'loss' (did you mean 'Sources/Engine/Loss.swift'?)",
        ])
    }

    @Test func missingLibraryAnchorSuggestsNearMisses() throws {
        #expect(try failures(prose: "# T\n\n{{listing:Sources/Engine/Loss.swift:los}}\n") == [
            "Chapters/Basic/chapter.md:3: error: no anchor 'los' in 'Sources/Engine/Loss.swift' (did you mean 'loss'?)",
        ])
    }

    @Test func unclosedLibraryAnchorNamesTheLibraryLine() throws {
        let result = try failures(prose: "# T\n\n{{listing:Sources/Engine/Loss.swift:loss}}\n",
                                  library: "let a = 1\n// ANCHOR: loss\nlet b = 2\n")
        #expect(result == [
            "Sources/Engine/Loss.swift:2: error: unclosed anchor 'loss' (no '// ANCHOR_END: loss')",
            "Chapters/Basic/chapter.md:3: error: anchor 'loss' in 'Sources/Engine/Loss.swift' is unclosed or duplicated",
        ])
    }

    @Test func duplicatedLibraryAnchorNamesTheLibraryLine() throws {
        let library = "// ANCHOR: loss\nlet a = 1\n// ANCHOR_END: loss\n// ANCHOR: loss\nlet b = 2\n// ANCHOR_END: loss\n"
        let result = try failures(prose: "# T\n\n{{listing:Sources/Engine/Loss.swift:loss}}\n", library: library)
        #expect(result == [
            "Sources/Engine/Loss.swift:4: error: duplicated anchor 'loss' (first opened on line 1)",
            "Chapters/Basic/chapter.md:3: error: anchor 'loss' in 'Sources/Engine/Loss.swift' is unclosed or duplicated",
        ])
    }

    @Test func emptyLibraryExtract() throws {
        let result = try failures(prose: "# T\n\n{{listing:Sources/Engine/Loss.swift:loss}}\n",
                                  library: "// ANCHOR: loss\n\n// ANCHOR_END: loss\n")
        #expect(result == ["Chapters/Basic/chapter.md:3: error: anchor 'loss' in 'Sources/Engine/Loss.swift' is empty"])
    }

    @Test func pathsOutsideSourcesAreRefused() throws {
        let usage = "a listing comes from 'File.swift' in the chapter directory or 'Sources/<Module>/<File>.swift' in the library"
        let cases: [(String, String)] = [
            ("Tests/EngineTests/LossTests.swift", "listing file 'Tests/EngineTests/LossTests.swift' is outside the chapter directory and Sources/; \(usage)"),
            ("Chapters/Basic/main.swift", "listing file 'Chapters/Basic/main.swift' is outside the chapter directory and Sources/; \(usage)"),
            ("Sources/Loss.swift", "listing file 'Sources/Loss.swift' is outside the chapter directory and Sources/; \(usage)"),
            ("Sources/../Chapters/Basic/main.swift", "listing file 'Sources/../Chapters/Basic/main.swift' may not contain '..', '.' or empty path components; \(usage)"),
            ("Sources/Engine/../../x.swift", "listing file 'Sources/Engine/../../x.swift' may not contain '..', '.' or empty path components; \(usage)"),
            ("Sources//Engine/Loss.swift", "listing file 'Sources//Engine/Loss.swift' may not contain '..', '.' or empty path components; \(usage)"),
            ("/etc/Loss.swift", "listing file '/etc/Loss.swift' is an absolute path; \(usage)"),
            ("Sources/Engine/Loss.txt", "listing file 'Sources/Engine/Loss.txt' is not a .swift file; \(usage)"),
        ]
        for (file, message) in cases {
            #expect(try failures(prose: "# T\n\n{{listing:\(file):loss}}\n") == ["Chapters/Basic/chapter.md:3: error: \(message)"])
        }
    }

    @Test func symbolicLinkOutOfSourcesIsRefused() throws {
        let fixture = try book(prose: "# T\n\n{{listing:Sources/Engine/Secret.swift:loss}}\n")
        try fixture.write("Private/Secret.swift", Self.lossSwift)
        try FileManager.default.createSymbolicLink(atPath: fixture.path("Sources/Engine/Secret.swift"),
                                                   withDestinationPath: fixture.path("Private/Secret.swift"))
        let result = fixture.failures()
        #expect(result.count == 1)
        #expect(result.first?.hasPrefix("Chapters/Basic/chapter.md:3: error: listing file 'Sources/Engine/Secret.swift' resolves to '") == true)
        #expect(result.first?.hasSuffix("Private/Secret.swift', outside Sources/") == true)
    }

    @Test func linesWiderThanTheLimitAreErrorsNamingFileLineAndAnchor() throws {
        let wide = "let " + String(repeating: "x", count: 93) + " = 1"   // 101 characters
        let limit = "let " + String(repeating: "y", count: 92) + " = 1"  // 100 characters
        let chapterSwift = "// ANCHOR: model\n    \(limit)\n    \(wide)\n// ANCHOR_END: model\n"
        let fixture = try BookFixture.oneChapter(prose: "# T\n\n{{listing:model}}\n\n{{listing:Sources/Engine/Loss.swift:loss}}\n",
                                                 mainSwift: chapterSwift)
        try fixture.write("Sources/Engine/Loss.swift", Self.lossSwift)
        // Widths are measured after dedenting: the four leading spaces do not count.
        #expect(fixture.failures() == [
            "Chapters/Basic/main.swift:3: error: line of listing 'model' is 101 characters wide, over the limit of 100 (--max-listing-width)",
        ])
        #expect(fixture.failures(maximumListingWidth: 90) == [
            "Chapters/Basic/main.swift:2: error: line of listing 'model' is 100 characters wide, over the limit of 90 (--max-listing-width)",
            "Chapters/Basic/main.swift:3: error: line of listing 'model' is 101 characters wide, over the limit of 90 (--max-listing-width)",
            "Sources/Engine/Loss.swift:6: error: line of listing 'loss' is 97 characters wide, over the limit of 90 (--max-listing-width)",
        ])
        #expect(!fixture.exists("book"))
        _ = try fixture.stitch(maximumListingWidth: nil)
        #expect(try fixture.read("book/01-basic.md").contains(wide))
    }

    @Test func listingWidthOption() {
        #expect(StitchOptions.listingWidthProblem(100) == nil)
        #expect(StitchOptions.listingWidthProblem(0) == nil)
        #expect(StitchOptions.listingWidthProblem(-1) == "--max-listing-width must be 0 (no limit) or a positive number of characters, got -1")
        #expect(StitchOptions.listingWidthLimit(0) == nil)
        #expect(StitchOptions.listingWidthLimit(80) == 80)
    }

    @Test func repositoryRootIsTheParentOfTheChaptersDirectory() {
        func root(_ chapters: String) -> String {
            StitchOptions(chaptersDirectory: chapters, runsDirectory: "runs", outputDirectory: "book").repositoryRoot
        }
        #expect(root("Chapters") == "")
        #expect(root("Chapters/") == "")
        #expect(root("../main/Chapters") == "../main")
        #expect(root("/work/main/Chapters") == "/work/main")
        #expect(root("/Chapters") == "/")
        #expect(root(".") == "..")
        #expect(joinPath("", "Sources/A/B.swift") == "Sources/A/B.swift")
        #expect(joinPath("/", "Sources/A/B.swift") == "/Sources/A/B.swift")
    }

    @Test func relativeLinksFromTheBookToTheLibrary() {
        #expect(relativePath(from: "book", to: "Sources/A/B.swift") == "../Sources/A/B.swift")
        #expect(relativePath(from: "/r/book/", to: "/r/Sources/A/B.swift") == "../Sources/A/B.swift")
        #expect(relativePath(from: "/tmp/out/book", to: "/r/Sources/A/B.swift") == "../../../r/Sources/A/B.swift")
    }

    @Test func libraryListingDirectivesParse() throws {
        #expect(try Directive.parse("listing:Sources/TensorEngine/Losses.swift:binary-cross-entropy")
                == .listing(file: "Sources/TensorEngine/Losses.swift", anchor: "binary-cross-entropy"))
        #expect(try Directive.parse("listing:Sources/TensorEngine/Kernels/Kernels.swift:sgemm")
                == .listing(file: "Sources/TensorEngine/Kernels/Kernels.swift", anchor: "sgemm"))
        #expect(Directive.isLibraryListing("Sources/TensorEngine/Losses.swift"))
        #expect(!Directive.isLibraryListing("main.swift"))
    }
}
