import Foundation

/// How bag-of-words counts are turned into features.
public enum TextFeatureTransform: String, CaseIterable, Sendable {
    /// Raw counts `c[d][w]`.
    case counts
    /// `log(1 + c[d][w])` (natural logarithm).
    case logCounts
    /// `c[d][w] · log(N / df[w])`, each row then divided by its L2 norm (rows of zeros stay zero);
    /// `N` = documents the model was fitted on, `df[w]` = how many of them contain `w`.
    case tfidf
}

/// A vocabulary fitted on training documents, turning text into dense bag-of-words rows.
///
/// The vocabulary is the `vocabularySize` most frequent words over all fitted documents (total
/// occurrences, after tokenising), ties broken alphabetically, then listed in that order
/// (most frequent first), so column `j` is `vocabulary[j]`. Out-of-vocabulary words are ignored.
/// Inverse document frequency: `idf[w] = log(N / df[w])` (natural logarithm; every vocabulary
/// word occurs in at least one fitted document, so `df[w] ≥ 1`).
public struct BagOfWordsModel: Sendable {
    /// The tokeniser used for fitting and for every later document.
    public let tokenizer: Tokenizer
    /// The vocabulary, column order: most frequent first, ties alphabetical.
    public let vocabulary: [String]
    /// Column of each vocabulary word.
    public let columnOfWord: [String: Int]
    /// `log(N / df[w])` per column, from the fitted documents.
    public let inverseDocumentFrequency: [Float]
    /// Number of documents the model was fitted on (`N`).
    public let fittedDocumentCount: Int

    /// Number of columns.
    public var vocabularySize: Int { vocabulary.count }

    /// Fits the vocabulary and document frequencies on `documents` (normally the training split
    /// only). The default size, 2000, is Hinton & Salakhutdinov (2006)'s.
    public init(fitting documents: [String], vocabularySize: Int = 2000, tokenizer: Tokenizer = Tokenizer()) {
        self.tokenizer = tokenizer
        let tokenized = documents.map(tokenizer.tokens)
        var frequency: [String: Int] = [:]
        for tokens in tokenized { for token in tokens { frequency[token, default: 0] += 1 } }
        let ranked = frequency.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        vocabulary = ranked.prefix(vocabularySize).map(\.key)
        var columns: [String: Int] = [:]
        for (column, word) in vocabulary.enumerated() { columns[word] = column }
        columnOfWord = columns
        var documentFrequency = [Int](repeating: 0, count: vocabulary.count)
        for tokens in tokenized {
            for column in Set(tokens.compactMap { columns[$0] }) { documentFrequency[column] += 1 }
        }
        fittedDocumentCount = documents.count
        inverseDocumentFrequency = documentFrequency.map { frequency in
            frequency > 0 ? Float(Foundation.log(Double(documents.count) / Double(frequency))) : 0
        }
    }

    /// Raw counts, `documents.count × vocabularySize`, row-major.
    public func counts(_ documents: [String]) -> [Float] {
        var matrix = [Float](repeating: 0, count: documents.count * vocabularySize)
        for (row, document) in documents.enumerated() {
            for token in tokenizer.tokens(document) {
                if let column = columnOfWord[token] { matrix[row * vocabularySize + column] += 1 }
            }
        }
        return matrix
    }

    /// Features of `documents` under `transform`, `documents.count × vocabularySize`, row-major.
    public func features(_ documents: [String], transform: TextFeatureTransform) -> [Float] {
        apply(transform, toCounts: counts(documents))
    }

    /// Features of one query string (for `--query "a small furry animal that climbs trees"`),
    /// one row of `vocabularySize` values with the same vocabulary and transform.
    public func features(query: String, transform: TextFeatureTransform) -> [Float] {
        features([query], transform: transform)
    }

    /// Applies `transform` to a row-major count matrix with `vocabularySize` columns.
    public func apply(_ transform: TextFeatureTransform, toCounts counts: [Float]) -> [Float] {
        switch transform {
        case .counts:
            return counts
        case .logCounts:
            return counts.map { Float(Foundation.log1p(Double($0))) }
        case .tfidf:
            var result = counts
            let width = vocabularySize
            guard width > 0 else { return result }
            for row in 0..<(counts.count / width) {
                var squaredNorm: Float = 0
                for column in 0..<width {
                    let value = counts[row * width + column] * inverseDocumentFrequency[column]
                    result[row * width + column] = value
                    squaredNorm += value * value
                }
                if squaredNorm > 0 {
                    let scale = 1 / squaredNorm.squareRoot()
                    for column in 0..<width { result[row * width + column] *= scale }
                }
            }
            return result
        }
    }
}
