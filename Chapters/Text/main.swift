// Chapter "text": a bag-of-words autoencoder maps documents by topic and retrieves them.
//
// Follows Hinton & Salakhutdinov (2006), "Reducing the dimensionality of data with neural networks",
// Science 313: documents as bags of the 2000 most frequent words, a 2000-500-250-125-k encoder, a
// softmax over the vocabulary as the output (their "constrained Poisson" / multinomial model), and the
// comparison with latent semantic analysis (Deerwester et al., 1990) by precision against the number
// of documents retrieved. Corpus: WordNet 3.0 noun glosses labelled by lexicographer file
// (Miller, 1995), or any folder with one sub-folder of .txt files per topic.
import ArgumentParser
import ChapterKit
import Datasets
import Figures
import Foundation
import TensorEngine

// MARK: Configuration

enum InputScaling: String, ExpressibleByArgument, CaseIterable {
    case logCounts = "log-counts", proportions
}

struct Options: ChapterOptions {
    static let summary = "A bag-of-words autoencoder maps and retrieves documents."
    static let defaultEpochs = 10
    @OptionGroup var common: CommonOptions
    @Option(help: "Folder with one sub-folder of .txt files per topic (default: WordNet noun glosses from /usr/share/wordnet/data.noun, 8 topics). The common --dataset and --data flags do not apply to this chapter.")
    var corpus: String?
    @Option(help: "Extra query: print the training documents nearest to this text.") var query: String?
    @Option(help: "Vocabulary size: the most frequent training words kept (at least 10).") var vocabularySize = 2000
    @Option(help: "Code size of the retrieval autoencoder (the map's is always 2).") var codeSize = 10
    @Option(help: "Encoder hidden layer sizes, comma separated (the decoder mirrors them).") var hiddenSizes = "500,250,125"
    @Option(help: "Encoder input: log-counts (log(1 + count)) or proportions (count / document length).")
    var input: InputScaling = .logCounts
    @Option(help: "Documents kept per topic (a seeded, class-balanced subset; 100 with --quick).") var documentsPerTopic = 1500
    @Option(help: "Adam learning rate.") var learningRate = 1e-3
    @Option(help: "Documents per mini-batch.") var batchSize = 32

