import Foundation
import Testing
@testable import ChapterKit
import TensorEngine

/// The text chapter's per-token loss: total nats over total word occurrences.
struct LossPerWordTests {
    @Test func totalNatsOverTotalWords() {
        // Two documents over 3 words: counts [3, 1, 0] (4 words) and [0, 0, 1] (1 word).
        let examples = Examples(features: [3, 1, 0, 0, 0, 1], featureCount: 3, labels: [0, 1])
        // Uniform predictions: every word occurrence costs log 3, per token and per document alike.
        let uniform = lossPerWord(examples) { Tensor(zeros: $0.shape) }
        #expect(Swift.abs(uniform - log(3)) < 1e-5)
        // Predicting q = [½, ¼, ¼] for both: document 1 costs 3 log 2 + log 4 = 5 log 2 nats, and
        // document 2 log 4 = 2 log 2; per token (5 + 2) log 2 / 5 words, not the mean of per-document
        // averages ((5/4 + 2) log 2 / 2).
        let logits = Tensor<Float>(shape: [1, 3], scalars: [log(2), 0, 0])
        let skewed = lossPerWord(examples) { Tensor(zeros: $0.shape) + logits }
        #expect(Swift.abs(skewed - 7 * log(2) / 5) < 1e-5)
    }
}
