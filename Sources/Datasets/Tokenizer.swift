/// Splits text into lowercase words made of letters, dropping stop words and very short tokens.
///
/// Rules: ASCII letters `a–z` / `A–Z` form words (lowercased); every other character, including
/// digits, apostrophes, hyphens and non-ASCII letters, separates words. Words shorter than
/// `minimumLength` letters (default 2) and words in `stopWords` are dropped.
public struct Tokenizer: Sendable {
    /// Words dropped from every document (lowercase).
    public let stopWords: Set<String>
    /// Shortest word kept, in letters.
    public let minimumLength: Int

    /// Creates a tokeniser; by default with `Tokenizer.englishStopWords` and a minimum length of 2.
    public init(stopWords: Set<String> = Set(Tokenizer.englishStopWords), minimumLength: Int = 2) {
        self.stopWords = stopWords
        self.minimumLength = minimumLength
    }

    /// The words of `text`, in order, after lowercasing, splitting and filtering.
    public func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current: [UInt8] = []
        func flush() {
            if current.count >= minimumLength {
                let word = String(decoding: current, as: UTF8.self)
                if !stopWords.contains(word) { result.append(word) }
            }
            current.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): current.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): current.append(byte + 32)
            default: flush()
            }
        }
        flush()
        return result
    }

    /// A standard English stop-word list (the 179 words of NLTK's list, reduced to letters-only
    /// forms, so "don't" appears as "don" and "t"), sorted alphabetically, no duplicates.
    public static let englishStopWords: [String] = Array(Set([
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
        "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
        "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
        "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
        "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an",
        "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
        "for", "with", "about", "against", "between", "into", "through", "during", "before",
        "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over",
        "under", "again", "further", "then", "once", "here", "there", "when", "where", "why",
        "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no",
        "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will",
        "just", "don", "should", "now", "d", "ll", "m", "o", "re", "ve", "y", "ain", "aren",
        "couldn", "didn", "doesn", "hadn", "hasn", "haven", "isn", "ma", "mightn", "mustn",
        "needn", "shan", "shouldn", "wasn", "weren", "won", "wouldn",
    ])).sorted()
}
