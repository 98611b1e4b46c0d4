import Foundation
import Testing
@testable import ChapterKit
import TensorEngine

/// The real entry point in a child process: a chapter that signals itself during its first
/// training step and then keeps computing until the handler ends the process.
private func interruptedChapter(output: String, signal signalNumber: Int32) -> Never {
    runChapter("test", options: TestOptions.self, arguments: ["--output", output]) { _, run in
        let data = syntheticExamples(generator: run.generator)
        try Data("half-written".utf8).write(to: run.figure("partial"))
        try run.train("tiny", epochs: run.epochs(), data: data, batchSize: 16) { (_: Batch) throws -> Double in
            kill(getpid(), signalNumber)
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline { usleep(1000) }  // busy, as a training step would be
            throw ChapterError("the signal did not stop the run")
        }
    }
}

@Suite("Interrupts")
struct InterruptTests {
    /// An output directory holding a complete earlier run.
    func previousRun() throws -> URL {
        let directory = temporaryDirectory()
        let status = executeChapter("test", options: TestOptions.self, arguments: ["--output", directory.path]) { _, run in
            try Data("earlier figure".utf8).write(to: run.figure("loss"))
            run.record("final_loss", 0.5)
        }
        #expect(status == 0)
        return directory
    }

    func contents(_ directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? [] {
            files[path] = try? Data(contentsOf: directory.appendingPathComponent(path))
        }
        return files
    }

    @Test func ctrlCExits130WithOneLineAndKeepsThePreviousRun() async throws {
        let directory = try previousRun()
        let before = contents(directory)
        let output = directory.path
        let result = try await #require(processExitsWith: .exitCode(130), observing: [\.standardErrorContent]) { [output = output as String] in
            interruptedChapter(output: output, signal: SIGINT)
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message == "chapter-test: interrupted by Ctrl-C (SIGINT) while training tiny (epoch 1/2); nothing written: \(output) keeps the previous run's files\n")
        #expect(contents(directory) == before)  // no staging folder, no partial figure, old files intact
    }

    @Test func sigtermExits143AndLeavesNoStagingFolder() async throws {
        let directory = temporaryDirectory()
        let output = directory.path
        let result = try await #require(processExitsWith: .exitCode(143), observing: [\.standardErrorContent]) { [output = output as String] in
            interruptedChapter(output: output, signal: SIGTERM)
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message.hasPrefix("chapter-test: terminated by SIGTERM while training tiny (epoch 1/2); nothing written"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).isEmpty)
    }
}
