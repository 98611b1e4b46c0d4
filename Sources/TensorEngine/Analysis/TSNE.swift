import Foundation
import KernelCore

/// A t-SNE map failed before it started: the data cannot give the requested perplexity.
public struct TSNEError: Error, CustomStringConvertible {
    /// One line naming the problem.
    public let description: String
}

/// A two-dimensional t-SNE map of some points and how well it fits them.
public struct TSNEEmbedding {
    /// The map, [n, 2], centred on the origin.
    public let points: Tensor<Float>
    /// KL(P ‖ Q) of the final map (nats): what t-SNE minimises, lower is a closer fit.
    public let klDivergence: Double
}

/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton, "Visualizing Data using
/// t-SNE", JMLR 2008), exact: every pair of points is computed, O(n²) time and memory per
/// iteration, meant for a few thousand points.
///
/// 1. Each point i gets a Gaussian over the others, p(j|i) ∝ exp(−‖xᵢ − xⱼ‖² / 2σᵢ²), with σᵢ set by
///    bisection so that the distribution's perplexity 2^H (H its entropy in bits) equals
///    ``perplexity``: roughly, each point attends to that many neighbours. Dense regions get a small
///    σᵢ, sparse ones a large σᵢ, so the map keeps *who is near whom*, not the distances themselves.
/// 2. The joint p(i, j) = (p(j|i) + p(i|j)) / 2n.
/// 3. The map's points yᵢ get q(i, j) = wᵢⱼ / Σ wₖₗ with the heavy-tailed wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²),
///    and gradient descent lowers KL(P ‖ Q) along ∂/∂yᵢ = 4 Σⱼ (pᵢⱼ − qᵢⱼ) wᵢⱼ (yᵢ − yⱼ).
///
/// The optimiser is the usual one (as in scikit-learn's `TSNE`): the points start at N(0, 10⁻⁸)
/// drawn from the caller's generator; for the first ``exaggerationIterations`` the p's are multiplied
/// by ``earlyExaggeration`` (clusters form first) with momentum 0.5, then momentum 0.8; each
/// coordinate's step has an adaptive gain (+0.2 when the gradient changes sign, ×0.8 otherwise, at
/// least 0.01). Distances are squared Euclidean distances between the rows as given.
///
/// ```swift
/// let map = try TSNE(perplexity: 30).embed(images, generator: run.generator)   // images [n, 784]
/// ```
public struct TSNE: Sendable {
    /// The effective number of neighbours each point's Gaussian covers (van der Maaten & Hinton
    /// suggest 5–50; 30 is the common default). Must be below n − 1.
    public var perplexity: Double
    /// Gradient steps in all.
    public var iterations: Int
    /// The step size η; nil picks max(n / earlyExaggeration / 4, 50) for n points (Belkina et al.
    /// 2019, scikit-learn's "auto"), which a fixed η = 200 overshoots on small sets.
    public var learningRate: Double?
    /// The factor on p during the first steps.
    public var earlyExaggeration: Double
    /// How many of the first steps use it.
    public var exaggerationIterations: Int

    /// A t-SNE with scikit-learn's defaults: perplexity 30, 1 000 steps, η "auto", exaggeration 12
    /// for 250 steps.
    public init(perplexity: Double = 30, iterations: Int = 1000, learningRate: Double? = nil,
                earlyExaggeration: Double = 12, exaggerationIterations: Int = 250) {
        precondition(perplexity > 1 && iterations >= 1 && (learningRate ?? 1) > 0 && earlyExaggeration >= 1
                     && exaggerationIterations >= 0,
                     "TSNE: perplexity must exceed 1 and the step settings be positive")
        self.perplexity = perplexity
        self.iterations = iterations
        self.learningRate = learningRate
        self.earlyExaggeration = earlyExaggeration
        self.exaggerationIterations = exaggerationIterations
    }

