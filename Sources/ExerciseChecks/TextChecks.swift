import Datasets
import TensorEngine

/// text.1: idf and TF-IDF against the Datasets library's `BagOfWordsModel`, fitted on a small corpus
/// that includes a document without any vocabulary word.
func checkText(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "text.1")
    let documents = [
        "the cat sat on the mat with another cat", "a dog chased the cat around the garden",
        "dogs and cats make friendly pets", "the garden has roses and tulips and roses",
        "quantum physics describes small particles", "particles collide in large accelerators",
        "the and a of", "physics of cats: a quantum garden",
    ]
    let model = BagOfWordsModel(fitting: documents, vocabularySize: 12)
    let width = model.vocabularySize
    let counts = Tensor<Float>(shape: [documents.count, width], scalars: model.counts(documents))
    let idf = Tensor<Float>(shape: [width], scalars: model.inverseDocumentFrequency)
    let expectedIDF = asDouble(idf)
    let rawWeighted = asDouble(counts * idf)
    recorder.compareValues("inverseDocumentFrequency: values vs the fitted BagOfWordsModel", tolerance: 1e-6, mistakes: [
        KnownMistake(-expectedIDF, "the sign is flipped: log(N / df), not log(df / N)"),
    ]) {
        (asDouble(try implementation.inverseDocumentFrequency(counts)), expectedIDF)
    }
    recorder.compareValues("tfidf: values vs BagOfWordsModel.apply(.tfidf), 8 documents, one without vocabulary words",
                           tolerance: 1e-6, mistakes: [
        KnownMistake(rawWeighted, "the rows are not normalised: divide each row by its L2 norm"),
    ]) {
        let expected = Tensor<Float>(shape: counts.shape, scalars: model.apply(.tfidf, toCounts: counts.scalars))
        return (asDouble(try implementation.tfidf(counts, idf)), asDouble(expected))
    }
    return recorder.results
}
