import Foundation
import KernelCore

// The maximum mean discrepancy between two samples (Gretton, Borgwardt, Rasch, Schölkopf & Smola,
// "A Kernel Two-Sample Test", JMLR 2012) with a Gaussian kernel, and the median heuristic that
// picks the kernel's bandwidth. The adversarial chapter measures with it how far codes are from a prior.

/// All squared Euclidean distances between the rows of `a` [n, d] and the rows of `b` [m, d], as an
/// [n, m] matrix: ‖aᵢ − bⱼ‖² = ‖aᵢ‖² + ‖bⱼ‖² − 2 aᵢ·bⱼ, with every product aᵢ·bⱼ from one matrix
/// product. Rounding can make the formula dip below 0 for near-equal rows; such values are set to 0.
/// No gradients are recorded.
public func pairwiseSquaredDistances<Scalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
    precondition(a.shape.count == 2 && b.shape.count == 2 && a.shape[1] == b.shape[1],
                 "pairwiseSquaredDistances: rows of \(describe(a.shape)) and \(describe(b.shape)) differ in width")
    return withoutGradients {
        let products = matmul(a, b, transposeB: true)
        let normsA = square(a).sum(alongAxis: 1).scalars, normsB = square(b).sum(alongAxis: 1).scalars
        let (n, m) = (a.rowCount, b.rowCount)
        let result = Tensor<Scalar>(uninitializedShape: [n, m], operation: "pairwiseSquaredDistances")
        let values = products.pointer, output = result.mutablePointer
        for i in 0..<n {
            for j in 0..<m {
                output[i * m + j] = Swift.max(0, normsA[i] + normsB[j] - 2 * values[i * m + j])
            }
        }
        return result
    }
}

// ANCHOR: mmd
/// The squared maximum mean discrepancy between the rows of `x` [n, d] and of `y` [m, d], biased
/// estimator (a V-statistic: every pair, i = j included, so it is never negative):
///
/// MMD² = mean k(xᵢ, xⱼ) + mean k(yᵢ, yⱼ) − 2 mean k(xᵢ, yⱼ),
/// k(a, b) = exp(−‖a − b‖² / (2σ²)),
///
/// with σ = `bandwidth`. 0 when the two samples are the same points; it grows as they part.
public func squaredMaximumMeanDiscrepancy<Scalar>(
    _ x: Tensor<Scalar>, _ y: Tensor<Scalar>, bandwidth: Double
) -> Double {
    precondition(bandwidth > 0,
                 "squaredMaximumMeanDiscrepancy: bandwidth \(bandwidth) must be positive")
    precondition(x.rowCount > 0 && y.rowCount > 0,
                 "squaredMaximumMeanDiscrepancy: needs two non-empty samples")
    func meanKernel(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Double {
        let distances = pairwiseSquaredDistances(a, b).scalars
        let total = distances.reduce(0.0) { $0 + exp(-Double($1) / (2 * bandwidth * bandwidth)) }
        return total / Double(distances.count)
    }
    return meanKernel(x, x) + meanKernel(y, y) - 2 * meanKernel(x, y)
}

/// The median heuristic for the kernel's bandwidth: the median of the distances ‖sᵢ − sⱼ‖
/// over all pairs i < j of the rows of `samples` (the mean of the two middle ones for an even
/// count of pairs).
public func medianHeuristicBandwidth<Scalar>(_ samples: Tensor<Scalar>) -> Double {
    let n = samples.rowCount
    precondition(n >= 2, "medianHeuristicBandwidth: needs at least 2 samples, got \(n)")
    let squared = pairwiseSquaredDistances(samples, samples).scalars
    var distances: [Double] = []
    distances.reserveCapacity(n * (n - 1) / 2)
    for i in 0..<n {
        for j in (i + 1)..<n { distances.append(Double(squared[i * n + j]).squareRoot()) }
    }
    distances.sort()
    let middle = distances.count / 2
    return distances.count % 2 == 1
        ? distances[middle] : (distances[middle - 1] + distances[middle]) / 2
}
// ANCHOR_END: mmd