    /// The 2-D map of the rows of `data` ([n, features]). Throws a ``TSNEError`` if a value is not
    /// finite or if n − 1 points are too few for the perplexity.
    public func embed(_ data: Tensor<Float>, generator: SeededGenerator) throws -> TSNEEmbedding {
        precondition(data.shape.count == 2, "TSNE: needs a matrix of points, got \(describe(data.shape))")
        let n = data.shape[0]
        guard data.scalars.allSatisfy(\.isFinite) else {
            throw TSNEError(description: "t-SNE: the data holds a value that is not finite")
        }
        guard Double(n - 1) > perplexity else {
            throw TSNEError(description: "t-SNE: perplexity \(perplexity) needs more than \(Int(perplexity) + 1) points, got \(n)")
        }
        let joint = Self.jointProbabilities(Self.conditionalProbabilities(
            squaredDistances: Self.squaredDistances(data), count: n, perplexity: perplexity), count: n)
        var positions = [Float](repeating: 0, count: 2 * n)  // x of every point, then y of every point
        generator.fillNormal(&positions, count: 2 * n, standardDeviation: 1e-4)
        let step = Float(learningRate ?? Swift.max(Double(n) / earlyExaggeration / 4, 50))
        var velocity = [Float](repeating: 0, count: 2 * n), gains = [Float](repeating: 1, count: 2 * n)
        for iteration in 0..<iterations {
            let exaggerated = iteration < exaggerationIterations
            let gradient = Self.gradient(joint: joint, positions: positions, count: n,
                                         exaggeration: Float(exaggerated ? earlyExaggeration : 1))
            let momentum: Float = exaggerated ? 0.5 : 0.8
            for k in 0..<(2 * n) {
                // Delta-bar-delta gains (Jacobs 1988): grow while the direction holds, shrink when it flips.
                let sameSign = (gradient[k] > 0) == (velocity[k] > 0)
                gains[k] = Swift.max(sameSign ? gains[k] * 0.8 : gains[k] + 0.2, 0.01)
                velocity[k] = momentum * velocity[k] - step * gains[k] * gradient[k]
                positions[k] += velocity[k]
            }
            for axis in 0..<2 {  // recentre: the cost does not depend on a shift of the whole map
                let mean = positions[(axis * n)..<((axis + 1) * n)].reduce(0, +) / Float(n)
                for i in 0..<n { positions[axis * n + i] -= mean }
            }
        }
        let points = (0..<n).flatMap { [positions[$0], positions[n + $0]] }
        return TSNEEmbedding(points: Tensor(shape: [n, 2], scalars: points),
                             klDivergence: Self.klDivergence(joint: joint, positions: positions, count: n))
    }

    // MARK: The pieces, internal so the tests can check each one

    /// ‖xᵢ − xⱼ‖² for every pair, n × n row-major, through ‖xᵢ‖² + ‖xⱼ‖² − 2 xᵢ·xⱼ (one matrix product).
    static func squaredDistances(_ data: Tensor<Float>) -> [Float] {
        withoutGradients {
            let n = data.shape[0]
            let products = matmul(data, data, transposeB: true).scalars
            var distances = [Float](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n where j != i {
                    distances[i * n + j] = Swift.max(products[i * n + i] + products[j * n + j] - 2 * products[i * n + j], 0)
                }
            }
            return distances
        }
    }

    /// p(j|i) for every row i, n × n row-major (zero diagonal), each row's Gaussian precision found by
    /// bisection so that its entropy is ln(perplexity) nats (within 10⁻⁵).
    static func conditionalProbabilities(squaredDistances distances: [Float], count n: Int, perplexity: Double) -> [Float] {
        var probabilities = [Float](repeating: 0, count: n * n)
        let target = Foundation.log(perplexity)
        probabilities.withUnsafeMutableBufferPointer { output in
            let result = output.baseAddress!
            distances.withUnsafeBufferPointer { input in
                forEachPart(n, work: n * n * 40) { rows in
                    for i in rows {
                        rowProbabilities(input.baseAddress! + i * n, count: n, skipping: i, target: target, into: result + i * n)
                    }
                }
            }
        }
        return probabilities
    }

    /// One row of ``conditionalProbabilities(squaredDistances:count:perplexity:)``: bisection on the
    /// precision β = 1/2σ², with distances shifted by the row's smallest so exp never underflows to all zeros.
    private static func rowProbabilities(_ distances: UnsafePointer<Float>, count n: Int, skipping index: Int,
                                         target: Double, into output: UnsafeMutablePointer<Float>) {
        var nearest = Float.infinity
        for j in 0..<n where j != index { nearest = Swift.min(nearest, distances[j]) }
        var beta = 1.0, low = 0.0, high = Double.infinity
        for _ in 0..<100 {
            // H = ln Σ e^(−β d) + β Σ d e^(−β d) / Σ e^(−β d), with d the shifted distances.
            var total = 0.0, weighted = 0.0
            for j in 0..<n where j != index {
                let shifted = Double(distances[j] - nearest)
                let value = Foundation.exp(-beta * shifted)
                output[j] = Float(value)
                total += value
                weighted += shifted * value
            }
            let entropy = Foundation.log(total) + beta * weighted / total
            if Swift.abs(entropy - target) < 1e-5 { break }
            if entropy > target {  // too flat: sharpen
                low = beta
                beta = high.isFinite ? (beta + high) / 2 : beta * 2
            } else {
                high = beta
                beta = (beta + low) / 2
            }
        }
        var total: Float = 0
        for j in 0..<n where j != index { total += output[j] }
        for j in 0..<n { output[j] = j == index ? 0 : output[j] / total }
    }

