// Exercise text.1: TF-IDF weighting of bag-of-words counts.
// Check with `make check-exercise E=text.1`.
import TensorEngine

/// Inverse document frequency of each vocabulary word, from a count matrix: with N documents (rows)
/// and df_w the number of rows whose count of word w (column w) is above 0,
///
///     idf_w = log(N / df_w)   (natural logarithm)
///
/// `counts` is [documents, vocabulary]; the result is [vocabulary]. Every column has df_w ≥ 1.
/// Values only.
public func inverseDocumentFrequency(counts: Tensor<Float>) throws -> Tensor<Float> {
    throw NotWrittenYet("inverseDocumentFrequency(counts:)", exercise: "text.1", file: "Text.swift")
}

/// TF-IDF features: each count times its word's idf, then each row divided by its Euclidean (L2)
/// norm,
///
///     x_dw = c_dw · idf_w / ‖c_d ⊙ idf‖₂
///
/// so that documents of different lengths become comparable by cosine. A row of zeros (a document
/// with no vocabulary word) stays zero. `counts` is [documents, vocabulary],
/// `inverseDocumentFrequency` is [vocabulary]; the result has the counts' shape. Values only.
public func tfidf(counts: Tensor<Float>,
                  inverseDocumentFrequency: Tensor<Float>) throws -> Tensor<Float> {
    throw NotWrittenYet("tfidf(counts:inverseDocumentFrequency:)",
                        exercise: "text.1", file: "Text.swift")
}
