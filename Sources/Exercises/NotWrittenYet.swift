// What a stub throws until the student writes its body.

/// Thrown by an exercise function whose body is still the stub. `check-exercise` prints it as one
/// line; a chapter switched to the stub stops with it.
public struct NotWrittenYet: Error, CustomStringConvertible {
    /// The function, e.g. `reparameterise(mean:logVariance:noise:)`.
    public let function: String
    /// The exercise, e.g. `vae.1`.
    public let exercise: String
    /// The file under Sources/Exercises holding the stub.
    public let file: String

    /// The error a stub throws.
    public init(_ function: String, exercise: String, file: String) {
        self.function = function
        self.exercise = exercise
        self.file = file
    }

    /// One line: what to write and where.
    public var description: String {
        "\(function) is not written yet: write its body in Sources/Exercises/\(file), "
            + "then run make check-exercise E=\(exercise)"
    }
}
