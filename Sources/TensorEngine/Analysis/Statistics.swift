import Foundation

// Statistics of scores and distributions: ROC AUC (anomaly detection), the normal quantile (grids
// of Gaussian quantiles for latent-space pictures) and the PSNR of a reconstruction.

/// ROC AUC of scores where higher means "positive": the Mann–Whitney U statistic over n₊ n₋,
/// i.e. the probability that a random positive outscores a random negative (ties count ½).
public func rocAUC(positives: [Double], negatives: [Double]) -> Double {
    precondition(!positives.isEmpty && !negatives.isEmpty, "rocAUC: needs at least one positive and one negative score")
    let all = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
    var rankSum = 0.0, index = 0
    while index < all.count {
        var end = index
        while end + 1 < all.count && all[end + 1].0 == all[index].0 { end += 1 }
        let averageRank = Double(index + end) / 2 + 1  // ties share their mean rank
        rankSum += Double(all[index...end].filter(\.1).count) * averageRank
        index = end + 1
    }
    let (p, n) = (Double(positives.count), Double(negatives.count))
    return (rankSum - p * (p + 1) / 2) / (p * n)
}

/// The standard normal quantile Φ⁻¹(p) for p in (0, 1), by bisection on Φ(x) = ½(1 + erf(x/√2))
/// to within 1e-12 (grids of Gaussian quantiles for latent-space pictures).
public func normalQuantile(_ p: Double) -> Double {
    precondition(p > 0 && p < 1, "normalQuantile: p = \(p) must lie in (0, 1)")
    var low = -40.0, high = 40.0
    for _ in 0..<100 {
        let middle = (low + high) / 2
        if 0.5 * (1 + erf(middle / 2.0.squareRoot())) < p { low = middle } else { high = middle }
    }
    return (low + high) / 2
}

/// Peak signal-to-noise ratio in decibels of images with values in [0, 1]: PSNR = 10 log₁₀(1 / MSE),
/// with MSE the mean squared error per pixel against the clean images.
public func peakSignalToNoiseRatio(meanSquaredError: Double) -> Double {
    precondition(meanSquaredError >= 0, "peakSignalToNoiseRatio: negative mean squared error \(meanSquaredError)")
    return 10 * log10(1 / meanSquaredError)
}
