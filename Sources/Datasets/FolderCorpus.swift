import Foundation

/// A folder-per-topic collection of `.txt` files (the 20 Newsgroups layout):
/// `DIR/topicA/*.txt`, `DIR/topicB/*.txt`, … given by `--corpus DIR`.
///
/// Topics are the sub-directory names sorted alphabetically (label = position); within a topic,
/// files are read in alphabetical order. Hidden entries and non-`.txt` files are ignored. A file
/// larger than `maximumDocumentByteCount` refuses the corpus (naming the file and its size); a
/// file that is not text — one holding a NUL byte, or bytes that are not valid UTF-8 — is skipped
/// and listed in the corpus's `skippedFiles`. A corpus too small to split into training and test
/// documents is refused before anything is trained on it (see `minimumTopicCount` and
/// `minimumDocumentsPerTopic`).
public enum FolderCorpus {
    /// The largest file read as one document: 10 MB. A long novel is 1–3 MB of text and a
    /// newsgroup post a few kB, so a larger `.txt` file is a dump or an archive, not a document.
    public static let maximumDocumentByteCount = 10_000_000

    /// The fewest topics a corpus may have: retrieval by topic needs two topics to tell apart.
    public static let minimumTopicCount = 2

    /// The fewest documents (text files with at least one word) a topic may have. The text chapter
    /// puts a rounded fifth of each topic's documents into its test split; a fifth of 3 rounds to
    /// 1, so three is the least that leaves each topic one test and two training documents.
    public static let minimumDocumentsPerTopic = 3

    /// Loads every topic folder of `directory`. Throws a one-line `DatasetError` when the directory
    /// is missing, has no topic folders, a topic folder has no `.txt` files, a file is larger than
    /// `maximumDocumentByteCount`, or the corpus has fewer than `minimumTopicCount` topics or a topic
    /// fewer than `minimumDocumentsPerTopic` documents.
    public static func load(directory: String) throws -> TextCorpus {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(path: directory, problem: "corpus directory not found")
        }
        let topics = try visibleEntries(of: directory).filter { entry in
            var isFolder: ObjCBool = false
            return fileManager.fileExists(atPath: join(directory, entry), isDirectory: &isFolder) && isFolder.boolValue
        }
        guard !topics.isEmpty else {
            throw DatasetError(path: directory, problem: "empty corpus: no topic folders (expected DIR/topic/*.txt)")
        }
        var documents: [String] = []
        var labels: [Int] = []
        var skipped: [String] = []
        for (label, topic) in topics.enumerated() {
            let folder = join(directory, topic)
            let files = try visibleEntries(of: folder).filter { $0.hasSuffix(".txt") }
            guard !files.isEmpty else {
                throw DatasetError(path: folder, problem: "empty topic folder: no .txt files")
            }
            for file in files {
                let path = join(folder, file)
                let data = try BoundedFile.read(atPath: path, maximumByteCount: maximumDocumentByteCount) { size in
                    "\(BoundedFile.describe(byteCount: size)), too large for one document (the limit is \(BoundedFile.describe(byteCount: maximumDocumentByteCount))); remove it from the corpus or split it"
                }
                guard !data.contains(0), let text = String(validating: data, as: UTF8.self) else {
                    skipped.append(path)
                    continue
                }
                documents.append(text)
                labels.append(label)
            }
        }
        let corpus = TextCorpus(topicNames: topics, documents: documents, labels: labels, skippedFiles: skipped)
        try checkSplittable(corpus, directory: directory)
        return corpus
    }

    /// Refuses a corpus with too few topics, or a topic with too few documents that have a word,
    /// naming both minimums.
    private static func checkSplittable(_ corpus: TextCorpus, directory: String) throws {
        let minimums = "a corpus needs at least \(minimumTopicCount) topics (folders) with at least \(minimumDocumentsPerTopic) text documents each"
        guard corpus.topicNames.count >= minimumTopicCount else {
            throw DatasetError(path: directory, problem: "only \(corpus.topicNames.count) topic (\(corpus.topicNames.joined(separator: ", "))); \(minimums)")
        }
        let tokenizer = Tokenizer()
        var withWords = [Int](repeating: 0, count: corpus.topicNames.count)
        for (document, label) in zip(corpus.documents, corpus.labels) where !tokenizer.tokens(document).isEmpty {
            withWords[label] += 1
        }
        let short = corpus.topicNames.indices.filter { withWords[$0] < minimumDocumentsPerTopic }
        guard short.isEmpty else {
            let counts = short.map { "\(corpus.topicNames[$0]) has \(withWords[$0])" }.joined(separator: ", ")
            let skippedNote = corpus.skippedFiles.isEmpty ? "" : " after skipping \(corpus.skippedFiles.count) files that are not text"
            throw DatasetError(path: directory, problem: "too few documents to split into training and test: \(counts)\(skippedNote); \(minimums) (a document needs at least one word)")
        }
    }

    /// Sorted names in `directory`, without hidden ones.
    private static func visibleEntries(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw DatasetError(path: directory, problem: "cannot list directory (\(error.localizedDescription))")
        }
    }
}
