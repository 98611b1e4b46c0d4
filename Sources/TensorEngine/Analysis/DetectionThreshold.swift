import Foundation

// A detector that flags a score above a threshold: the threshold from a quantile of normal scores,
// and what the rule then finds (the basic chapter's anomaly detection by reconstruction error).

/// The `p`-quantile of `values` (p in [0, 1]), interpolating linearly between the sorted values at
/// positions ⌊p(n − 1)⌋ and ⌈p(n − 1)⌉: NumPy's default, Hyndman & Fan's type 7.
public func quantile(_ values: [Double], _ p: Double) -> Double {
    precondition(!values.isEmpty, "quantile: no values")
    precondition(p >= 0 && p <= 1, "quantile: p = \(p) must lie in [0, 1]")
    let sorted = values.sorted()
    let position = p * Double(sorted.count - 1)
    let below = Int(position.rounded(.down)), above = Int(position.rounded(.up))
    return sorted[below] + (position - Double(below)) * (sorted[above] - sorted[below])
}

/// What the rule "flag a score above the threshold" does on positives (what should be flagged) and
/// negatives (what should not).
public struct DetectionResult: Sendable {
    /// Flagged positives / all flagged: how often a flag is right. NaN when nothing is flagged.
    public let precision: Double
    /// Flagged positives / all positives: how many of them are found.
    public let recall: Double
    /// Flagged negatives / all negatives: the false alarm rate.
    public let falsePositiveRate: Double
}

/// Precision, recall and false-positive rate of flagging every score strictly above `threshold`.
public func detectionResult(positives: [Double], negatives: [Double], threshold: Double) -> DetectionResult {
    precondition(!positives.isEmpty && !negatives.isEmpty, "detectionResult: needs at least one positive and one negative score")
    let truePositives = Double(positives.filter { $0 > threshold }.count)
    let falsePositives = Double(negatives.filter { $0 > threshold }.count)
    let flagged = truePositives + falsePositives
    return DetectionResult(precision: flagged > 0 ? truePositives / flagged : .nan,
                           recall: truePositives / Double(positives.count),
                           falsePositiveRate: falsePositives / Double(negatives.count))
}
