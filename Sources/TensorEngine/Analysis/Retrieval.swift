import Foundation

/// How ``nearestNeighbours(of:in:count:metric:)`` compares two rows.
public enum DistanceMetric: Sendable {
    /// ‖q − x‖₂ (ranked through ‖x‖² − 2 q·x, which orders the same way).
    case euclidean
    /// 1 − q·x / (‖q‖ ‖x‖): the angle, ignoring length (documents of different sizes).
    case cosine
}

/// The `count` nearest rows of `database` to each row of `queries`, nearest first (ties by lower
/// index). Computed in chunks of query rows with one matrix product each, keeping the best `count`.
/// `excludingSelf` skips database row i for query row i (a set searched against itself).
public func nearestNeighbours(
    of queries: Tensor<Float>, in database: Tensor<Float>, count: Int, metric: DistanceMetric = .euclidean,
    excludingSelf: Bool = false
) -> [[Int]] {
    precondition(queries.shape.count == 2 && database.shape.count == 2 && queries.shape[1] == database.shape[1],
                 "nearestNeighbours: queries \(describe(queries.shape)) and database \(describe(database.shape)) differ in width")
    let k = Swift.min(count, database.rowCount - (excludingSelf ? 1 : 0))
    return withoutGradients {
        let (queryRows, databaseRows) = metric == .cosine ? (unitLengthRows(queries), unitLengthRows(database)) : (queries, database)
        // Euclidean ranks by ‖x‖² − 2 q·x; cosine (unit rows) by −2 q·x.
        let databaseNorms = metric == .euclidean ? square(databaseRows).sum(alongAxis: 1).scalars
            : [Float](repeating: 0, count: database.rowCount)
        var result: [[Int]] = []
        result.reserveCapacity(queries.rowCount)
        let chunkSize = 256, n = database.rowCount
        for start in stride(from: 0, to: queries.rowCount, by: chunkSize) {
            let rows = start..<Swift.min(start + chunkSize, queries.rowCount)
            let products = matmul(queryRows.rows(rows), databaseRows, transposeB: true)
            let values = products.pointer
            for (offset, query) in rows.enumerated() {
                var best: [(distance: Float, index: Int)] = []
                best.reserveCapacity(k + 1)
                for j in 0..<n {
                    if excludingSelf && j == query { continue }
                    let distance = databaseNorms[j] - 2 * values[offset * n + j]
                    if best.count == k, distance >= best[k - 1].distance { continue }
                    let position = best.firstIndex { $0.distance > distance } ?? best.count
                    best.insert((distance, j), at: position)
                    if best.count > k { best.removeLast() }
                }
                result.append(best.map(\.index))
            }
        }
        return result
    }
}

/// Each row divided by its length x / ‖x‖ (zero rows stay zero), so a matrix product of two such
/// matrices gives cosine similarities.
public func unitLengthRows(_ matrix: Tensor<Float>) -> Tensor<Float> {
    withoutGradients { matrix / (sqrt(square(matrix).sum(alongAxis: 1)) + 1e-12) }
}

/// Precision at k of a retrieval: the fraction of each query's first k neighbours that share its
/// label, averaged over queries.
public func precisionAtK(neighbours: [[Int]], queryLabels: [Int], databaseLabels: [Int], k: Int) -> Double {
    precondition(neighbours.count == queryLabels.count, "precisionAtK: \(neighbours.count) neighbour lists for \(queryLabels.count) queries")
    guard !neighbours.isEmpty, k > 0 else { return 0 }
    var total = 0.0
    for (list, label) in zip(neighbours, queryLabels) {
        let top = list.prefix(k)
        total += Double(top.filter { databaseLabels[$0] == label }.count) / Double(k)
    }
    return total / Double(neighbours.count)
}

// ANCHOR: precision
/// Precision after retrieving k = 1…maximumK database rows by cosine similarity, averaged over
/// every query; "relevant" = same label. `centred` first subtracts the mean database row from
/// every row, so that the cosine measures directions from the centre of the codes rather than
/// from the origin (codes that all lie on one side of the origin look alike to a raw cosine).
public func precisionCurve(queries: Tensor<Float>, database: Tensor<Float>, queryLabels: [Int],
                           databaseLabels: [Int], maximumK: Int, centred: Bool) -> [Double] {
    let neighbours = withoutGradients { () -> [[Int]] in
        let centre = centred ? database.mean(alongAxis: 0)
                             : Tensor(zeros: [1, database.columnCount])
        return nearestNeighbours(of: queries - centre, in: database - centre, count: maximumK,
                                 metric: .cosine)
    }
    return (1...maximumK).map { k in
        precisionAtK(neighbours: neighbours, queryLabels: queryLabels,
                     databaseLabels: databaseLabels, k: k)
    }
}
// ANCHOR_END: precision
