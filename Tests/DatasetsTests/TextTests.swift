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

    @Test(.tags(.installedData)) func wordNetTopicsAndCounts() throws {
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

    @Test(.tags(.installedData)) func wordNetErrors() {
        #expect(throws: DatasetError.self) { try WordNetCorpus.load(topics: ["noun.unicorn"]) }
        do {
            _ = try WordNetCorpus.load(path: "/nonexistent/data.noun")
        } catch {
            #expect(String(describing: error) == "/nonexistent/data.noun: file not found; install with: sudo apt-get install wordnet-base")
        }
    }

    /// Writes `DIR/topic/<n>.txt` for each text of each topic.
    func writeCorpus(_ topics: [(String, [String])], in root: String) throws {
        for (topic, texts) in topics {
            try FileManager.default.createDirectory(atPath: root + "/" + topic, withIntermediateDirectories: true)
            for (index, text) in texts.enumerated() {
                _ = FileManager.default.createFile(atPath: "\(root)/\(topic)/\(index).txt", contents: Data(text.utf8))
            }
        }
    }

    @Test func folderCorpus() throws {
        let root = try makeTemporaryDirectory()
        try writeCorpus([("space", ["orbit rocket", "moon landing", "launch pad"]), ("hockey", ["puck goal", "ice rink", "slap shot"])], in: root)
        _ = FileManager.default.createFile(atPath: root + "/space/notes.md", contents: Data("ignored".utf8))
        let corpus = try FolderCorpus.load(directory: root)
        #expect(corpus.topicNames == ["hockey", "space"])
        #expect(corpus.documents == ["puck goal", "ice rink", "slap shot", "orbit rocket", "moon landing", "launch pad"])
        #expect(corpus.documentCountsPerTopic == [3, 3])
        #expect(corpus.skippedFiles.isEmpty && corpus.skippedFilesSummary == nil)

        let empty = try makeTemporaryDirectory()
        #expect(throws: DatasetError(path: empty, problem: "empty corpus: no topic folders (expected DIR/topic/*.txt)")) { try FolderCorpus.load(directory: empty) }
        #expect(throws: DatasetError(path: empty + "/missing", problem: "corpus directory not found")) { try FolderCorpus.load(directory: empty + "/missing") }
        try FileManager.default.createDirectory(atPath: empty + "/topic", withIntermediateDirectories: true)
        #expect(throws: DatasetError(path: empty + "/topic", problem: "empty topic folder: no .txt files")) { try FolderCorpus.load(directory: empty) }
    }

    @Test func corpusTooSmallToSplitIsRefusedNamingTheMinimums() throws {
        let minimums = "a corpus needs at least 2 topics (folders) with at least 3 text documents each"
        let one = try makeTemporaryDirectory()
        try writeCorpus([("space", ["orbit rocket", "moon landing", "launch pad", "comet tail"])], in: one)
        #expect(throws: DatasetError(path: one, problem: "only 1 topic (space); \(minimums)")) { try FolderCorpus.load(directory: one) }

        let few = try makeTemporaryDirectory()
        // "the 42" has no word (a stop word and digits), so hockey has two documents that count.
        try writeCorpus([("space", ["orbit rocket", "moon landing", "launch pad"]), ("hockey", ["puck goal", "ice rink", "the 42"])], in: few)
        #expect(throws: DatasetError(path: few, problem: "too few documents to split into training and test: hockey has 2; \(minimums) (a document needs at least one word)")) {
            try FolderCorpus.load(directory: few)
        }
    }

    @Test func filesThatAreNotTextAreSkippedAndCounted() throws {
        let root = try makeTemporaryDirectory()
        try writeCorpus([("space", ["orbit rocket", "moon landing", "launch pad"]), ("hockey", ["puck goal", "ice rink", "slap shot"])], in: root)
        let binary = root + "/hockey/random.txt", latin1 = root + "/space/latin1.txt"
        write([0x70, 0x75, 0x63, 0x6b, 0x00, 0x67, 0x6f, 0x61, 0x6c], to: binary)  // "puck\0goal"
        write([0x63, 0x61, 0x66, 0xe9], to: latin1)  // "café" in ISO 8859-1: not UTF-8
        let corpus = try FolderCorpus.load(directory: root)
        #expect(corpus.documentCountsPerTopic == [3, 3])
        #expect(corpus.skippedFiles == [binary, latin1])
        #expect(corpus.skippedFilesSummary == "skipped 2 of 8 files, not text (a NUL byte or invalid UTF-8): \(binary), \(latin1)")
        // Skipped files do not count towards the minimum, and the refusal says so.
        try FileManager.default.removeItem(atPath: root + "/space/2.txt")
        #expect(throws: DatasetError(path: root, problem: "too few documents to split into training and test: space has 2 after skipping 2 files that are not text; a corpus needs at least 2 topics (folders) with at least 3 text documents each (a document needs at least one word)")) {
            try FolderCorpus.load(directory: root)
        }
        let many = TextCorpus(topicNames: ["a"], documents: [], labels: [], skippedFiles: ["1", "2", "3", "4", "5"])
        #expect(many.skippedFilesSummary == "skipped 5 of 5 files, not text (a NUL byte or invalid UTF-8): 1, 2, 3 and 2 more")
    }

    @Test func hugeFilesAreRefusedWithTheirSizeBeforeReading() throws {
        let root = try makeTemporaryDirectory()
        try writeCorpus([("space", ["orbit rocket", "moon landing", "launch pad"]), ("hockey", ["puck goal", "ice rink", "slap shot"])], in: root)
        // 1 GiB, text at its start; a hole (no disk space) after. Refused by its size, so never read:
        // a reader that read it would have skipped it for its NUL bytes instead.
        let huge = root + "/space/dump.txt"
        try writeSparseFile(at: huge, size: 1 << 30, startingWith: "orbit rocket launch ")
        #expect(throws: DatasetError(path: huge, problem: "1073741824 bytes (1073.7 MB), too large for one document (the limit is 10000000 bytes (10.0 MB)); remove it from the corpus or split it")) {
            try FolderCorpus.load(directory: root)
        }
        let wordNet = root + "/data.noun"
        try writeSparseFile(at: wordNet, size: 1 << 30)
        #expect(throws: DatasetError(path: wordNet, problem: "1073741824 bytes (1073.7 MB), too large for a WordNet data file (WordNet 3.0's data.noun is 15.3 MB; the limit is 100000000 bytes (100.0 MB))")) {
            try WordNetCorpus.load(path: wordNet)
        }
    }
}