    var hiddenLayerSizes: [Int] { hiddenSizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func check() throws {
        try require(vocabularySize >= 10, "--vocabulary-size must be at least 10, got \(vocabularySize)")
        try require(codeSize >= 1, "--code-size must be at least 1, got \(codeSize)")
        try require(documentsPerTopic >= 10, "--documents-per-topic must be at least 10, got \(documentsPerTopic)")
        try require(batchSize >= 1, "--batch-size must be at least 1, got \(batchSize)")
        try require(learningRate > 0 && learningRate < 1, "--learning-rate must lie in (0, 1), got \(learningRate)")
        let sizes = hiddenSizes.split(separator: ",", omittingEmptySubsequences: false)
        try require(!hiddenSizes.isEmpty && hiddenLayerSizes.count == sizes.count && hiddenLayerSizes.allSatisfy { $0 >= 1 },
                    "--hidden-sizes must be positive integers separated by commas, got \"\(hiddenSizes)\"")
    }
}

// MARK: Model

// ANCHOR: model
/// Encoder V → hidden… → k (linear code); decoder k → …hidden → V logits, one per vocabulary word:
/// the engine's mirrored `Autoencoder`, ReLU between layers.
func makeBagOfWordsAutoencoder(vocabularySize: Int, hiddenSizes: [Int], codeSize: Int, generator: SeededGenerator) -> Autoencoder {
    Autoencoder(sizes: [vocabularySize] + hiddenSizes + [codeSize], activation: .relu, generator: generator)
}

/// The encoder's input from raw counts: log(1 + c) or c / Σc.
func encoderInput(_ counts: Tensor<Float>, _ scaling: InputScaling) -> Tensor<Float> {
    switch scaling {
    case .logCounts: return log1p(counts)
    case .proportions: return counts / counts.sum(alongAxis: 1)
    }
}

/// Multinomial cross-entropy −Σ_w p_w log softmax(logits)_w with p = counts / Σcounts:
/// nats per word, summed over the vocabulary and averaged over the documents of the batch.
func reconstructionLoss(logits: Tensor<Float>, counts: Tensor<Float>) -> Tensor<Float> {
    softmaxCrossEntropy(logits: logits, labels: counts / counts.sum(alongAxis: 1), reduction: .batchMean)
}
// ANCHOR_END: model

// MARK: Retrieval

// ANCHOR: precision
/// Precision after retrieving k = 1…maximumK training documents by cosine similarity, averaged over
/// every test document as a query; "relevant" = same topic.
func precisionCurve(queries: Tensor<Float>, queryLabels: [Int], database: Tensor<Float>, databaseLabels: [Int],
                    maximumK: Int) -> [Double] {
    let neighbours = nearestNeighbours(of: queries, in: database, count: maximumK, metric: .cosine)
    return (1...maximumK).map { k in
        precisionAtK(neighbours: neighbours, queryLabels: queryLabels, databaseLabels: databaseLabels, k: k)
    }
}
// ANCHOR_END: precision

runChapter("text", options: Options.self) { options, run in
    // MARK: Data
    // ANCHOR: data
    let corpus: TextCorpus
    do {
        corpus = try options.corpus.map { try FolderCorpus.load(directory: $0) } ?? WordNetCorpus.load()
    } catch let error as DatasetError { throw ChapterError(error.description) }
    let perTopic = run.scaled(full: options.documentsPerTopic, quick: 100)
    var generator = run.generator  // the run's one generator (a reference)
    var kept: [Int] = []
    for topic in corpus.topicNames.indices {
        var members = corpus.labels.indices.filter { corpus.labels[$0] == topic }
        Batching.shuffle(&members, using: &generator)
        kept += members.prefix(perTopic)
    }
    kept.sort()
    let documents = kept.map { corpus.documents[$0] }, labels = kept.map { corpus.labels[$0] }
    let split = Batching.stratifiedSplit(labels: labels, testFraction: 0.2, using: &generator)
    let bagOfWords = BagOfWordsModel(fitting: split.train.map { documents[$0] }, vocabularySize: options.vocabularySize)
    let vocabularySize = bagOfWords.vocabularySize
    /// Raw counts of the documents at `indices`, dropping documents with no vocabulary word.
    func examples(_ indices: [Int]) -> (Examples, documents: [String]) {
        let counts = bagOfWords.counts(indices.map { documents[$0] })
        let nonEmpty = indices.indices.filter { row in counts[(row * vocabularySize)..<((row + 1) * vocabularySize)].contains { $0 > 0 } }
        let all = Examples(features: counts, featureCount: vocabularySize, labels: indices.map { labels[$0] })
        return (all.selecting(nonEmpty), nonEmpty.map { documents[indices[$0]] })
    }
    let (train, trainDocuments) = examples(split.train)
    let (test, _) = examples(split.test)
    // ANCHOR_END: data
    guard train.count >= 2, test.count >= 1 else { throw ChapterError("\(options.corpus ?? WordNetCorpus.defaultPath): only \(train.count) training and \(test.count) test documents have a word of the \(vocabularySize)-word training vocabulary; the chapter needs at least 2 and 1") }
    let topics = corpus.topicNames
    run.log("\(options.corpus ?? "WordNet nouns"): \(topics.count) topics, \(train.count) training and \(test.count) test documents, vocabulary \(vocabularySize) (first: \(bagOfWords.vocabulary.prefix(8).joined(separator: ", ")))")
    if let skipped = corpus.skippedFilesSummary { run.log(skipped) }
    run.record("training_documents", Double(train.count))
    run.record("test_documents", Double(test.count))
    run.record("vocabulary_size", Double(vocabularySize))
    run.record("topics", Double(topics.count))
    let topicShares = (0..<topics.count).map { topic in Double(train.labels.filter { $0 == topic }.count) / Double(train.count) }
    // A random ranking's precision: the chance that a random training document shares the query's topic.
    var chance = 0.0
    for label in test.labels { chance += topicShares[label] / Double(test.count) }
    run.record("precision_chance", chance)
    // Unigram baseline: every document predicted by the training word frequencies.
    let unigram = withoutGradients { log(train.matrix.sum(alongAxis: 0) + 1) }
    let unigramLogits = withoutGradients { unigram - unigram.max() }
    run.record("unigram_test_loss", averageOverBatches(test) { batch in
        let logits = withoutGradients { Tensor<Float>(zeros: batch.inputs.shape) + unigramLogits }
        return Double(reconstructionLoss(logits: logits, counts: batch.inputs).scalarValue)
    })

    // MARK: Training
    let epochs = run.epochs()
    // ANCHOR: training
    func trainAutoencoder(codeSize: Int, name: String) throws -> Autoencoder {
        let model = makeBagOfWordsAutoencoder(vocabularySize: vocabularySize, hiddenSizes: options.hiddenLayerSizes,
                                          codeSize: codeSize, generator: run.generator)
        var optimizer = Adam(parameters: model.parameters, learningRate: Float(options.learningRate))
        try run.train(name, epochs: epochs, data: train, batchSize: options.batchSize) { batch in
            optimizer.zeroGradients()
            let loss = reconstructionLoss(logits: model(encoderInput(batch.inputs, options.input)).logits, counts: batch.inputs)
            loss.backward()
            optimizer.step()
            return Double(loss.scalarValue)
        } afterEpoch: { _ in
            ["test_loss": averageOverBatches(test) {
                Double(reconstructionLoss(logits: model(encoderInput($0.inputs, options.input)).logits, counts: $0.inputs).scalarValue)
            }]
        }
        return model
    }
    let map = try trainAutoencoder(codeSize: 2, name: "AE-2 (map)")
    let retrieval = try trainAutoencoder(codeSize: options.codeSize, name: "AE-\(options.codeSize) (retrieval)")
    // ANCHOR_END: training
    func codes(_ model: Autoencoder, _ examples: Examples) -> Tensor<Float> {
        mapOverBatches(examples) { model(encoderInput($0, options.input)).code }
    }
    func testLoss(_ model: Autoencoder) -> Double {
        averageOverBatches(test) { Double(reconstructionLoss(logits: model(encoderInput($0.inputs, options.input)).logits, counts: $0.inputs).scalarValue) }
    }
    run.record("test_loss", testLoss(retrieval))
    run.record("test_perplexity", exp(testLoss(retrieval)))
    run.record("test_loss_map", testLoss(map))
    try run.saveCheckpoint(retrieval.namedParameters, name: "autoencoder",
                           architecture: "bag-of-words autoencoder \(([vocabularySize] + options.hiddenLayerSizes + [options.codeSize]).map(String.init).joined(separator: "-")), ReLU, linear code, softmax output")

    // MARK: LSA baseline
    // ANCHOR: lsa
    // Truncated SVD of the TF-IDF training matrix X [documents, V]: its right singular vectors, largest
    // first, are the eigenvectors of XᵀX [V, V] (eigenvalues ascending, so read from the end). With
    // fewer documents than words (--quick) the thin SVD of X itself is cheaper. A document's LSA code
    // is its TF-IDF row times the top k right singular vectors (= U S for training rows).
    let trainTFIDF = Tensor(shape: [train.count, vocabularySize], scalars: bagOfWords.apply(.tfidf, toCounts: train.features))
    let testTFIDF = Tensor(shape: [test.count, vocabularySize], scalars: bagOfWords.apply(.tfidf, toCounts: test.features))
    let singularVectors: Tensor<Float>  // [r, V], rows in order of decreasing singular value
    if train.count < vocabularySize {
        singularVectors = try singularValueDecomposition(trainTFIDF).vTransposed
    } else {
        let eigenvectors = try symmetricEigendecomposition(matmul(trainTFIDF, trainTFIDF, transposeA: true)).eigenvectors
        singularVectors = eigenvectors.gatheringRows(Array((0..<vocabularySize).reversed()))
    }
    func lsaCodes(_ tfidf: Tensor<Float>, dimensions: Int) -> Tensor<Float> {
        matmul(tfidf, singularVectors.rows(0..<min(dimensions, singularVectors.rowCount)), transposeB: true)
    }
    // ANCHOR_END: lsa

    // MARK: Figures
    // Points in a seeded random order: drawn in topic order, the last topic would cover the others.
    let order = Batching.shuffledIndices(count: test.count, using: &generator)
    let mapCodes = codes(map, test).rowArrays, lsaMap = lsaCodes(testTFIDF, dimensions: 2).rowArrays
    let shownLabels = order.map { test.labels[$0] }
    try SmallMultiples(title: "Test documents in two dimensions", panels: [
        ScatterPlot(title: "autoencoder (AE-2)", xLabel: "code 1", yLabel: "code 2",
                    x: order.map { mapCodes[$0][0] }, y: order.map { mapCodes[$0][1] }, classes: shownLabels, classNames: topics),
        ScatterPlot(title: "LSA (truncated SVD of TF-IDF)", xLabel: "component 1", yLabel: "component 2",
                    x: order.map { lsaMap[$0][0] }, y: order.map { lsaMap[$0][1] }, classes: shownLabels, classNames: topics),
    ], sharesAxes: false).write(to: run.figure("maps"), width: 1100, height: 480)

    let maximumK = min(50, train.count)
    let methods: [(name: String, key: String, queries: Tensor<Float>, database: Tensor<Float>)] = [
        ("AE-\(options.codeSize)", "codes", codes(retrieval, test), codes(retrieval, train)),
        ("AE-2", "codes_2d", codes(map, test), codes(map, train)),
        ("LSA-2", "lsa_2", lsaCodes(testTFIDF, dimensions: 2), lsaCodes(trainTFIDF, dimensions: 2)),
        ("LSA-10", "lsa_10", lsaCodes(testTFIDF, dimensions: 10), lsaCodes(trainTFIDF, dimensions: 10)),
        ("LSA-50", "lsa_50", lsaCodes(testTFIDF, dimensions: 50), lsaCodes(trainTFIDF, dimensions: 50)),
        ("TF-IDF (\(vocabularySize) words)", "tfidf", testTFIDF, trainTFIDF),
    ]
    var series: [LineSeries] = []
    for method in methods {
        let curve = precisionCurve(queries: method.queries, queryLabels: test.labels, database: method.database,
                                   databaseLabels: train.labels, maximumK: maximumK)
        run.record("precision_at_1_\(method.key)", curve[0])
        run.record("precision_at_10_\(method.key)", curve[min(9, maximumK - 1)])
        run.record("precision_at_50_\(method.key)", curve[maximumK - 1])
        run.log("\(method.name): precision@1 \(String(format: "%.3f", curve[0])), @10 \(String(format: "%.3f", curve[min(9, maximumK - 1)]))")
        series.append(LineSeries(name: method.name, x: (1...maximumK).map(Double.init), y: curve,
                                 dashed: method.key.hasPrefix("lsa") || method.key == "tfidf"))
    }
    try LinePlot(title: "Retrieval of same-topic training documents", xLabel: "documents retrieved",
                 yLabel: "precision", series: series, legendPlacement: .outsideRight,
                 referenceLines: [.horizontal(chance, label: "chance")])
        .write(to: run.figure("precision"), width: 1000, height: 520)

    // MARK: Queries
    // ANCHOR: query
    let trainCodes = unitLengthRows(codes(retrieval, train))
    func nearestDocuments(to text: String, count: Int = 5) -> String {
        let counts = Tensor(shape: [1, vocabularySize], scalars: bagOfWords.features(query: text, transform: .counts))
        guard counts.scalars.contains(where: { $0 > 0 }) else { return "(no word of the query is in the vocabulary)" }
        let code = unitLengthRows(withoutGradients { retrieval(encoderInput(counts, options.input)).code })
        let similarity = withoutGradients { matmul(code, trainCodes, transposeB: true) }
        let best = nearestNeighbours(of: code, in: trainCodes, count: count, metric: .cosine)[0]
        let known = bagOfWords.tokenizer.tokens(text).filter { bagOfWords.columnOfWord[$0] != nil }
        return "vocabulary words: \(known.joined(separator: ", "))\n\n" + best.map { index in
            let gloss = trainDocuments[index].split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let shown = gloss.count > 90 ? gloss.prefix(87) + "…" : Substring(gloss)
            return "- `\(topics[train.labels[index]])` (\(String(format: "%.2f", similarity.scalars[index]))) \(shown)"
        }.joined(separator: "\n")
    }
    // ANCHOR_END: query
    let fixedQueries = ["a small furry animal that climbs trees", "a sweet cake baked in an oven", "a tool for cutting wood"]
    for (number, text) in fixedQueries.enumerated() {
        let answer = nearestDocuments(to: text)
        run.record(text: "query_\(number + 1)", "**\"\(text)\"**\n\n\(answer)")
        run.log("query \"\(text)\":\n\(answer)")
    }
    if let query = options.query {
        let answer = nearestDocuments(to: query)
        run.record(text: "query_user", "**\"\(query)\"**\n\n\(answer)")
        run.log("query \"\(query)\":\n\(answer)")
    }
}
