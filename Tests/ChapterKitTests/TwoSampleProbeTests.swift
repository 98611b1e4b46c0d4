import Foundation
import Testing
@testable import ChapterKit
import TensorEngine

@Suite("Two-sample probe and windowed step means")
struct TwoSampleProbeTests {
    func withRun(_ body: (ChapterRun) throws -> Void) throws {
        let directory = temporaryDirectory()
        let run = try ChapterRun(name: "test", command: "chapter-test",
                                 common: try parseOptions(TestOptions.self, arguments: ["--output", directory.path]).common,
                                 defaultEpochs: 2, progress: ProgressReporter(isTerminal: false))
        defer { run.abandon() }
        try body(run)
    }

    /// 4 samples of 1000 rows of N(0, I₂), the second and fourth shifted by `shift` in both columns:
    /// a shift of 3 puts the best possible accuracy at Φ(3/√2) ≈ 0.98.
    func probe(shift: Float, run: ChapterRun) throws -> TwoSampleProbe {
        let samples = (0..<4).map { index in
            Tensor<Float>(randomNormal: [1000, 2], generator: run.generator) + (index % 2 == 1 ? shift : 0)
        }
        return try run.twoSampleProbe("probe", real: samples[0], fake: samples[1],
                                      heldOutReal: samples[2], heldOutFake: samples[3],
                                      hiddenSizes: [16], epochs: 10, learningRate: 0.01)
    }

    @Test func theProbeIsAtChanceOnOneDistributionAndRightOnTwoApart() throws {
        try withRun { run in
            // 2000 held-out rows: the accuracy of a coin has a standard deviation of about 0.011.
            let same = try probe(shift: 0, run: run), apart = try probe(shift: 3, run: run)
            #expect(Swift.abs(same.accuracy - 0.5) < 0.05)
            #expect(apart.accuracy > 0.9)
            // The returned network is the trained probe: it calls the centre of the real rows
            // (label 1) real, and the centre of the shifted ones not.
            let logits = apart.network(Tensor<Float>([[0, 0], [3, 3]])).scalars
            #expect(logits[0] > 0 && logits[1] < 0)
        }
    }

    @Test func windowedMeansAverageConsecutiveStepsAndCentreTheirWindows() throws {
        try withRun { run in
            let data = syntheticExamples(generator: run.generator)  // 64 rows: 4 batches of 16
            var step = 0
            let history = try run.train("counting", epochs: 2, data: data, batchSize: 16) { _ in
                step += 1
                return Double(step)
            }
            let windowed = history.windowedStepMeans("loss", window: 3)  // steps 1–8: 3 + 3 + 2
            #expect(windowed.means == [2, 5, 7.5])
            #expect(windowed.centres == [1.5, 4.5, 7])
        }
    }
}
