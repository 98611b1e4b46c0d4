// Solution of exercise text.1 (the task: Sources/Exercises/Text.swift).
import Foundation
import TensorEngine

// ANCHOR: solution
/// Solution of text.1: log(N / df_w), df_w counted over the rows.
public func inverseDocumentFrequency(counts: Tensor<Float>) throws -> Tensor<Float> {
    let (documents, words) = (counts.shape[0], counts.shape[1])
    let values = counts.scalars
    let idf = (0..<words).map { word -> Float in
        let documentFrequency = (0..<documents).filter { values[$0 * words + word] > 0 }.count
        return Float(Foundation.log(Double(documents) / Double(documentFrequency)))
    }
    return Tensor(shape: [words], scalars: idf)
}

/// Solution of text.1: c ⊙ idf, each non-zero row divided by its L2 norm.
public func tfidf(counts: Tensor<Float>,
                  inverseDocumentFrequency: Tensor<Float>) throws -> Tensor<Float> {
    let weighted = counts * inverseDocumentFrequency
    let norms = sqrt(square(weighted).sum(alongAxis: 1)).reshaped(to: [counts.shape[0], 1])
    // A zero row is divided by 1 instead of 0, and stays zero.
    return weighted / Tensor(shape: norms.shape, scalars: norms.scalars.map { $0 == 0 ? 1 : $0 })
}
// ANCHOR_END: solution
