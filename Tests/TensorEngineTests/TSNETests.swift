import Foundation
import Testing
@testable import TensorEngine

/// `clusters` Gaussian blobs of `perCluster` points in `dimensions` dimensions: centres 20 apart along
/// different axes, spread 1, so every point's nearest neighbours are in its own blob.
func separatedClusters(clusters: Int, perCluster: Int, dimensions: Int = 10, seed: UInt64) -> (Tensor<Float>, [Int]) {
    let generator = SeededGenerator(seed: seed)
    var values: [Float] = [], labels: [Int] = []
    for point in 0..<(clusters * perCluster) {
        let cluster = point % clusters
        for axis in 0..<dimensions {
            values.append((axis == cluster ? 20 : 0) + Float(generator.nextNormal()))
        }
        labels.append(cluster)
    }
    return (Tensor(shape: [clusters * perCluster, dimensions], scalars: values), labels)
}

/// The entropy of one row of probabilities, in nats.
func entropy(_ row: ArraySlice<Float>) -> Double {
    row.filter { $0 > 0 }.reduce(0.0) { $0 - Double($1) * log(Double($1)) }
}

@Suite("t-SNE")
struct TSNETests {
    @Test("Squared distances match a direct computation")
    func distances() {
        let (data, _) = separatedClusters(clusters: 2, perCluster: 5, dimensions: 4, seed: 1)
        let distances = TSNE.squaredDistances(data)
        let rows = data.rowArrays
        for i in 0..<10 {
            for j in 0..<10 {
                let direct = zip(rows[i], rows[j]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
                #expect(Swift.abs(distances[i * 10 + j] - direct) < 1e-3 * Swift.max(1, direct))
            }
        }
    }

    @Test("Each point's Gaussian has the requested perplexity", arguments: [5.0, 15.0])
    func perplexityCalibration(_ perplexity: Double) {
        let (data, _) = separatedClusters(clusters: 3, perCluster: 20, seed: 2)
        let n = 60
        let conditional = TSNE.conditionalProbabilities(squaredDistances: TSNE.squaredDistances(data), count: n,
                                                        perplexity: perplexity)
        for i in 0..<n {
            let row = conditional[(i * n)..<((i + 1) * n)]
            #expect(row[i * n + i] == 0)
            #expect(Swift.abs(row.reduce(0, +) - 1) < 1e-4)
            #expect(Swift.abs(exp(entropy(row)) - perplexity) < 0.01 * perplexity, "row \(i)")
        }
    }

    @Test("Joint probabilities are symmetric and sum to 1")
    func joint() {
        let (data, _) = separatedClusters(clusters: 2, perCluster: 10, seed: 3)
        let joint = TSNE.jointProbabilities(TSNE.conditionalProbabilities(
            squaredDistances: TSNE.squaredDistances(data), count: 20, perplexity: 5), count: 20)
        #expect(Swift.abs(joint.reduce(0, +) - 1) < 1e-4)
        for i in 0..<20 { for j in 0..<20 { #expect(joint[i * 20 + j] == joint[j * 20 + i]) } }
    }

    @Test("The gradient matches finite differences of the cost", arguments: [1.0, 4.0])
    func gradient(_ exaggeration: Double) {
        // 36 points: two full 16-lane vectors and a partial one.
        let (data, _) = separatedClusters(clusters: 3, perCluster: 12, seed: 4)
        let n = 36
        let joint = TSNE.jointProbabilities(TSNE.conditionalProbabilities(
            squaredDistances: TSNE.squaredDistances(data), count: n, perplexity: 8), count: n)
        let generator = SeededGenerator(seed: 5)
        let positions = (0..<(2 * n)).map { _ in Float(generator.nextNormal()) }
        let analytic = TSNE.gradient(joint: joint, positions: positions, count: n, exaggeration: Float(exaggeration))
        // 4 Σⱼ (e·pᵢⱼ − qᵢⱼ) wᵢⱼ (yᵢ − yⱼ) is the gradient of −Σ e·pᵢⱼ ln wᵢⱼ + ln Z, which for e = 1
        // is KL(P ‖ Q) up to the constant Σ p ln p.
        func cost(_ y: [Float]) -> Double {
            var total = log(TSNE.normaliser(positions: y, count: n))
            for i in 0..<n {
                for j in 0..<n where j != i {
                    let dx = Double(y[i] - y[j]), dy = Double(y[n + i] - y[n + j])
                    total += exaggeration * Double(joint[i * n + j]) * log(1 + dx * dx + dy * dy)
                }
            }
            return total
        }
        let step: Float = 1e-2
        for k in 0..<(2 * n) {
            var plus = positions, minus = positions
            plus[k] += step
            minus[k] -= step
            let numeric = (cost(plus) - cost(minus)) / Double(2 * step)
            #expect(Swift.abs(Double(analytic[k]) - numeric) < 1e-3 + 2e-2 * Swift.abs(numeric),
                    "coordinate \(k): analytic \(analytic[k]), numeric \(numeric)")
        }
        // And for e = 1 the cost is the KL divergence up to that constant.
        let constant = joint.reduce(0.0) { $0 + ($1 > 0 ? Double($1) * log(Double($1)) : 0) }
        if exaggeration == 1 {
            let kl = TSNE.klDivergence(joint: joint, positions: positions, count: n)
            #expect(Swift.abs(kl - (cost(positions) + constant)) < 1e-4)
        }
    }

    @Test("Separated clusters stay separated in the map, and the same seed gives the same map")
    func separation() throws {
        let (data, labels) = separatedClusters(clusters: 4, perCluster: 25, seed: 6)
        let tsne = TSNE(perplexity: 10, iterations: 500)
        let map = try tsne.embed(data, generator: SeededGenerator(seed: 7))
        #expect(map.points.shape == [100, 2])
        #expect(map.klDivergence.isFinite && map.klDivergence > 0)
        let neighbours = nearestNeighbours(of: map.points, in: map.points, count: 10, excludingSelf: true)
        #expect(precisionAtK(neighbours: neighbours, queryLabels: labels, databaseLabels: labels, k: 10) == 1)
        // Every cluster's farthest-apart members are closer than the nearest pair from two clusters.
        let points = map.points.rowArrays
        func distance(_ a: Int, _ b: Int) -> Float {
            let dx = points[a][0] - points[b][0], dy = points[a][1] - points[b][1]
            return (dx * dx + dy * dy).squareRoot()
        }
        var within: Float = 0, between = Float.infinity
        for a in 0..<100 {
            for b in (a + 1)..<100 {
                if labels[a] == labels[b] { within = Swift.max(within, distance(a, b)) }
                else { between = Swift.min(between, distance(a, b)) }
            }
        }
        #expect(within < between, "widest cluster \(within), closest clusters \(between)")
        // Centred, and reproducible from the seed; another seed gives another map.
        for axis in 0..<2 { #expect(Swift.abs(points.map { $0[axis] }.reduce(0, +) / 100) < 1e-3) }
        let again = try tsne.embed(data, generator: SeededGenerator(seed: 7))
        #expect(again.points.scalars == map.points.scalars)
        let other = try tsne.embed(data, generator: SeededGenerator(seed: 8))
        #expect(other.points.scalars != map.points.scalars)
    }

    @Test("t-SNE keeps more of each neighbourhood than a random map")
    func neighbourhoods() throws {
        let (data, _) = separatedClusters(clusters: 3, perCluster: 30, seed: 9)
        let map = try TSNE(perplexity: 10, iterations: 400).embed(data, generator: SeededGenerator(seed: 10))
        let random = Tensor<Float>(randomNormal: [90, 2], generator: SeededGenerator(seed: 11))
        let kept = neighbourhoodPreservation(original: data, embedding: map.points, k: 5)
        let chance = neighbourhoodPreservation(original: data, embedding: random, k: 5)
        #expect(kept > chance + 0.2, "t-SNE \(kept), random \(chance)")
        #expect(neighbourhoodPreservation(original: data, embedding: data, k: 5) == 1)
    }

    @Test("Data that is not finite, or too few points for the perplexity, is refused with a message")
    func refusals() {
        let generator = SeededGenerator(seed: 12)
        let tooFew = Tensor<Float>(randomNormal: [20, 3], generator: generator)
        #expect(throws: TSNEError.self) { try TSNE(perplexity: 30).embed(tooFew, generator: generator) }
        do {
            _ = try TSNE(perplexity: 30).embed(tooFew, generator: generator)
        } catch {
            #expect("\(error)".contains("perplexity 30.0 needs more than 31 points, got 20"))
        }
        let withNaN = Tensor<Float>(shape: [40, 2], scalars: [Float.nan] + [Float](repeating: 0, count: 79))
        #expect(throws: TSNEError.self) { try TSNE(perplexity: 5).embed(withNaN, generator: generator) }
    }
}
