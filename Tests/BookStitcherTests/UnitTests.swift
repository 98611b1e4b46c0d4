import Foundation
import Testing
@testable import BookStitcher

/// Anchor extraction, directive parsing, number formatting and near misses in isolation.
@Suite struct UnitTests {
    @Test func extractStripsNestedAnchorsAndDedents() {
        let source = AnchoredSource(text: """
            // ANCHOR: outer
                if ready {
            // ANCHOR: inner
                    run()
            // ANCHOR_END: inner

                }
            // ANCHOR_END: outer
        """)
        #expect(source.problems.isEmpty)
        #expect(source.extract("outer") == "if ready {\n    run()\n\n}")
        #expect(source.extract("inner") == "run()")
        #expect(source.extract("missing") == nil)
    }

    @Test func strayAnchorEndIsAProblem() {
        let source = AnchoredSource(text: "let a = 1\n// ANCHOR_END: model\n")
        #expect(source.problems == [.init(line: 2, message: "ANCHOR_END 'model' without a matching ANCHOR")])
    }

    @Test func directivesParse() throws {
        #expect(try Directive.parse("listing:model") == .listing(file: "main.swift", anchor: "model"))
        #expect(try Directive.parse("listing:Other.swift:training-loop") == .listing(file: "Other.swift", anchor: "training-loop"))
        #expect(try Directive.parse("metric:test_loss") == .metric(name: "test_loss", format: "%g"))
        #expect(try Directive.parse("percent:accuracy") == .percent(name: "accuracy", format: "%.1f"))
        #expect(try Directive.parse("run:seconds:%.0f") == .run(field: "seconds", format: "%.0f"))
        #expect(try Directive.parse("figure:a|Cap|Alt") == .figure(name: "a", caption: "Cap", altText: "Alt"))
        #expect(try Directive.parse("ref:vae/samples") == .reference(chapter: "vae", name: "samples"))
        #expect(throws: DirectiveError.self) { try Directive.parse("figure:a") }
        #expect(throws: DirectiveError.self) { try Directive.parse("metric:a:%.2f%.2f") }
    }

    @Test func numberFormats() throws {
        #expect(try NumberFormatting.format(0.29312, with: "%.4f") == "0.2931")
        #expect(try NumberFormatting.format(20, with: "%d") == "20")
        #expect(try NumberFormatting.format(74.12, with: "%.1f%%") == "74.1%")
        #expect(throws: DirectiveError.self) { try NumberFormatting.format(1, with: "%s") }
    }

    @Test func nearMisses() {
        #expect(NearMiss.editDistance("tets_loss", "test_loss") == 2)
        #expect(NearMiss.suggestions(for: "training_loop", among: ["training-loop", "model", "decoder"]) == ["training-loop"])
        #expect(NearMiss.hint(for: "zzz", among: ["a", "b"]) == " (known: 'a', 'b')")
    }
}
