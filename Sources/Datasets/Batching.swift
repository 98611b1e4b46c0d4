/// Seeded shuffles, subsets, mini-batches and row gathers over row-major `[Float]` data.
///
/// All randomness comes from the caller's generator through `generator.next()`, with this
/// module's own Fisher–Yates and bounded-integer code, so a seed gives the same order on every
/// platform and Swift version.
public enum Batching {
    /// A uniform integer in `0..<upperBound` from `generator.next()`, by rejection sampling
    /// (values below `2⁶⁴ mod upperBound` are redrawn, so every result is equally likely).
    public static func uniformIndex(below upperBound: Int, using generator: inout some RandomNumberGenerator) -> Int {
        precondition(upperBound > 0, "uniformIndex needs a positive upper bound")
        let bound = UInt64(upperBound)
        let threshold = (0 &- bound) % bound
        while true {
            let draw: UInt64 = generator.next()
            if draw >= threshold { return Int(draw % bound) }
        }
    }

    /// Shuffles `elements` in place by Fisher–Yates: for `i` from `n − 1` down to 1, swap element
    /// `i` with element `uniformIndex(below: i + 1)`.
    public static func shuffle<Element>(_ elements: inout [Element], using generator: inout some RandomNumberGenerator) {
        var index = elements.count - 1
        while index > 0 {
            elements.swapAt(index, uniformIndex(below: index + 1, using: &generator))
            index -= 1
        }
    }

    /// `0..<count` in a seeded random order (call once per epoch).
    public static func shuffledIndices(count: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
        var indices = Array(0..<count)
        shuffle(&indices, using: &generator)
        return indices
    }

    /// Consecutive index ranges of `batchSize` covering `0..<count`; the last, shorter batch is
    /// kept when `keepPartialLast` is true and dropped otherwise.
    public static func batchRanges(count: Int, batchSize: Int, keepPartialLast: Bool = true) -> [Range<Int>] {
        precondition(batchSize > 0, "batchSize must be positive")
        return stride(from: 0, to: count, by: batchSize).compactMap { start in
            let end = min(start + batchSize, count)
            return end - start == batchSize || keepPartialLast ? start..<end : nil
        }
    }

    /// Copies rows `indices` of the row-major `source` (rows of `rowLength` values) into
    /// `destination`, one after the other; no allocation. `destination` must hold at least
    /// `indices.count × rowLength` values.
    public static func gatherRows(from source: [Float], rowLength: Int, indices: some Collection<Int>, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(destination.count >= indices.count * rowLength, "destination too small for the gathered rows")
        source.withUnsafeBufferPointer { from in
            var offset = 0
            for index in indices {
                precondition(index >= 0 && (index + 1) * rowLength <= from.count, "row index \(index) out of range")
                (destination.baseAddress! + offset).update(from: from.baseAddress! + index * rowLength, count: rowLength)
                offset += rowLength
            }
        }
    }

    /// Rows `indices` of `source` as a new row-major array (for materialising a subset once).
    public static func selectRows(from source: [Float], rowLength: Int, indices: [Int]) -> [Float] {
        [Float](unsafeUninitializedCapacity: indices.count * rowLength) { buffer, initialized in
            gatherRows(from: source, rowLength: rowLength, indices: indices, into: buffer)
            initialized = indices.count * rowLength
        }
    }

    /// The first `perClass` indices of each class, in original order (a deterministic `--quick`
    /// subset; classes with fewer items contribute all of theirs).
    public static func firstIndicesPerClass(labels: [Int], perClass: Int) -> [Int] {
        var taken: [Int: Int] = [:]
        var result: [Int] = []
        for (index, label) in labels.enumerated() where taken[label, default: 0] < perClass {
            taken[label, default: 0] += 1
            result.append(index)
        }
        return result
    }

    /// Indices whose label is not `excludedClass`, in order (the anomaly experiment trains
    /// without one class).
    public static func indices(labels: [Int], excluding excludedClass: Int) -> [Int] {
        labels.indices.filter { labels[$0] != excludedClass }
    }
}
