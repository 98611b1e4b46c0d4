// `check-exercise vae.1`: checks the student's functions in Sources/Exercises against the library's
// implementations (values, and gradients by finite differences), one line per check.
//
//     check-exercise NAME…        the student's version of each exercise (or --all)
//     check-exercise --solutions  the reference solutions instead (make test: all must pass)
//     check-exercise --list       the exercises and the files to write them in
//
// Exit status: 0 every check passed, 1 a check failed (or a stub is not written yet), 2 a usage error.
import ExerciseChecks
import Exercises
import Foundation

/// The student's functions, from Sources/Exercises.
let student = ExerciseImplementations(
    reparameterise: { try reparameterise(mean: $0, logVariance: $1, noise: $2) },
    gaussianKL: { try gaussianKL(mean: $0, logVariance: $1) },
    transposedConvolution: { try transposedConvolutionAsConvolution($0, weight: $1, bias: $2, stride: $3, padding: $4) },
    sparsityPenalty: { try sparsityPenalty(activations: $0, target: $1) },
    sparsityPenaltyGradient: { try sparsityPenaltyGradient(meanActivation: $0, target: $1) },
    tiedDecoder: { try tiedDecoder(code: $0, encoderWeight: $1, bias: $2) },
    maskingNoise: { try maskingNoise($0, fraction: $1, generator: $2) },
    squaredJacobianNorm: { try squaredJacobianNorm(code: $0, encoderWeight: $1) },
    discriminatorLoss: { try discriminatorLoss(priorLogits: $0, codeLogits: $1) },
    generatorLoss: { try generatorLoss(codeLogits: $0) },
    inverseDocumentFrequency: { try inverseDocumentFrequency(counts: $0) },
    tfidf: { try tfidf(counts: $0, inverseDocumentFrequency: $1) }
)

let usage = "usage: check-exercise [--solutions] NAME… | --all | --list   (e.g. check-exercise vae.1)"
var arguments = Array(CommandLine.arguments.dropFirst())
let inProcess = arguments.contains("--in-process"), useSolutions = arguments.contains("--solutions")
arguments.removeAll { $0 == "--in-process" || $0 == "--solutions" }

if arguments == ["--list"] {
    for exercise in allExercises { print("\(exercise.name)  \(exercise.functions)  in Sources/Exercises/\(exercise.file)") }
    exit(0)
}
if let flag = arguments.first(where: { $0.hasPrefix("-") && $0 != "--all" }) {
    FileHandle.standardError.write(Data("check-exercise: unknown flag \(flag); \(usage)\n".utf8))
    exit(2)
}
let names = arguments == ["--all"] ? allExercises.map(\.name) : arguments
guard !names.isEmpty, !names.contains("--all") else {
    FileHandle.standardError.write(Data("check-exercise: \(usage)\n".utf8))
    exit(2)
}
let exercises: [Exercise]
do {
    exercises = try names.map(exercise(named:))
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

if inProcess {
    // The child: line-buffered, so every line already printed survives a crash.
    setvbuf(stdout, nil, _IOLBF, 0)
    let passed = exercises.map { runChecks(of: $0, on: useSolutions ? .solutions : student) }
    exit(passed.allSatisfy { $0 } ? 0 : 1)
}

// The parent: each exercise in its own process, so a crash in one is reported and the rest still run.
let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
var allPassed = true
for exercise in exercises {
    let outcome = runIsolated(executable: executable, arguments: ["--in-process"] + (useSolutions ? ["--solutions"] : []) + [exercise.name],
                              exercise: exercise.name)
    if let message = outcome.crashMessage { print(message) }
    allPassed = allPassed && outcome.status == 0
}
exit(allPassed ? 0 : 1)
