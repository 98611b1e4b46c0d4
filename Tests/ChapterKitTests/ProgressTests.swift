import Foundation
import Testing
@testable import ChapterKit

@Suite("Progress bar")
struct ProgressTests {
    let snapshot = ProgressSnapshot(
        model: "vae-2d", epoch: 3, epochs: 10, done: 235, total: 469,
        losses: [("loss", 152.3456), ("kl", 6.54321), ("reconstruction", 145.8), ("test_loss", 160.1)],
        samplesPerSecond: 21_734.6, remainingSeconds: 187)

    @Test func aWideTerminalShowsEveryField() {
        let line = progressLine(snapshot, width: 200)
        #expect(line == "vae-2d  epoch 3/10  ████████████░░░░░░░░░░░░  50%  loss 152.35  kl 6.5432  reconstruction 145.80  test_loss 160.10  21734 samples/s  ETA 3:07")
    }

    @Test func theLineLeavesRoomForTheEchoedCtrlC() {
        for width in 1...200 {
            let line = progressLine(snapshot, width: width)
            #expect(line.count <= max(width - 3, 1), "width \(width): \(line.count) characters")
        }
    }

    @Test func fieldsAreDroppedLeastUsefulFirst() {
        let eighty = progressLine(snapshot, width: 80)
        #expect(!eighty.contains("samples/s"))
        #expect(eighty.hasPrefix("vae-2d  epoch 3/10  "))
        #expect(eighty.contains("loss 152.35") && eighty.hasSuffix("ETA 3:07"))
        #expect(progressLine(snapshot, width: 63) == "vae-2d  epoch 3/10  ██████░░░░░░  50%  loss 152.35  ETA 3:07")
        #expect(progressLine(snapshot, width: 62) == "vae-2d  epoch 3/10  50%  loss 152.35  ETA 3:07")
        #expect(progressLine(snapshot, width: 43) == "vae-2d  3/10  50%  loss 152.35  ETA 3:07")
        #expect(progressLine(snapshot, width: 42) == "vae-2d  3/10  50%  ETA 3:07")
        #expect(progressLine(snapshot, width: 26) == "3/10  50%  ETA 3:07")
        #expect(progressLine(snapshot, width: 12) == "3/10  50%")
    }

    @Test func etaCoversTheWholeRunOfTheModel() throws {
        // 2 epochs of 100 steps: halfway through epoch 1 after 10 s leaves 150 steps at 0.2 s each.
        #expect(try #require(remainingSeconds(elapsed: 10, epoch: 1, epochs: 2, done: 50, total: 100)) == 30)
        // End of epoch 2 of 2: nothing left.
        #expect(remainingSeconds(elapsed: 40, epoch: 2, epochs: 2, done: 100, total: 100) == 0)
        #expect(remainingSeconds(elapsed: 0, epoch: 1, epochs: 2, done: 0, total: 100) == nil)
    }

    @Test func durations() {
        #expect(formatDuration(0) == "0 s")
        #expect(formatDuration(59.4) == "59 s")
        #expect(formatDuration(187) == "3:07")
        #expect(formatDuration(3723) == "1:02:03")
        #expect(formatDuration(.infinity) == "?")
    }

    @Test func theInterruptNamesWhatWasTraining() {
        let reporter = ProgressReporter(isTerminal: false)
        #expect(reporter.activity == nil)
        reporter.beginModel("vae", epochs: 10)
        reporter.update(model: "vae", epoch: 3, epochs: 10, done: 1, total: 5, losses: ["loss": 1], samplesPerSecond: 1)
        #expect(reporter.activity == "training vae (epoch 3/10)")
        reporter.endModel()
        #expect(reporter.activity == nil)
    }

}
