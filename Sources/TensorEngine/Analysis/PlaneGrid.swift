/// Evenly spaced points over a rectangle of a 2-D code space, for decoding into a picture of what a
/// decoder draws across its plane: `steps` × `steps` codes, row by row from the top (the highest y)
/// and left to right within a row, as an image grid lays them out.
public struct PlaneGrid {
    /// The x value of each column, left to right.
    public let xValues: [Double]
    /// The y value of each row, top to bottom (decreasing).
    public let yValues: [Double]
    /// The codes, [steps², 2]: row r, column c is (xValues[c], yValues[r]).
    public let codes: Tensor<Float>

    /// A grid spanning `x` and `y` inclusive, `steps` values along each (at least 2).
    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, steps: Int) {
        precondition(steps >= 2, "PlaneGrid: needs at least 2 steps, got \(steps)")
        func values(_ range: ClosedRange<Double>) -> [Double] {
            (0..<steps).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(steps - 1) }
        }
        let (columns, rows) = (values(x), Array(values(y).reversed()))
        xValues = columns
        yValues = rows
        codes = Tensor(shape: [steps * steps, 2], scalars: rows.flatMap { y in columns.flatMap { [Float($0), Float(y)] } })
    }
}
