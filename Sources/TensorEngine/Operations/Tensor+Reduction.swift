import KernelCore

// Sums, means and maxima over everything or along one axis of a matrix.
// Axis reductions keep the reduced axis with extent 1 ([m, n] → [1, n] or [m, 1]), so the result
// broadcasts back against the input unambiguously.

extension Tensor {
    /// Σ of every element, as a scalar tensor. d/dx = 1.
    public func sum() -> Tensor<Scalar> {
        let result = Tensor(Scalar.sum(pointer, count: count))
        return result.recording("sum", inputs: [self]) { output in
            let g = output.gradient!.pointer[0]
            self.accumulateGradient { dx, accumulate in Scalar.fill(dx, value: g, count: self.count, accumulate: accumulate) }
        }
    }

    /// Mean of every element, as a scalar tensor. d/dx = 1/n.
    public func mean() -> Tensor<Scalar> {
        precondition(count > 0, "mean: empty tensor of shape \(describe(shape))")
        return sum() * (1 / Scalar(count))
    }

    /// The largest element, as a scalar tensor. The gradient goes to its first occurrence.
    public func max() -> Tensor<Scalar> {
        precondition(count > 0, "max: empty tensor of shape \(describe(shape))")
        let (value, index) = Scalar.maximum(pointer, count: count)
        return Tensor(value).recording("max", inputs: [self]) { output in
            let g = output.gradient!.pointer[0]
            self.accumulateGradient(partial: true) { dx, _ in dx[index] += g }
        }
    }

    /// Σ along `axis` of a matrix: axis 0 sums the rows into [1, n], axis 1 sums each row into [m, 1].
    public func sum(alongAxis axis: Int) -> Tensor<Scalar> {
        let (rows, columns) = matrixExtents("sum(alongAxis:)", axis: axis)
        if axis == 0 {
            let result = Tensor(uninitializedShape: [1, columns], operation: "sumRows")
            Scalar.sumRows(pointer, rows: rows, columns: columns, into: result.mutablePointer, accumulate: false)
            return result.recording("sum(alongAxis: 0)", inputs: [self]) { output in
                let g = output.gradient!
                self.accumulateGradient { dx, accumulate in
                    for row in 0..<rows {
                        Scalar.accumulate(g.pointer, scaledBy: 1, into: dx + row * columns, count: columns, accumulate: accumulate)
                    }
                }
            }
        }
        let result = Tensor(uninitializedShape: [rows, 1], operation: "sumColumns")
        for row in 0..<rows { result.mutablePointer[row] = Scalar.sum(pointer + row * columns, count: columns) }
        return result.recording("sum(alongAxis: 1)", inputs: [self]) { output in
            let g = output.gradient!
            self.accumulateGradient { dx, accumulate in
                for row in 0..<rows {
                    Scalar.fill(dx + row * columns, value: g.pointer[row], count: columns, accumulate: accumulate)
                }
            }
        }
    }

    /// Mean along `axis` of a matrix (see ``sum(alongAxis:)``).
    public func mean(alongAxis axis: Int) -> Tensor<Scalar> {
        let (rows, columns) = matrixExtents("mean(alongAxis:)", axis: axis)
        return sum(alongAxis: axis) * (1 / Scalar(axis == 0 ? rows : columns))
    }

    /// Maximum along `axis` of a matrix ([1, n] or [m, 1]); the gradient goes to each first maximum.
    public func max(alongAxis axis: Int) -> Tensor<Scalar> {
        let (rows, columns) = matrixExtents("max(alongAxis:)", axis: axis)
        let outer = axis == 0 ? columns : rows, inner = axis == 0 ? rows : columns
        var indices = [Int](repeating: 0, count: outer)
        let result = Tensor(uninitializedShape: axis == 0 ? [1, columns] : [rows, 1], operation: "max(alongAxis:)")
        for position in 0..<outer {
            var best = -Scalar.infinity, bestIndex = 0
            for step in 0..<inner {
                let flat = axis == 0 ? step * columns + position : position * columns + step
                let value = pointer[flat]
                if value > best || step == 0 || value.isNaN { best = value; bestIndex = flat; if value.isNaN { break } }
            }
            result.mutablePointer[position] = best
            indices[position] = bestIndex
        }
        return result.recording("max(alongAxis:)", inputs: [self]) { output in
            let g = output.gradient!
            self.accumulateGradient(partial: true) { dx, _ in
                for position in 0..<outer { dx[indices[position]] += g.pointer[position] }
            }
        }
    }

    /// The index of the largest element of each row of a matrix (no gradient).
    public func argmaxAlongRows() -> [Int] {
        let (rows, columns) = matrixExtents("argmaxAlongRows", axis: 1)
        return (0..<rows).map { Scalar.maximum(pointer + $0 * columns, count: columns).index }
    }

    func matrixExtents(_ operation: String, axis: Int) -> (rows: Int, columns: Int) {
        precondition(shape.count == 2, "\(operation): needs a matrix [rows, columns], got \(describe(shape))")
        precondition(axis == 0 || axis == 1, "\(operation): axis \(axis) of a matrix must be 0 or 1")
        return (shape[0], shape[1])
    }
}

/// max |a − b| over two tensors of the same shape (no gradient): how far apart two computations of
/// the same thing are.
public func maximumAbsoluteDifference<Scalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Scalar {
    precondition(a.shape == b.shape, "maximumAbsoluteDifference: shapes \(describe(a.shape)) and \(describe(b.shape)) differ")
    var largest: Scalar = 0
    for index in 0..<a.count { largest = Swift.max(largest, Swift.abs(a.pointer[index] - b.pointer[index])) }
    return largest
}
