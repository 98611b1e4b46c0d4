import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
    @Suite("Retrieval and statistics")
    struct RetrievalTests {
        @Test func nearestNeighboursEuclideanAndCosine() {
            let database = Tensor<Float>([[0, 0], [1, 0], [0, 3], [10, 10], [2, 0]])
            let queries = Tensor<Float>([[0.9, 0], [0, 2]])
            #expect(nearestNeighbours(of: queries, in: database, count: 3) == [[1, 0, 4], [2, 0, 1]])
            // Cosine ignores length: [2, 0] and [1, 0] point the same way as [0.9, 0].
            let cosine = nearestNeighbours(of: queries, in: database, count: 2, metric: .cosine)
            #expect(Set(cosine[0]) == [1, 4])
            #expect(cosine[1][0] == 2)
            // Against itself, a row never finds itself.
            let own = nearestNeighbours(of: database, in: database, count: 1, excludingSelf: true)
            #expect(own == [[1], [0], [0], [2], [1]])
        }

        @Test func precisionAtKCountsSameLabelNeighbours() {
            let precision = precisionAtK(neighbours: [[0, 1], [2, 3]], queryLabels: [7, 8], databaseLabels: [7, 1, 8, 8], k: 2)
            #expect(precision == (0.5 + 1.0) / 2)
        }

        @Test func rocAUCByHand() {
            // 1 − (pairs where a negative outscores a positive + ½ ties) / 6: positives 3, 1; negatives 2, 0, 1.
            // Pairs: (3>2, 3>0, 3>1) = 3 wins; (1<2 loss, 1>0 win, 1=1 tie) = 1.5 → 4.5 / 6.
            #expect(rocAUC(positives: [3, 1], negatives: [2, 0, 1]) == 0.75)
            #expect(rocAUC(positives: [5, 6], negatives: [1, 2]) == 1)
            #expect(rocAUC(positives: [1, 2], negatives: [5, 6]) == 0)
        }

        @Test func normalQuantileInvertsTheCDF() {
            #expect(Swift.abs(normalQuantile(0.5)) < 1e-12)
            #expect(Swift.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-9)
            #expect(Swift.abs(normalQuantile(0.05) + 1.6448536269514722) < 1e-9)
        }
    }
}
