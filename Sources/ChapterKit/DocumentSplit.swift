import Datasets
import TensorEngine

// ANCHOR: data
/// A text corpus as word counts labelled by topic, split for training and testing, with the
/// vocabulary the counts use (the text chapter's data).
public struct DocumentSplit: Sendable {
    /// Training documents: one row of vocabulary counts each.
    public let train: Examples
    /// Test documents, counted with the training vocabulary.
    public let test: Examples
    /// The text of each training row, in row order.
    public let trainDocuments: [String]
    /// The vocabulary, fitted on the training documents only.
    public let bagOfWords: BagOfWordsModel

    /// Keeps up to `perTopic` documents of each topic, chosen by one seeded shuffle per topic, a
    /// fifth of them for testing; fits the vocabulary on the training documents; drops documents
    /// without one of its words.
    public init(_ corpus: TextCorpus, perTopic: Int, vocabularySize: Int,
                generator: SeededGenerator) {
        var trainIndices: [Int] = [], testIndices: [Int] = []
        for topic in corpus.topicNames.indices {
            let members = corpus.labels.indices.filter { corpus.labels[$0] == topic }
            let kept = generator.shuffledIndices(members.count).prefix(perTopic).map { members[$0] }
            let testCount = Int((Double(kept.count) * 0.2).rounded())
            testIndices += kept.prefix(testCount)
            trainIndices += kept.dropFirst(testCount)
        }
        let trainTexts = trainIndices.sorted().map { corpus.documents[$0] }
        let bagOfWords = BagOfWordsModel(fitting: trainTexts, vocabularySize: vocabularySize)
        func examples(_ indices: [Int]) -> (Examples, documents: [String]) {
            let rows = indices.sorted(), width = bagOfWords.vocabularySize
            let counts = bagOfWords.counts(rows.map { corpus.documents[$0] })
            let nonEmpty = rows.indices.filter { row in
                counts[(row * width)..<((row + 1) * width)].contains { $0 > 0 }
            }
            let labels = rows.map { corpus.labels[$0] }
            let all = Examples(features: counts, featureCount: width, labels: labels)
            return (all.selecting(nonEmpty), nonEmpty.map { corpus.documents[rows[$0]] })
        }
        (train, trainDocuments) = examples(trainIndices)
        test = examples(testIndices).0
        self.bagOfWords = bagOfWords
    }
}
// ANCHOR_END: data
