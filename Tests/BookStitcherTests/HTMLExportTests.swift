import Foundation
import Testing
@testable import BookStitcher

@Suite("HTML book")
struct HTMLExportTests {
    let pages = ["README.md", "01-basic.md", "02-sparse.md"]

    @Test func pagesAndHeadingsGetAnchorsAndLinksPointAtThem() {
        let markdown = """
            ← [Contents](README.md) · [2. Sparse](02-sparse.md) →

            ## The code
            See [the code](#the-code), [sparse exercises](02-sparse.md#exercises) and [PyTorch](https://pytorch.org).

            ## The code
            ```swift
            let link = "[x](README.md)"  // code is left alone
            ## not a heading
            ```
            """
        let prepared = HTMLPreparation.prepare(markdown, page: "01-basic.md", pages: pages)
        let lines = prepared.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "<a id=\"page-01-basic\"></a>")
        #expect(lines.contains("← [Contents](#page-readme) · [2. Sparse](#page-02-sparse) →"))
        #expect(lines.contains("<a id=\"page-01-basic--the-code\"></a>"))
        #expect(lines.contains("<a id=\"page-01-basic--the-code-1\"></a>"))  // GitHub's numbering of a repeated heading
        #expect(lines.contains("See [the code](#page-01-basic--the-code), [sparse exercises](#page-02-sparse--exercises) and [PyTorch](https://pytorch.org)."))
        #expect(lines.contains("let link = \"[x](README.md)\"  // code is left alone"))
        #expect(!lines.contains { $0.contains("--not-a-heading") })
    }

    @Test func githubMathBecomesDollarMath() {
        #expect(HTMLPreparation.convertInlineMath("score $`q_{dw} = c_{dw} / N_d`$ and $`x`$.") == "score $q_{dw} = c_{dw} / N_d$ and $x$.")
        let prepared = HTMLPreparation.prepare("text\n```math\nx^2\n```\n", page: "README.md", pages: pages)
        #expect(prepared.contains("text\n$$\nx^2\n$$\n"))
        #expect(HTMLCheck.displayFormulaCount(inMarkdown: "$$\na\n$$\n\n```math\nb\n```\n```swift\n// $$ not math $$\n```\n$$ c $$") == 3)
    }

    @Test func slugsFollowGitHub() {
        #expect(HTMLPreparation.slug("2. Sparse autoencoders: a bottleneck") == "2-sparse-autoencoders-a-bottleneck")
        #expect(HTMLPreparation.slug("The `train` loop, [linked](x.md) & β") == "the-train-loop-linked--β")
    }

    @Test func pandocReadsDollarMathAndWritesMathML() {
        let arguments = HTMLExport.pandocArguments(pages: ["/w/README.md"], bookDirectory: "book", headerFile: "/w/h.html",
                                                   outputFile: "/w/book.html", title: "T", embedResourcesFlag: "--embed-resources")
        #expect(arguments.prefix(4) == ["-f", "gfm+tex_math_dollars", "-t", "html5"])
        #expect(arguments.contains("--mathml") && !arguments.contains("--mathjax"))
        #expect(arguments.last == "/w/README.md")
    }

    @Test func uprightTextIsOneMathMLIdentifier() {
        let html = #"<mo>−</mo><mstyle mathvariant="normal"><mi>K</mi><mi>L</mi></mstyle><mo>(</mo>"#
        #expect(HTMLExport.uprightText(inMathML: html) == #"<mo>−</mo><mi mathvariant="normal">KL</mi><mo>(</mo>"#)
    }

    @Test func theDOMCheckFindsEachProblem() {
        let good = """
            <html><body><p>A <math display="inline"><mi>x</mi></math> and</p>
            <math display="block"><mfrac><mn>1</mn><mn>2</mn></mfrac><annotation encoding="application/x-tex">\\frac{1}{2}</annotation></math>
            <a href="#page-readme">Contents</a><img src="data:image/png;base64,AAAA"><pre><code>let price = "$$"</code></pre></body></html>
            """
        #expect(HTMLCheck.problems(inDOM: good, expectedDisplayFormulas: 1).isEmpty)
        let bad = """
            <html><body><p>$$ \\frac{1}{2} $$ and $`x`$</p><a href="02-sparse.md">next</a><a href="README.md#x">up</a>
            <img src="figures/a.png"></body></html>
            """
        let problems = HTMLCheck.problems(inDOM: bad, expectedDisplayFormulas: 1)
        #expect(problems.count == 6)
        #expect(problems.contains { $0.hasPrefix("1 of 1 display formulas did not become math") })
        #expect(problems.contains { $0.hasPrefix("raw '$$' left in the text") })
        #expect(problems.contains { $0.hasPrefix("raw '$`' left in the text") })
        #expect(problems.contains { $0.hasPrefix("raw '\\frac' left in the text") })
        #expect(problems.contains { $0 == "2 link(s) point at a Markdown file instead of an anchor in the page, first: 02-sparse.md" })
        #expect(problems.contains { $0 == "1 image(s) not embedded in the page, first: figures/a.png" })
    }

    @Test func aMissingBookIsAnErrorNotAnEmptyPage() {
        #expect(throws: CommandProblem("cannot read the book folder /no/such/book: No such file or directory")) {
            try HTMLExport.pages(inBook: "/no/such/book")
        }
    }

    @Test(.enabled(if: HTMLExport.executablePath(named: "pandoc") != nil, "needs pandoc"))
    func pandocWritesOnePageWithMathAndAnchors() throws {
        let book = FileManager.default.temporaryDirectory.appendingPathComponent("html-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        try "# Title\n\n- [One](01-one.md)\n".write(to: book.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "# One\n\n[Contents](README.md), $`x_{i}`$ and\n\n$$\n\\frac{1}{2} \\; \\mathrm{KL}\n$$\n"
            .write(to: book.appendingPathComponent("01-one.md"), atomically: true, encoding: .utf8)
        let output = book.appendingPathComponent("book.html").path
        #expect(try HTMLExport.export(bookDirectory: book.path, outputFile: output) == .written)
        let html = try String(contentsOfFile: output, encoding: .utf8)
        #expect(html.contains("<math display=\"block\""))
        #expect(html.contains("<mi mathvariant=\"normal\">KL</mi>"))
        #expect(html.contains("href=\"#page-readme\""))
        #expect(!html.contains("$`") && !html.contains("href=\"README.md\""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: book.path).sorted() == ["01-one.md", "README.md", "book.html"])
        // A page that cannot be written is one line naming it and the system's reason.
        let unwritable = book.appendingPathComponent("no/such/book.html").path
        let error = try #require(throws: (any Error).self) { try HTMLExport.export(bookDirectory: book.path, outputFile: unwritable) }
        #expect(error.localizedDescription == "cannot write HTML page \(unwritable): No such file or directory")
        try? FileManager.default.removeItem(at: book)
    }
}
