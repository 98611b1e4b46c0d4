import Foundation
import Testing
import ExerciseChecks
import TensorEngine

// The checks must pass on the reference solutions, fail line by line on stubs that are not written
// (without stopping), and recognise the common mistakes they promise hints for.

/// What a stub throws (the Exercises module's `NotWrittenYet` says the same).
private struct StubError: Error, CustomStringConvertible {
    var description: String { "not written yet" }
}

/// Every function a stub: each throws.
private var nothingWritten: ExerciseImplementations {
    ExerciseImplementations(
        reparameterise: { _, _, _ in throw StubError() }, gaussianKL: { _, _ in throw StubError() },
        transposedConvolution: { _, _, _, _, _ in throw StubError() }, sparsityPenalty: { _, _ in throw StubError() },
        sparsityPenaltyGradient: { _, _ in throw StubError() }, tiedDecoder: { _, _, _ in throw StubError() },
        maskingNoise: { _, _, _ in throw StubError() }, squaredJacobianNorm: { _, _ in throw StubError() },
        discriminatorLoss: { _, _ in throw StubError() }, generatorLoss: { _ in throw StubError() },
        inverseDocumentFrequency: { _ in throw StubError() }, tfidf: { _, _ in throw StubError() })
}

/// The hints of the failed checks of `name` run on `implementation`.
private func failureHints(_ name: String, _ implementation: ExerciseImplementations) throws -> [String] {
    try exercise(named: name).check(implementation).filter { !$0.passed }.map { $0.hint ?? "" }
}

@Suite struct ExerciseCheckTests {
    @Test(arguments: allExercises.map(\.name))
    func solutionsPassEveryCheck(name: String) throws {
        let results = try exercise(named: name).check(.solutions)
        #expect(!results.isEmpty)
        for result in results { #expect(result.passed, "\(result)") }
    }

    @Test(arguments: allExercises.map(\.name))
    func stubsFailEveryCheckWithTheirMessage(name: String) throws {
        var lines: [String] = []
        let passed = runChecks(of: try exercise(named: name), on: nothingWritten) { lines.append($0) }
        #expect(!passed)
        let results = try exercise(named: name).check(nothingWritten)
        for result in results {
            #expect(!result.passed && result.largestError == nil && result.hint == "not written yet", "\(result)")
        }
        // The repeated message is printed once; the summary names the file to write in.
        #expect(lines.joined().components(separatedBy: "not written yet").count == 2)
        #expect(lines.last?.contains("checks FAIL (your code: Sources/Exercises/") == true)
    }

    @Test func unknownExerciseIsOneClearError() {
        #expect(throws: UnknownExercise.self) { try exercise(named: "vae.9") }
        let message = "\(UnknownExercise(name: "vae.9"))"
        #expect(message.contains("no exercise named \"vae.9\"") && message.contains("vae.1"))
    }

    @Test func klWithoutTheHalfIsRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.gaussianKL = { mean, logVariance in
            (-(1 + logVariance - square(mean) - exp(logVariance))).sum(alongAxis: 1).mean()
        }
        #expect(try failureHints("vae.1", wrong) == ["your KL is off by a factor of 2 in every unit: did you drop the ½?"])
    }

