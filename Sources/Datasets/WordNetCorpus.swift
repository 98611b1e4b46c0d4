import Foundation

/// A labelled collection of text documents: the input to `BagOfWordsModel`.
public struct TextCorpus: Sendable {
    /// Topic names, indexed by label.
    public let topicNames: [String]
    /// The documents' text.
    public let documents: [String]
    /// One topic index per document.
    public let labels: [Int]
    /// Files left out because they are not text (a NUL byte, or bytes that are not UTF-8).
    public let skippedFiles: [String]

    /// Creates a corpus; `labels` must have one entry per document, each below `topicNames.count`.
    public init(topicNames: [String], documents: [String], labels: [Int], skippedFiles: [String] = []) {
        self.topicNames = topicNames
        self.documents = documents
        self.labels = labels
        self.skippedFiles = skippedFiles
    }

    /// One line for the log when files were skipped, naming up to three of them; `nil` otherwise.
    public var skippedFilesSummary: String? {
        guard !skippedFiles.isEmpty else { return nil }
        let shown = skippedFiles.prefix(3).joined(separator: ", ")
        let more = skippedFiles.count > 3 ? " and \(skippedFiles.count - 3) more" : ""
        return "skipped \(skippedFiles.count) of \(skippedFiles.count + documents.count) files, not text (a NUL byte or invalid UTF-8): \(shown)\(more)"
    }

    /// Number of documents per topic, indexed by label.
    public var documentCountsPerTopic: [Int] {
        var counts = [Int](repeating: 0, count: topicNames.count)
        for label in labels { counts[label] += 1 }
        return counts
    }
}

/// WordNet 3.0 noun synsets as a topic-labelled corpus: one document per synset, labelled by its
/// lexicographer file (the two-digit `lex_filenum` field of `data.noun`).
///
/// Document text: the synset's words (underscores replaced by spaces), a space, then the gloss
/// definition — the text after `| ` with the example sentences (the double-quoted parts) removed,
/// because examples often repeat the headword in unrelated contexts. License header lines (those
/// starting with two spaces) are skipped.
///
/// Default topics (8): noun.animal (05), noun.artifact (06), noun.body (08), noun.food (13),
/// noun.location (15), noun.person (18), noun.plant (20), noun.substance (27). In WordNet 3.0's
/// `data.noun` (Debian `wordnet-base`) these hold 7509, 11587, 2016, 2573, 3209, 11087, 8030 and
/// 2983 synsets (48 994 documents).
public enum WordNetCorpus {
    /// Where Debian's `wordnet-base` installs the noun data file.
    public static let defaultPath = "/usr/share/wordnet/data.noun"

    /// The largest data file read: 100 MB, over six times WordNet 3.0's `data.noun` (15.3 MB).
    public static let maximumFileByteCount = 100_000_000

    /// WordNet's lexicographer file names, indexed by `lex_filenum` (from WordNet's `lexnames(5WN)`).
    public static let lexicographerFileNames: [String] = [
        "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
        "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event",
        "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object",
        "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process",
        "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
        "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition",
        "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
        "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
    ]

    /// The eight default topics, in label order: noun.animal, noun.artifact, noun.body, noun.food,
    /// noun.location, noun.person, noun.plant, noun.substance.
    public static let defaultTopics = [
        "noun.animal", "noun.artifact", "noun.body", "noun.food",
        "noun.location", "noun.person", "noun.plant", "noun.substance",
    ]

    /// Reads `path` and returns the synsets whose lexicographer file is in `topics` (label =
    /// position in `topics`), in file order. `maximumPerTopic` keeps only the first N synsets of
    /// each topic (deterministic). Throws a one-line `DatasetError` when the file is missing or
    /// larger than `maximumFileByteCount`, a topic name is unknown, a line is malformed, or no
    /// document matches.
    public static func load(path: String = defaultPath, topics: [String] = defaultTopics, maximumPerTopic: Int? = nil) throws -> TextCorpus {
        var labelOfFile = [Int](repeating: -1, count: lexicographerFileNames.count)
        for (label, topic) in topics.enumerated() {
            guard let number = lexicographerFileNames.firstIndex(of: topic) else {
                throw DatasetError(path: path, problem: "unknown WordNet topic \(topic) (expected a lexicographer file name such as noun.animal)")
            }
            labelOfFile[number] = label
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatasetError(path: path, problem: "file not found; install with: sudo apt-get install wordnet-base")
        }
        let data = try BoundedFile.read(atPath: path, maximumByteCount: maximumFileByteCount) { size in
            "\(BoundedFile.describe(byteCount: size)), too large for a WordNet data file (WordNet 3.0's data.noun is 15.3 MB; the limit is \(BoundedFile.describe(byteCount: maximumFileByteCount)))"
        }
        var documents: [String] = []
        var labels: [Int] = []
        var perTopic = [Int](repeating: 0, count: topics.count)
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty || line.starts(with: [0x20, 0x20]) { continue }
            let fields = line.prefix(while: { $0 != UInt8(ascii: "|") }).split(separator: 0x20)
            // synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id ...] p_cnt ...
            guard fields.count >= 4, let fileNumber = Int(String(decoding: fields[1], as: UTF8.self)),
                  fileNumber >= 0, fileNumber < labelOfFile.count,
                  let wordCount = Int(String(decoding: fields[3], as: UTF8.self), radix: 16),
                  fields.count >= 4 + 2 * wordCount
            else {
                throw DatasetError(path: path, problem: "malformed synset on line \(lineNumber)")
            }
            let label = labelOfFile[fileNumber]
            guard label >= 0 else { continue }
            if let maximumPerTopic, perTopic[label] >= maximumPerTopic { continue }
            let words = (0..<wordCount).map { String(decoding: fields[4 + 2 * $0], as: UTF8.self).replacingOccurrences(of: "_", with: " ") }
            var gloss = ""
            if let bar = line.firstIndex(of: UInt8(ascii: "|")) {
                gloss = removingQuotedExamples(String(decoding: line[(bar + 1)...], as: UTF8.self))
            }
            documents.append(words.joined(separator: " ") + " " + gloss)
            labels.append(label)
            perTopic[label] += 1
        }
        guard !documents.isEmpty else {
            throw DatasetError(path: path, problem: "no synsets found for topics \(topics.joined(separator: ", "))")
        }
        return TextCorpus(topicNames: topics, documents: documents, labels: labels)
    }

    /// `gloss` without its double-quoted example sentences, trimmed of spaces and semicolons.
    static func removingQuotedExamples(_ gloss: String) -> String {
        var result = ""
        var insideQuotes = false
        for character in gloss {
            if character == "\"" { insideQuotes.toggle(); continue }
            if !insideQuotes { result.append(character) }
        }
        return result.trimmingCharacters(in: CharacterSet(charactersIn: " ;"))
    }
}
