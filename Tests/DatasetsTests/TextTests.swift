import Foundation
import Testing
@testable import Datasets

@Suite struct TextTests {
    @Test func tokenizerLowercasesKeepsLettersAndDropsStopWords() {
        let tokens = Tokenizer().tokens("The Cat's 3 dogs, and a well-known X-ray!")
        #expect(tokens == ["cat", "dogs", "well", "known", "ray"])
        #expect(Tokenizer.englishStopWords.count > 150)
        #expect(Tokenizer.englishStopWords == Tokenizer.englishStopWords.sorted())
    }

    @Test func bagOfWordsOfToyCorpus() {
        let model = BagOfWordsModel(fitting: ["cat dog cat", "dog fish", "bird"], vocabularySize: 10)
        // Frequencies: cat 2, dog 2, bird 1, fish 1; ties alphabetical.
        #expect(model.vocabulary == ["cat", "dog", "bird", "fish"])
        let counts = model.counts(["cat dog cat", "dog fish", "bird"])
        #expect(counts == [2, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0])
        #expect(model.apply(.logCounts, toCounts: counts) == counts.map { Float(log1p(Double($0))) })
        // idf = ln(N / df): cat ln 3, dog ln 1.5, bird ln 3, fish ln 3.
        let idf = [log(3.0), log(1.5), log(3.0), log(3.0)]
        #expect(zip(model.inverseDocumentFrequency, idf).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        let tfidf = model.features(["cat dog cat", "dog fish", "bird"], transform: .tfidf)
        let row0 = [2 * log(3.0), log(1.5), 0, 0], norm0 = sqrt(row0.map { $0 * $0 }.reduce(0, +))
        let row1 = [0, log(1.5), 0, log(3.0)], norm1 = sqrt(row1.map { $0 * $0 }.reduce(0, +))
        let expected = row0.map { $0 / norm0 } + row1.map { $0 / norm1 } + [0, 0, 1, 0]
        #expect(zip(tfidf, expected).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        // Vocabulary truncation and queries with unknown words.
        #expect(BagOfWordsModel(fitting: ["cat dog cat", "dog fish", "bird"], vocabularySize: 2).vocabulary == ["cat", "dog"])
        #expect(model.features(query: "A fish and a zebra, fish!", transform: .counts) == [0, 0, 0, 2])
    }

    @Test func wordNetTopicsAndCounts() throws {
        let corpus = try WordNetCorpus.load()
        #expect(corpus.topicNames == WordNetCorpus.defaultTopics)
        #expect(corpus.documentCountsPerTopic == [7509, 11587, 2016, 2573, 3209, 11087, 8030, 2983])
        #expect(corpus.documents.count == 48_994)
        // 02084071 dog: words then the gloss without its quoted example.
        let dog = try #require(corpus.documents.first { $0.hasPrefix("dog domestic dog Canis familiaris ") })
        #expect(dog.hasSuffix("occurs in many breeds"))
        #expect(!dog.contains("\""))
        let capped = try WordNetCorpus.load(topics: ["noun.food", "noun.body"], maximumPerTopic: 100)
        #expect(capped.documentCountsPerTopic == [100, 100])
    }

    @Test func wordNetErrors() {
        #expect(throws: DatasetError.self) { try WordNetCorpus.load(topics: ["noun.unicorn"]) }
        do {
            _ = try WordNetCorpus.load(path: "/nonexistent/data.noun")
        } catch {
            #expect(String(describing: error) == "/nonexistent/data.noun: file not found; install with: sudo apt-get install wordnet-base")
        }
    }

    @Test func folderCorpus() throws {
        let root = try makeTemporaryDirectory()
        for (topic, texts) in [("space", ["orbit rocket", "moon landing"]), ("hockey", ["puck goal"])] {
            try FileManager.default.createDirectory(atPath: root + "/" + topic, withIntermediateDirectories: true)
            for (index, text) in texts.enumerated() {
                _ = FileManager.default.createFile(atPath: "\(root)/\(topic)/\(index).txt", contents: Data(text.utf8))
            }
        }
        _ = FileManager.default.createFile(atPath: root + "/space/notes.md", contents: Data("ignored".utf8))
        let corpus = try FolderCorpus.load(directory: root)
        #expect(corpus.topicNames == ["hockey", "space"])
        #expect(corpus.documents == ["puck goal", "orbit rocket", "moon landing"])
        #expect(corpus.documentCountsPerTopic == [1, 2])

        let empty = try makeTemporaryDirectory()
        #expect(throws: DatasetError(path: empty, problem: "empty corpus: no topic folders (expected DIR/topic/*.txt)")) { try FolderCorpus.load(directory: empty) }
        #expect(throws: DatasetError(path: empty + "/missing", problem: "corpus directory not found")) { try FolderCorpus.load(directory: empty + "/missing") }
        try FileManager.default.createDirectory(atPath: empty + "/topic", withIntermediateDirectories: true)
        #expect(throws: DatasetError(path: empty + "/topic", problem: "empty topic folder: no .txt files")) { try FolderCorpus.load(directory: empty) }
    }
}