    @Test func varianceUsedForStandardDeviationIsRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.reparameterise = { mean, logVariance, noise in mean + exp(logVariance) * noise }
        #expect(try failureHints("vae.1", wrong).first == "you used e^v, the variance: σ = e^(v/2)")
    }

    @Test func resultBuiltOutsideTheGraphFailsTheGradientCheck() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.reparameterise = { mean, logVariance, noise in
            try ExerciseImplementations.solutions.reparameterise(mean, logVariance, noise).detached()
        }
        #expect(try failureHints("vae.1", wrong).first?.hasPrefix("no gradient reaches the inputs") == true)
    }

    @Test func swappedSparsityDivergenceIsRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.sparsityPenalty = { activations, target in
            let rhoHat = activations.mean(alongAxis: 0)
            return (rhoHat * log(rhoHat / target) + (1 - rhoHat) * log((1 - rhoHat) / (1 - target))).sum()
        }
        #expect(try failureHints("sparse.1", wrong).first?.contains("KL(ρ̂ ‖ ρ)") == true)
    }

    @Test func unflippedKernelsAreRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.transposedConvolution = { input, weight, bias, stride, padding in
            // The solution on a weight turned by 180° is the solution without its flip.
            let k = weight.shape[2], values = weight.scalars
            let turned = values.indices.map { values[$0 - $0 % (k * k) + k * k - 1 - $0 % (k * k)] }
            return try ExerciseImplementations.solutions.transposedConvolution(input, Tensor(shape: weight.shape, scalars: turned),
                                                                                bias, stride, padding)
        }
        let hints = try failureHints("convolutional.1", wrong)
        #expect(hints.count == 4 && hints.allSatisfy { $0.hasPrefix("the kernels are not flipped") })
    }

    @Test func missingBiasOfTheTiedDecoderIsRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.tiedDecoder = { code, weight, _ in matmul(code, weight) }
        #expect(try failureHints("basic.1", wrong) == ["the bias b is missing"])
    }

    @Test func rescaledMaskIsRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.maskingNoise = { clean, fraction, generator in
            try ExerciseImplementations.solutions.maskingNoise(clean, fraction, generator) * Float(1 / (1 - fraction))
        }
        #expect(try failureHints("denoising.1", wrong).contains {
            $0.hasPrefix("kept elements were divided by 1 − fraction")
        })
    }

    @Test func unsquaredSlopeOfTheContractivePenaltyIsRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.squaredJacobianNorm = { code, weight in
            ((code * (1 - code)) * square(weight).sum(alongAxis: 1).reshaped(to: [1, weight.shape[0]])).sum(alongAxis: 1).mean()
        }
        #expect(try failureHints("contractive.1", wrong).first == "h (1 − h) must be squared: (h_j (1 − h_j))²")
    }

    @Test func saturatingGeneratorLossIsRecognised() throws {
        var wrong = ExerciseImplementations.solutions
        wrong.generatorLoss = { codeLogits in -sigmoidCrossEntropy(logits: codeLogits, labels: Tensor(zeros: codeLogits.shape)) }
        #expect(try failureHints("adversarial.1", wrong).first?.hasPrefix("this is the saturating loss") == true)
    }

    @Test func unnormalisedTFIDFAndZeroRowsAreCaught() throws {
        var unnormalised = ExerciseImplementations.solutions
        unnormalised.tfidf = { counts, idf in counts * idf }
        #expect(try failureHints("text.1", unnormalised) == ["the rows are not normalised: divide each row by its L2 norm"])
        // Dividing the document without vocabulary words by its zero norm gives NaN.
        var dividedByZero = ExerciseImplementations.solutions
        dividedByZero.tfidf = { counts, idf in
            let weighted = counts * idf
            return weighted / sqrt(square(weighted).sum(alongAxis: 1)).reshaped(to: [counts.shape[0], 1])
        }
        #expect(try failureHints("text.1", dividedByZero).first?.contains("NaN") == true)
    }

    @Test func crashingChildIsReportedInOneLine() {
        let crash = runIsolated(executable: URL(fileURLWithPath: "/bin/sh"),
                                arguments: ["-c", "echo 'Fatal error: simulated trap' >&2; kill -TRAP $$"], exercise: "vae.1")
        #expect(crash.status > 128)
        #expect(crash.crashMessage?.hasPrefix("vae.1: FAIL — your code stopped the program") == true)
        #expect(crash.crashMessage?.contains("Fatal error: simulated trap") == true)
        let failure = runIsolated(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "exit 1"], exercise: "vae.1")
        #expect(failure.status == 1 && failure.crashMessage == nil)
        let missing = runIsolated(executable: URL(fileURLWithPath: "/nonexistent/check-exercise"), arguments: [], exercise: "vae.1")
        #expect(missing.status == 1 && missing.crashMessage?.contains("could not start") == true)
    }
}
