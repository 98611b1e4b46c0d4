import Foundation

// How a chapter runs with the student's function: one documented constant in the chapter's
// main.swift (`let usesYourExercise = false`) decides, at each place the exercise's function is
// used, between the library's expression and yours.

/// Returns `yours()` when `useYours` is true, `library()` otherwise. A chapter calls it where the
/// exercise's piece is computed, e.g. (vae.1)
///
///     let code = chooseImplementation(useYours: usesYourExercise,
///         yours: {
///             try reparameterise(mean: posterior.mean, logVariance: posterior.logVariance,
///                                noise: noise)
///         },
///         library: { posterior.mean + exp(0.5 * posterior.logVariance) * noise })
///
/// If your function throws (a stub not written yet), the chapter stops at once, before writing any
/// output: one line on standard error naming the function and its file, exit status 1.
public func chooseImplementation<Result>(useYours: Bool,
                                         yours: () throws -> Result,
                                         library: () -> Result) -> Result {
    guard useYours else { return library() }
    do {
        return try yours()
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(1)
    }
}
