import Foundation

/// How much of each point's neighbourhood a map keeps: for every row i, the share of its `k` nearest
/// rows of `original` (Euclidean, itself excluded) that are also among its `k` nearest rows of
/// `embedding`, averaged over the rows. 1 means every neighbourhood survives; a random map gives
/// about k / (n − 1). (The "neighbourhood hit" of Venna & Kaski's trustworthiness family.)
public func neighbourhoodPreservation(original: Tensor<Float>, embedding: Tensor<Float>, k: Int) -> Double {
    precondition(original.rowCount == embedding.rowCount,
                 "neighbourhoodPreservation: \(original.rowCount) original rows against \(embedding.rowCount) mapped")
    precondition(k >= 1 && k < original.rowCount, "neighbourhoodPreservation: k = \(k) for \(original.rowCount) rows")
    let before = nearestNeighbours(of: original, in: original, count: k, excludingSelf: true)
    let after = nearestNeighbours(of: embedding, in: embedding, count: k, excludingSelf: true)
    let kept = zip(before, after).map { Double(Set($0).intersection($1).count) / Double(k) }
    return kept.reduce(0, +) / Double(kept.count)
}
