import Foundation
import Testing
@testable import BookStitcher

@Suite("Commands in the prose")
struct CommandCheckTests {
    @Test func commandsAreFoundInCodeSpansAndFencedBlocks() {
        let markdown = """
            Run `swift run -c release chapter-vae --beta 4` and then `--beta 0.25`; not `make chapter-vae`.
            A span across lines: `swift run -c release
            chapter-basic --loss mse` ends here, and math $`x_{i}`$ is no command.

               ```sh
               swift run -c release chapter-vae -- --latent-size 2   # a comment
               $ swift run -c release chapter-text --query "a # in quotes"
               make book
               ```
            ``swift run -c release chapter-sparse --rho 0.2``
            Mentions of the tool are no commands: `swift run`, `swift run -c release`, `swift run --quiet`.
            """
        let found = CommandCheck.commands(inMarkdown: markdown, path: "x.md")
        #expect(found == [
            ProseCommand(path: "x.md", line: 1, text: "swift run -c release chapter-vae --beta 4"),
            ProseCommand(path: "x.md", line: 2, text: "swift run -c release chapter-basic --loss mse"),
            ProseCommand(path: "x.md", line: 6, text: "swift run -c release chapter-vae -- --latent-size 2"),
            ProseCommand(path: "x.md", line: 7, text: "swift run -c release chapter-text --query \"a # in quotes\""),
            ProseCommand(path: "x.md", line: 10, text: "swift run -c release chapter-sparse --rho 0.2"),
        ])
    }

    @Test func wordsAreSplitAsAShellWould() {
        #expect(CommandCheck.words(#"a "b c" 'd e' f\ g"#) == ["a", "b c", "d e", "f g"])
        #expect(CommandCheck.words(#"--query "" x"#) == ["--query", "", "x"])
        #expect(CommandCheck.words(#"a "b"#) == nil)
    }

    @Test func onlyTheBooksOneFormIsAccepted() throws {
        func invocation(_ text: String) -> Result<(product: String, arguments: [String]), CommandProblem> {
            CommandCheck.invocation(ProseCommand(path: "x.md", line: 1, text: text))
        }
        let parsed = try invocation("swift run -c release chapter-vae -- --beta 4").get()
        #expect(parsed.product == "chapter-vae")
        #expect(parsed.arguments == ["--", "--beta", "4"])  // as `swift run` passes them on
        for debugForm in ["swift run chapter-vae --beta 4", "swift run -c debug chapter-vae", "swift run -c release"] {
            #expect(throws: CommandProblem.self) { try invocation(debugForm).get() }
        }
        #expect(throws: CommandProblem.self) { try invocation(#"swift run -c release chapter-text --query "open"#).get() }
    }

    @Test func checkedRunsAreQuickAndWriteIntoTheScratchFolder() {
        #expect(CommandCheck.checkArguments(["--beta", "4", "--output", "runs/vae-beta4"], output: "/s/1")
            == ["--beta", "4", "--quick", "--output", "/s/1"])
        #expect(CommandCheck.checkArguments(["--quick", "--output=runs/x"], output: "/s/2") == ["--quick", "--output", "/s/2"])
    }

    /// A folder of fake chapter binaries: `chapter-good` records its arguments and exits 0,
    /// `chapter-bad` fails the way ArgumentParser does.
    func fakeBinaries() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fake-binaries-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scripts = [
            "chapter-good": "#!/bin/sh\necho \"$@\" > \"\(folder.path)/arguments\"\necho progress\n",
            "chapter-bad": "#!/bin/sh\necho 'chapter-bad: error: 3 unexpected arguments' >&2\nexit 64\n",
        ]
        for (name, script) in scripts {
            let path = folder.appendingPathComponent(name).path
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return folder
    }

    @Test func everyFailingCommandIsReportedWithItsFileAndLine() throws {
        let binaries = try fakeBinaries()
        let scratch = binaries.appendingPathComponent("scratch").path
        let commands = [
            ProseCommand(path: "Chapters/A/chapter.md", line: 3, text: "swift run -c release chapter-good --beta 4 --output runs/x"),
            ProseCommand(path: "Chapters/A/chapter.md", line: 9, text: "swift run -c release chapter-bad -- --beta 4"),
            ProseCommand(path: "README.md", line: 30, text: "swift run -c release chapter-missing"),
            ProseCommand(path: "README.md", line: 31, text: "swift run chapter-good"),
        ]
        let problems = CommandCheck.run(commands, binaries: binaries.path, scratch: scratch, jobs: 2)
        #expect(problems.map(\.path) == ["Chapters/A/chapter.md", "README.md", "README.md"])
        #expect(problems.map(\.line) == [9, 30, 31])
        #expect(problems[0].message.contains("failed with status 64") && problems[0].message.hasSuffix("chapter-bad: error: 3 unexpected arguments"))
        #expect(problems[1].message.contains("no built product 'chapter-missing'"))
        #expect(problems[2].message.contains("swift run -c release <product>"))
        let arguments = try String(contentsOf: binaries.appendingPathComponent("arguments"), encoding: .utf8)
        #expect(arguments == "--beta 4 --quick --output \(scratch)/run-0 --threads 1\n")
    }

    @Test func aCommandThatHangsIsStopped() throws {
        let binaries = try fakeBinaries()
        let path = binaries.appendingPathComponent("chapter-slow").path
        try "#!/bin/sh\nexec sleep 30\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        let problems = CommandCheck.run([ProseCommand(path: "x.md", line: 1, text: "swift run -c release chapter-slow")],
                                        binaries: binaries.path, scratch: binaries.appendingPathComponent("s").path, timeout: 0.5)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("still running after 0 s") == true)
    }

    /// The static half of `make test`'s command check: every command in the chapters and the README
    /// has the book's one form (the Makefile runs them).
    @Test func theRepositorysCommandsHaveTheBooksForm() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let chapters = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Chapters").path)
            .map { "Chapters/\($0)/chapter.md" }
        var count = 0
        for file in chapters + ["README.md"] {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else { continue }
            for command in CommandCheck.commands(inMarkdown: String(decoding: data, as: UTF8.self), path: file) {
                count += 1
                if case .failure(let problem) = CommandCheck.invocation(command) {
                    Issue.record("\(file):\(command.line): `\(command.text)`: \(problem)")
                }
            }
        }
        #expect(count > 0)
    }
}
