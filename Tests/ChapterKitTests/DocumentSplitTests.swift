import Datasets
import Testing
@testable import ChapterKit
import TensorEngine

/// The text chapter's split: per-topic shares, a vocabulary from training documents only, and
/// documents without a vocabulary word dropped.
struct DocumentSplitTests {
    let corpus = TextCorpus(
        topicNames: ["space", "food"],
        documents: ["orbit rocket", "moon rocket", "orbit moon", "rocket launch", "comet orbit",
                    "bread oven", "cake oven", "bread cake", "soup bread", "zebra"],
        labels: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])

    @Test func splitsEachTopicFourToOneAndFitsTheVocabularyOnTraining() {
        let split = DocumentSplit(corpus, perTopic: 5, vocabularySize: 100,
                                  generator: SeededGenerator(seed: 3))
        // Each topic: 5 kept, 1 for testing. A "zebra" document has no training word if it is the
        // food test document, and it is dropped there; in training it is a vocabulary word.
        let zebraIsTest = !split.bagOfWords.vocabulary.contains("zebra")
        #expect(split.train.count == 8)
        #expect(split.test.count == (zebraIsTest ? 1 : 2))
        #expect(split.train.labels.filter { $0 == 0 }.count == 4)
        #expect(split.trainDocuments.count == split.train.count)
        // Every row of training counts is the bag of words of its document.
        for row in 0..<split.train.count {
            let expected = split.bagOfWords.counts([split.trainDocuments[row]])
            #expect(Array(split.train.row(row)) == expected)
            #expect(expected.contains { $0 > 0 })
        }
        // The same seed gives the same split.
        let again = DocumentSplit(corpus, perTopic: 5, vocabularySize: 100,
                                  generator: SeededGenerator(seed: 3))
        #expect(again.trainDocuments == split.trainDocuments)
    }

    @Test func perTopicCapsEachTopic() {
        let split = DocumentSplit(corpus, perTopic: 2, vocabularySize: 100,
                                  generator: SeededGenerator(seed: 1))
        // 2 per topic: round(0.4) = 0 for testing, so both go to training.
        #expect(split.train.count == 4 && split.test.count == 0)
        #expect(split.train.labels.sorted() == [0, 0, 1, 1])
    }
}
