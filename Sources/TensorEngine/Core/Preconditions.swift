// The engine's `precondition` and `preconditionFailure`, which shadow the standard library's inside
// this module. The package compiles TensorEngine with -O in every configuration, and in -O builds
// the standard library's versions stop the program *without printing their message*, so a shape
// mismatch died with a bare "Illegal instruction" instead of "add: shapes [2, 3] and [4] do not
// broadcast". These stop the same way but always print the message (through `fatalError`).

/// Stops with `message` (printed, even in optimised builds) when `condition` is false.
@usableFromInline @inline(__always)
func precondition(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = String(),
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}

/// Stops with `message`, printed even in optimised builds.
@usableFromInline
func preconditionFailure(_ message: @autoclosure () -> String = String(), file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError(message(), file: file, line: line)
}
