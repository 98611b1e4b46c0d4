import KernelCore

// Reshaping, row gathers for mini-batches, and joining / splitting along the feature axis.

extension Tensor {
    /// The same scalars with another shape of equal count; shares storage, no copy.
    public func reshaped(to newShape: [Int]) -> Tensor<Scalar> {
        let newCount = newShape.reduce(1, *)
        precondition(newCount == count, "reshaped: cannot view \(describe(shape)) (\(count) elements) as \(describe(newShape))")
        let result = Tensor(sharing: storage, offset: offset, shape: newShape, operation: "reshape")
        return result.recording("reshape", inputs: [self]) { output in
            let g = output.gradient!
            self.accumulateGradient { dx, accumulate in
                Scalar.accumulate(g.pointer, scaledBy: 1, into: dx, count: self.count, accumulate: accumulate)
            }
        }
    }

    /// The rows at `indices` of a matrix, in that order (repeats allowed), as a new contiguous matrix.
    /// The gradient is scattered back (added) to the rows it came from.
    public func gatheringRows(_ indices: [Int]) -> Tensor<Scalar> {
        precondition(shape.count == 2, "gatheringRows: needs a matrix, got \(describe(shape))")
        let columns = shape[1]
        let result = Tensor(uninitializedShape: [indices.count, columns], operation: "gatheringRows")
        for (row, index) in indices.enumerated() {
            precondition(index >= 0 && index < shape[0], "gatheringRows: row \(index) out of range for \(describe(shape))")
            (result.mutablePointer + row * columns).update(from: pointer + index * columns, count: columns)
        }
        return result.recording("gatheringRows", inputs: [self]) { output in
            let g = output.gradient!
            self.accumulateGradient(partial: true) { dx, _ in
                for (row, index) in indices.enumerated() {
                    Scalar.accumulate(g.pointer + row * columns, scaledBy: 1, into: dx + index * columns,
                                      count: columns, accumulate: true)
                }
            }
        }
    }

    /// Rows `range` of a matrix as a view (shares storage, no copy); for evaluating in chunks.
    public func rows(_ range: Range<Int>) -> Tensor<Scalar> {
        precondition(shape.count == 2 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows(_:): range \(range) out of bounds for \(describe(shape))")
        let columns = shape[1]
        let result = Tensor(sharing: storage, offset: offset + range.lowerBound * columns,
                            shape: [range.count, columns], operation: "rows")
        return result.recording("rows", inputs: [self]) { output in
            let g = output.gradient!
            self.accumulateGradient(partial: true) { dx, _ in
                Scalar.accumulate(g.pointer, scaledBy: 1, into: dx + range.lowerBound * columns,
                                  count: output.count, accumulate: true)
            }
        }
    }

    /// Splits a matrix along the feature axis into pieces of the given widths, e.g. an encoder's
    /// output into mean and log-variance: `let parts = h.split(widths: [20, 20])`.
    public func split(widths: [Int]) -> [Tensor<Scalar>] {
        precondition(shape.count == 2 && widths.reduce(0, +) == shape[1] && widths.allSatisfy { $0 > 0 },
                     "split: widths \(widths) do not add up to the columns of \(describe(shape))")
        let rows = shape[0], columns = shape[1]
        var start = 0
        return widths.map { width in
            let first = start
            start += width
            let piece = Tensor(uninitializedShape: [rows, width], operation: "split")
            for row in 0..<rows {
                (piece.mutablePointer + row * width).update(from: pointer + row * columns + first, count: width)
            }
            return piece.recording("split", inputs: [self]) { output in
                let g = output.gradient!
                self.accumulateGradient(partial: true) { dx, _ in
                    for row in 0..<rows {
                        Scalar.accumulate(g.pointer + row * width, scaledBy: 1, into: dx + row * columns + first,
                                          count: width, accumulate: true)
                    }
                }
            }
        }
    }
}

/// Joins matrices with the same number of rows side by side (along the feature axis).
public func concatenateColumns<Scalar>(_ parts: [Tensor<Scalar>]) -> Tensor<Scalar> {
    precondition(!parts.isEmpty, "concatenateColumns: nothing to join")
    let rows = parts[0].shape.first ?? 0
    precondition(parts.allSatisfy { $0.shape.count == 2 && $0.shape[0] == rows },
                 "concatenateColumns: shapes \(parts.map { describe($0.shape) }.joined(separator: ", ")) differ in rows")
    let widths = parts.map { $0.shape[1] }, columns = widths.reduce(0, +)
    let result = Tensor<Scalar>(uninitializedShape: [rows, columns], operation: "concatenateColumns")
    var first = 0
    for (part, width) in zip(parts, widths) {
        for row in 0..<rows {
            (result.mutablePointer + row * columns + first).update(from: part.pointer + row * width, count: width)
        }
        first += width
    }
    return result.recording("concatenateColumns", inputs: parts) { output in
        let g = output.gradient!
        var start = 0
        for (part, width) in zip(parts, widths) {
            let first = start
            start += width
            part.accumulateGradient { dx, accumulate in
                for row in 0..<rows {
                    Scalar.accumulate(g.pointer + row * columns + first, scaledBy: 1, into: dx + row * width,
                                      count: width, accumulate: accumulate)
                }
            }
        }
    }
}
