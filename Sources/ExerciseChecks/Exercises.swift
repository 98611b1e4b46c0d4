import Foundation

/// One code exercise: its name (`<chapter>.<number>`), where the student writes it, and its checks.
public struct Exercise {
    /// The name given to `check-exercise`, e.g. `vae.1`.
    public let name: String
    /// The functions the student writes.
    public let functions: String
    /// The file under Sources/Exercises holding the stubs.
    public let file: String
    /// Runs every check of the exercise on one version of the functions.
    public let check: (ExerciseImplementations) -> [CheckResult]
}

/// Every exercise, in book order.
public var allExercises: [Exercise] {
    [
        Exercise(name: "basic.1", functions: "tiedDecoder", file: "Basic.swift", check: checkBasic),
        Exercise(name: "convolutional.1", functions: "transposedConvolutionAsConvolution", file: "Convolutional.swift",
                 check: checkConvolutional),
        Exercise(name: "sparse.1", functions: "sparsityPenalty, sparsityPenaltyGradient", file: "Sparse.swift", check: checkSparse),
        Exercise(name: "denoising.1", functions: "maskingNoise", file: "Denoising.swift", check: checkDenoising),
        Exercise(name: "contractive.1", functions: "squaredJacobianNorm", file: "Contractive.swift", check: checkContractive),
        Exercise(name: "adversarial.1", functions: "discriminatorLoss, generatorLoss", file: "Adversarial.swift",
                 check: checkAdversarial),
        Exercise(name: "vae.1", functions: "reparameterise, gaussianKL", file: "VAE.swift", check: checkVAE),
        Exercise(name: "text.1", functions: "inverseDocumentFrequency, tfidf", file: "Text.swift", check: checkText),
    ]
}

/// The exercise called `name`, or an error line listing the known names.
public func exercise(named name: String) throws -> Exercise {
    guard let found = allExercises.first(where: { $0.name == name }) else {
        throw UnknownExercise(name: name)
    }
    return found
}

/// An exercise name `check-exercise` does not know.
public struct UnknownExercise: Error, CustomStringConvertible {
    /// The name asked for.
    public let name: String
    /// The error for the name `name`.
    public init(name: String) { self.name = name }
    /// One line naming the exercises that exist.
    public var description: String {
        "check-exercise: no exercise named \"\(name)\"; the exercises are \(allExercises.map(\.name).joined(separator: ", "))"
    }
}

/// Runs one exercise's checks on `implementation`, prints one line per check and a summary line, and
/// returns whether every check passed.
public func runChecks(of exercise: Exercise, on implementation: ExerciseImplementations,
                      print output: (String) -> Void = { Swift.print($0) }) -> Bool {
    let results = exercise.check(implementation)
    // A stub fails every check with the same message: say it once.
    for (index, result) in results.enumerated() {
        output(result.line(showingHint: index == 0 || result.hint != results[index - 1].hint))
    }
    let failed = results.filter { !$0.passed }.count
    output(failed == 0 ? "\(exercise.name): all \(results.count) checks pass"
                       : "\(exercise.name): \(failed) of \(results.count) checks FAIL (your code: Sources/Exercises/\(exercise.file))")
    return failed == 0
}
