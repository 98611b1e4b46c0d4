import Foundation
import Testing
@testable import ChapterKit
import Figures
import TensorEngine

/// Writes `text` as file `name` under `directory`, creating folders.
private func write(_ text: String, _ name: String, in directory: URL) throws {
    let url = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

private func read(_ name: String, in directory: URL) -> String? {
    (try? Data(contentsOf: directory.appendingPathComponent(name))).map { String(decoding: $0, as: UTF8.self) }
}

private func listing(_ directory: URL) -> [String] {
    ((try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? []).sorted()
}

@Suite("Staged outputs")
struct StagedOutputsTests {
    /// An output directory as an earlier run and the user left it.
    func previousRun() throws -> URL {
        let directory = temporaryDirectory()
        try write("old a", "figures/a.png", in: directory)
        try write("old gone", "figures/gone.png", in: directory)
        try write("old metrics", "metrics.json", in: directory)
        try write("old model", "model.safetensors", in: directory)
        try write("old other model", "other.safetensors", in: directory)
        try write("notes", "notes.txt", in: directory)
        try write("hash", ".inputs", in: directory)
        return directory
    }

    /// Stages what a new run writes: figure a, figure b, model.safetensors and metrics.json.
    func stageNewRun(_ outputs: StagedOutputs) throws {
        try write("new a", "figures/a.png", in: outputs.staging)
        try write("new b", "figures/b.png", in: outputs.staging)
        try write("new model", "model.safetensors", in: outputs.staging)
        try write("new metrics", "metrics.json", in: outputs.staging)
    }

    @Test func aSuccessfulRunReplacesFiguresAndCheckpointsAsAWholeAndKeepsTheRest() throws {
        let directory = try previousRun()
        let outputs = try StagedOutputs(path: directory.path)
        try stageNewRun(outputs)
        try outputs.commit(checkpoints: ["model.safetensors"])
        #expect(listing(directory) == [".inputs", "figures", "figures/a.png", "figures/b.png", "metrics.json", "model.safetensors", "notes.txt"])
        #expect(read("figures/a.png", in: directory) == "new a")
        #expect(read("model.safetensors", in: directory) == "new model")
        #expect(read("metrics.json", in: directory) == "new metrics")
        #expect(read("notes.txt", in: directory) == "notes")
    }

    @Test func aMoveThatFailsHalfWayIsUndone() throws {
        let directory = try previousRun()
        let before = listing(directory).map { ($0, read($0, in: directory)) }
        let outputs = try StagedOutputs(path: directory.path)
        try stageNewRun(outputs)
        for failingMove in 1...7 {  // 4 old files moved aside, then 3 new ones moved in
            var count = 0
            #expect(throws: ChapterError.self) {
                try outputs.commit(checkpoints: ["model.safetensors"]) { from, to in
                    count += 1
                    if count == failingMove { throw ChapterError("simulated failure of move \(count)") }
                    try StagedOutputs.rename(from, to)
                }
            }
            let after = listing(directory).filter { !$0.hasPrefix(StagedOutputs.stagingPrefix) }.map { ($0, read($0, in: directory)) }
            #expect(after.map(\.0) == before.map(\.0), "failure at move \(failingMove)")
            #expect(after.map(\.1) == before.map(\.1), "failure at move \(failingMove)")
        }
        outputs.abandon()
    }

    @Test func staleStagingFoldersOfDeadProcessesAreRemoved() throws {
        let directory = temporaryDirectory()
        // A process id that is certainly gone: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = child.processIdentifier
        let alive = ProcessInfo.processInfo.processIdentifier
        for name in [".staging-\(dead)", ".staging-\(getppid())", ".staging-name", "figures"] {
            try write("x", "\(name)/figures/a.png", in: directory)
        }
        // Our own id: a leftover of an earlier process that had it.
        try write("x", ".staging-\(alive)/figures/a.png", in: directory)
        let outputs = try StagedOutputs(path: directory.path)
        let remaining = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(remaining == [".staging-\(getppid())", ".staging-\(alive)", ".staging-name", "figures"].sorted())
        // This run's own staging folder is fresh, not the leftover.
        #expect(listing(outputs.staging) == ["figures"])
        outputs.abandon()
    }

    @Test func aFailedMoveNamesWhatAndWhereWithTheSystemsReason() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("figures")
        let error = try #require(throws: ChapterError.self) {
            try StagedOutputs.rename(missing, directory.appendingPathComponent("gone/figures"))
        }
        #expect(error.description == "cannot move figures into \(directory.path)/gone: No such file or directory")
    }

    @Test func anOutputDirectoryWhereNoFileCanBeCreatedIsReported() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Folders can still be made, but no file can be opened: the probe write fails. Exit status 2:
        // no error; 3: the wrong message.
        await #expect(processExitsWith: .success) { [path = directory.path as String] in
            var limit = rlimit(rlim_cur: 0, rlim_max: 0)
            guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { exit(1) }
            do {
                _ = try StagedOutputs(path: path)
                exit(2)
            } catch let error as ChapterError {
                exit(error.description == "cannot write into output directory \(path): Too many open files" ? 0 : 3)
            } catch { exit(3) }
        }
    }

    @Test func aNonFiniteMetricIsLeftOutOfMetricsJSON() throws {
        let directory = temporaryDirectory()
        let status = executeChapter("test", options: TestOptions.self, arguments: ["--output", directory.path]) { _, run in
            run.record("fine", 1)
            run.record("undefined", .nan)
            run.record("unbounded", .infinity)
        }
        #expect(status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("metrics.json"))) as? [String: Any]
        #expect((json?["metrics"] as? [String: Double]) == ["fine": 1])
        #expect(formatMetric(.nan) == "nan")
    }

    @Test func interruptMessagesSayWhatStoppedAndWhatIsKept() {
        #expect(Interruption.message(signal: SIGINT, activity: "training vae (epoch 3/10)", outputDirectory: "runs/vae")
            == "interrupted by Ctrl-C (SIGINT) while training vae (epoch 3/10); nothing written: runs/vae keeps the previous run's files")
        #expect(Interruption.message(signal: SIGTERM, activity: nil, outputDirectory: "out")
            == "terminated by SIGTERM; nothing written: out keeps the previous run's files")
    }
}
