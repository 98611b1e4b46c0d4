import FileOutput
import Foundation

/// The error thrown by every fallible operation of the `Figures` module.
///
/// Its `description` is always a single line that names what went wrong, for example
/// `cannot write figure /x/y.png: No such file or directory` or
/// `ScatterPlot: x has 10 values but y has 9`.
public struct FigureError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The one-line, human-readable explanation of the failure.
    public let description: String

    /// Creates an error with a one-line description; line breaks are replaced by spaces.
    public init(_ description: String) {
        self.description = description.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Writes a figure's bytes with ``FileOutput/writeAtomically(_:to:kind:)``, as a `FigureError`.
func writeFigure(_ data: Data, to url: URL) throws {
    do {
        try writeAtomically(data, to: url, kind: "figure")
    } catch let error as FileOutputError {
        throw FigureError(error.description)
    }
}