    /// p(i, j) = max((p(j|i) + p(i|j)) / 2n, 10⁻¹²): symmetric, summing to 1 (the floor keeps log p finite).
    static func jointProbabilities(_ conditional: [Float], count n: Int) -> [Float] {
        var joint = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                joint[i * n + j] = Swift.max((conditional[i * n + j] + conditional[j * n + i]) / Float(2 * n), 1e-12)
            }
        }
        return joint
    }

    /// Σ_{k≠l} 1 / (1 + ‖yₖ − yₗ‖²), the normaliser Z of q.
    static func normaliser(positions: [Float], count n: Int) -> Double {
        var rowSums = [Double](repeating: 0, count: n)
        positions.withUnsafeBufferPointer { y in
            rowSums.withUnsafeMutableBufferPointer { sums in
                forEachPart(n, work: n * n * 8) { rows in
                    for i in rows {  // minus wᵢᵢ = 1
                        sums[i] = pairSums(y.baseAddress!, count: n, row: i) { kernel, _, _, _, _ in (kernel, kernel) }.0 - 1
                    }
                }
            }
        }
        return rowSums.reduce(0, +)
    }

    /// ∂ KL(P ‖ Q) / ∂y for the map `positions` (x of every point, then y), in the same layout; the
    /// p's are multiplied by `exaggeration`.
    static func gradient(joint: [Float], positions: [Float], count n: Int, exaggeration: Float) -> [Float] {
        let inverseNormaliser = Float(1 / normaliser(positions: positions, count: n))
        var gradient = [Float](repeating: 0, count: 2 * n)
        positions.withUnsafeBufferPointer { y in
            joint.withUnsafeBufferPointer { p in
                gradient.withUnsafeMutableBufferPointer { output in
                    forEachPart(n, work: n * n * 12) { rows in
                        for i in rows {
                            let row = p.baseAddress! + i * n
                            // 4 Σⱼ (exaggeration·pᵢⱼ − wᵢⱼ/Z) wᵢⱼ (yᵢ − yⱼ), per axis.
                            let sums = pairSums(y.baseAddress!, count: n, row: i) { kernel, dx, dy, start, lanes in
                                let probability = lanes == 16 ? load(row, start) : loadPartial(row, start, lanes)
                                let coefficient = (exaggeration * probability - kernel * inverseNormaliser) * kernel
                                return (coefficient * dx, coefficient * dy)
                            }
                            output[i] = 4 * Float(sums.0)
                            output[n + i] = 4 * Float(sums.1)
                        }
                    }
                }
            }
        }
        return gradient
    }

    /// Σ_{i≠j} pᵢⱼ ln(pᵢⱼ / qᵢⱼ).
    static func klDivergence(joint: [Float], positions: [Float], count n: Int) -> Double {
        let normaliser = normaliser(positions: positions, count: n)
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                let dx = Double(positions[i] - positions[j]), dy = Double(positions[n + i] - positions[n + j])
                let q = 1 / (1 + dx * dx + dy * dy) / normaliser
                let p = Double(joint[i * n + j])
                total += p * Foundation.log(p / q)
            }
        }
        return total
    }

    /// Two sums over every j (including j = i), 16 lanes at a time, of `term(wᵢⱼ, xᵢ − xⱼ, yᵢ − yⱼ,
    /// start, lanes)` with wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²); in the last, partial vector the lanes past n
    /// have w = 0 (a term must vanish with w, as both of ours do).
    @inline(__always)
    private static func pairSums(
        _ y: UnsafePointer<Float>, count n: Int, row i: Int,
        _ term: (_ kernel: FloatVector, _ dx: FloatVector, _ dy: FloatVector, _ start: Int, _ lanes: Int)
            -> (FloatVector, FloatVector)
    ) -> (Double, Double) {
        let xi = FloatVector(repeating: y[i]), yi = FloatVector(repeating: y[n + i])
        var first = FloatVector(), second = FloatVector()
        var start = 0
        while start < n {
            let lanes = Swift.min(16, n - start)
            let full = lanes == 16
            let dx = xi - (full ? load(y, start) : loadPartial(y, start, lanes))
            let dy = yi - (full ? load(y, n + start) : loadPartial(y, n + start, lanes))
            var kernel = 1 / (1 + dx * dx + dy * dy)
            if !full {
                var mask = FloatVector()
                for lane in 0..<lanes { mask[lane] = 1 }
                kernel *= mask
            }
            let (a, b) = term(kernel, dx, dy, start, lanes)
            first += a
            second += b
            start += 16
        }
        return (Double(horizontalSum(first)), Double(horizontalSum(second)))
    }
}
