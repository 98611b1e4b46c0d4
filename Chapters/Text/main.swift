// Chapter "text": a bag-of-words autoencoder maps documents by topic and retrieves them.
//
// Follows Hinton & Salakhutdinov (2006), "Reducing the dimensionality of data with neural
// networks", Science 313: documents as bags of the 2000 most frequent words, a 2000-500-250-125-k
// encoder, a softmax over the vocabulary as the output (their "constrained Poisson" / multinomial
// model), and the comparison with latent semantic analysis (Deerwester et al., 1990) by precision
// against the number of documents retrieved. Corpus: WordNet 3.0 noun glosses labelled by
// lexicographer file (Miller, 1995), or any folder with one sub-folder of .txt files per topic.
import ArgumentParser
import ChapterKit
import Datasets
import Figures
import Foundation
import TensorEngine

enum InputScaling: String, ExpressibleByArgument, CaseIterable {
    case logCounts = "log-counts", proportions
}

struct Options: ChapterOptions {
    static let summary = "A bag-of-words autoencoder maps and retrieves documents."
    static let defaultEpochs = 10
    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("Folder with one sub-folder of .txt files per topic (default: "
            + "WordNet noun glosses from /usr/share/wordnet/data.noun, 8 topics). --dataset and "
            + "--data do not apply."))
    var corpus: String?
    @Option(help: "Extra query: print the training documents nearest to this text.")
    var query: String?
    @Option(help: "Vocabulary size: the most frequent training words kept (at least 10).")
    var vocabularySize = 2000
    @Option(help: "Code size of the retrieval autoencoder (the map's is always 2).")
    var codeSize = 10
    @Option(help: "Encoder hidden layer sizes, comma separated (the decoder mirrors them).")
    var hiddenSizes = "500,250,125"
    @Option(help: "Encoder input: log-counts (log(1 + count)) or proportions (count / length).")
    var input: InputScaling = .logCounts
    @Option(help: "Documents kept per topic (a seeded, class-balanced subset; 100 with --quick).")
    var documentsPerTopic = 1500
    @Option(help: "Times the retrieval autoencoder is trained, from different random starts.")
    var retrievalRuns = 2
    @Option(help: "Adam learning rate.") var learningRate = 1e-3
    @Option(help: "Documents per mini-batch.") var batchSize = 32

    var hiddenLayerSizes: [Int] {
        hiddenSizes.split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func check() throws {
        try requireInRange(vocabularySize, 10...1_000_000, flag: "--vocabulary-size")
        try requireInRange(codeSize, 1...10_000, flag: "--code-size")
        try requireInRange(documentsPerTopic, 10...10_000_000, flag: "--documents-per-topic")
        try requireInRange(retrievalRuns, 1...10, flag: "--retrieval-runs")
        try requireInRange(batchSize, 1...1_000_000, flag: "--batch-size")
        try require(learningRate > 0 && learningRate < 1,
                    "--learning-rate must lie in (0, 1), got \(learningRate)")
        let parts = hiddenSizes.split(separator: ",", omittingEmptySubsequences: false)
        try require(hiddenLayerSizes.count == parts.count
                        && hiddenLayerSizes.allSatisfy { $0 >= 1 },
                    "--hidden-sizes must be positive integers separated by commas, got "
                        + "\"\(hiddenSizes)\"")
    }
}

// ANCHOR: model
/// Encoder V → hidden… → k (linear code); decoder k → …hidden → V logits, one per
/// vocabulary word: the engine's mirrored `Autoencoder`, ReLU between layers.
func makeBagOfWordsAutoencoder(vocabularySize: Int, hiddenSizes: [Int], codeSize: Int,
                               generator: SeededGenerator) -> Autoencoder {
    Autoencoder(sizes: [vocabularySize] + hiddenSizes + [codeSize], activation: .relu,
                generator: generator)
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
    softmaxCrossEntropy(logits: logits, labels: counts / counts.sum(alongAxis: 1))
}
// ANCHOR_END: model

// ANCHOR: training
/// Adam on the multinomial loss; the test loss per word is logged after every epoch.
func trainAutoencoder(_ name: String, codeSize: Int, options: Options, data: DocumentSplit,
                      run: ChapterRun) throws -> Autoencoder {
    let model = makeBagOfWordsAutoencoder(
        vocabularySize: data.bagOfWords.vocabularySize, hiddenSizes: options.hiddenLayerSizes,
        codeSize: codeSize, generator: run.generator)
    var optimizer = Adam(parameters: model.parameters, learningRate: Float(options.learningRate))
    let batchSize = options.batchSize
    try run.train(name, epochs: run.epochs(), data: data.train, batchSize: batchSize) { batch in
        optimizer.minimize {
            reconstructionLoss(logits: model(encoderInput(batch.inputs, options.input)).logits,
                               counts: batch.inputs)
        }
    } afterEpoch: { _ in
        ["test_loss": lossPerWord(data.test) { model(encoderInput($0, options.input)).logits }]
    }
    return model
}
// ANCHOR_END: training

/// The codes of every example, [n, k].
func codes(_ model: Autoencoder, _ examples: Examples, _ scaling: InputScaling) -> Tensor<Float> {
    mapOverBatches(examples) { model(encoderInput($0, scaling)).code }
}

// ANCHOR: query
/// A search engine over the training documents: their codes minus `centre`, at unit length.
struct DocumentIndex {
    let model: Autoencoder, data: DocumentSplit, scaling: InputScaling, topics: [String]
    let centre: Tensor<Float>, unitCodes: Tensor<Float>

    /// The `count` training documents most similar to `text`, with topic and cosine similarity.
    func nearest(to text: String, count: Int = 5) -> String {
        let bagOfWords = data.bagOfWords
        let counts = Tensor(shape: [1, bagOfWords.vocabularySize],
                            scalars: bagOfWords.features(query: text, transform: .counts))
        guard counts.scalars.contains(where: { $0 > 0 }) else {
            return "(no word of the query is in the vocabulary)"
        }
        let similarity = withoutGradients {
            let code = unitLengthRows(model(encoderInput(counts, scaling)).code - centre)
            return matmul(code, unitCodes, transposeB: true).scalars  // one cosine per document
        }
        let best = similarity.indices.sorted {
            similarity[$0] != similarity[$1] ? similarity[$0] > similarity[$1] : $0 < $1
        }.prefix(count)
        let known = bagOfWords.tokenizer.tokens(text).filter { bagOfWords.columnOfWord[$0] != nil }
        return "vocabulary words: \(known.joined(separator: ", "))\n\n" + best.map { index in
            let gloss = data.trainDocuments[index].split(whereSeparator: \.isWhitespace)
                .joined(separator: " ")
            let shown = gloss.count > 90 ? gloss.prefix(87) + "…" : Substring(gloss)
            let score = String(format: "%.2f", similarity[index])
            return "- `\(topics[data.train.labels[index]])` (\(score)) \(shown)"
        }.joined(separator: "\n")
    }
}
// ANCHOR_END: query

/// The 2-D maps, points in a seeded random order (drawn in topic order, the last topic would
/// cover the others); a panel with `outside` > 0 shows only the central quantiles of each axis.
func writeMaps(_ maps: [(title: String, points: Tensor<Float>, outside: Double)], test: Examples,
               topics: [String], run: ChapterRun) throws {
    let order = run.generator.shuffledIndices(test.count)
    let panels = maps.map { title, points, outside -> ScatterPlot in
        let rows = points.rowArrays
        let (x, y) = (order.map { Double(rows[$0][0]) }, order.map { Double(rows[$0][1]) })
        var plot = ScatterPlot(title: title, x: x, y: y, classes: order.map { test.labels[$0] },
                               classNames: topics)
        guard outside > 0 else { return plot }
        let xRange = quantileRange(x, outside: outside), yRange = quantileRange(y, outside: outside)
        (plot.xAxis.range, plot.yAxis.range) = (xRange, yRange)
        let hidden = zip(x, y).filter { !xRange.contains($0) || !yRange.contains($1) }.count
        run.record("map_points_outside", Double(hidden) / Double(x.count))
        return plot
    }
    try SmallMultiples(title: "Test documents in two dimensions", xLabel: "coordinate 1",
                       yLabel: "coordinate 2", panels: panels, sharesAxes: false)
        .write(to: run.figure("maps"), width: 1500, height: 500)
}

/// One retrieval method: its name in the figure, its key in metrics.json, and its codes.
struct RetrievalMethod {
    let name: String, key: String, queries: Tensor<Float>, database: Tensor<Float>
}

/// Records precision@1, 10 and 50 of every method, with centred and with raw codes, and returns
/// the precision curves by key (`_uncentred` for raw codes).
func recordPrecision(_ methods: [RetrievalMethod], data: DocumentSplit, maximumK: Int,
                     run: ChapterRun) -> [String: [Double]] {
    var curves: [String: [Double]] = [:]
    for method in methods {
        for centred in [true, false] {
            let key = method.key + (centred ? "" : "_uncentred")
            let curve = precisionCurve(queries: method.queries, database: method.database,
                                       queryLabels: data.test.labels,
                                       databaseLabels: data.train.labels, maximumK: maximumK,
                                       centred: centred)
            curves[key] = curve
            for k in [1, 10, 50] {
                run.record("precision_at_\(k)_\(key)", curve[min(k, maximumK) - 1])
            }
        }
    }
    return curves
}

runChapter("text", options: Options.self) { options, run in
    let corpus: TextCorpus
    do {
        corpus = try options.corpus.map { try FolderCorpus.load(directory: $0) }
            ?? WordNetCorpus.load()
    } catch let error as DatasetError { throw ChapterError(error.description) }
    let perTopic = run.scaled(full: options.documentsPerTopic, quick: 100)
    let data = DocumentSplit(corpus, perTopic: perTopic, vocabularySize: options.vocabularySize,
                             generator: run.generator)
    let (train, test, topics) = (data.train, data.test, corpus.topicNames)
    let vocabularySize = data.bagOfWords.vocabularySize
    let source = options.corpus ?? WordNetCorpus.defaultPath
    guard train.count >= 2, test.count >= 1 else {
        throw ChapterError("\(source): only \(train.count) training and \(test.count) test "
            + "documents have a word of the \(vocabularySize)-word vocabulary; the chapter needs "
            + "at least 2 and 1")
    }
    run.datasetName = options.corpus.map { "text corpus \($0)" } ?? "WordNet 3.0 noun glosses"
    let firstWords = data.bagOfWords.vocabulary.prefix(8).joined(separator: ", ")
    run.log("\(source): \(topics.count) topics, \(train.count) training and \(test.count) test "
            + "documents, vocabulary \(vocabularySize) (first: \(firstWords))")
    if let skipped = corpus.skippedFilesSummary { run.log(skipped) }
    let counts = [("training_documents", train.count), ("test_documents", test.count),
                  ("vocabulary_size", vocabularySize), ("topics", topics.count)]
    for (key, value) in counts { run.record(key, Double(value)) }
    let testWords = test.features.reduce(0) { $0 + Double($1) }
    run.record("words_per_test_document", testWords / Double(test.count))
    // A random ranking's precision: the chance that a random training document shares the topic.
    let shares = topics.indices.map { topic in Double(train.labels.filter { $0 == topic }.count) }
    let chance = test.labels.reduce(0) { $0 + shares[$1] / Double(train.count) }
        / Double(test.count)
    run.record("precision_chance", chance)
    // Unigram baseline: every document predicted by the training word frequencies.
    let unigram = withoutGradients { log(train.matrix.sum(alongAxis: 0) + 1) }
    run.record("unigram_test_loss", lossPerWord(test) { Tensor(zeros: $0.shape) + unigram })

    // The autoencoders: one with a 2-number code for the map, and the retrieval model, trained
    // `--retrieval-runs` times from different random starts to see how much its precision varies.
    let map = try trainAutoencoder("AE-2 (map)", codeSize: 2, options: options, data: data,
                                   run: run)
    let retrievalModels = try (1...options.retrievalRuns).map { number in
        try trainAutoencoder("AE-\(options.codeSize) (retrieval, training \(number))",
                             codeSize: options.codeSize, options: options, data: data, run: run)
    }
    let retrieval = retrievalModels[0]
    let testLoss = lossPerWord(test) { retrieval(encoderInput($0, options.input)).logits }
    run.record("test_loss", testLoss)
    run.record("test_perplexity", exp(testLoss))
    run.record("test_loss_map", lossPerWord(test) { map(encoderInput($0, options.input)).logits })
    let sizes = [vocabularySize] + options.hiddenLayerSizes + [options.codeSize]
    try run.saveCheckpoint(retrieval.namedParameters, name: "autoencoder",
        architecture: "bag-of-words autoencoder "
            + "\(sizes.map(String.init).joined(separator: "-")), ReLU, softmax output")

    // ANCHOR: lsa
    // LSA: the top right singular vectors of the TF-IDF training matrix (no centring).
    func tfidf(_ examples: Examples) -> Tensor<Float> {
        Tensor(shape: [examples.count, vocabularySize],
               scalars: data.bagOfWords.apply(.tfidf, toCounts: examples.features))
    }
    let (trainTFIDF, testTFIDF) = (tfidf(train), tfidf(test))
    let lsa = try TruncatedSingularValueDecomposition(
        fitting: trainTFIDF, componentCount: min(50, train.count, vocabularySize))
    // ANCHOR_END: lsa

    // Figure: the 2-D maps; the middle panel zooms in on the central 90 % of each axis.
    let mapCodes = codes(map, test, options.input)
    try writeMaps([("AE-2 codes, all points", mapCodes, 0.0),
                   ("AE-2 codes, central 90 % of each axis", mapCodes, 0.1),
                   ("LSA-2 (truncated SVD of TF-IDF)", lsa.truncated(to: 2).encode(testTFIDF),
                    0.0)],
                  test: test, topics: topics, run: run)

    // Retrieval: the precision curve of every method, with raw and with centred codes.
    let maximumK = min(50, train.count)
    var methods = retrievalModels.enumerated().map { number, model in
        RetrievalMethod(name: "AE-\(options.codeSize)",
                        key: number == 0 ? "codes" : "codes_run\(number + 1)",
                        queries: codes(model, test, options.input),
                        database: codes(model, train, options.input))
    }
    methods.append(RetrievalMethod(name: "AE-2", key: "codes_2d", queries: mapCodes,
                                   database: codes(map, train, options.input)))
    for size in [2, 10, 50] where size <= lsa.singularValues.count {
        let reduced = lsa.truncated(to: size)
        methods.append(RetrievalMethod(name: "LSA-\(size)", key: "lsa_\(size)",
                                       queries: reduced.encode(testTFIDF),
                                       database: reduced.encode(trainTFIDF)))
    }
    methods.append(RetrievalMethod(name: "TF-IDF (\(vocabularySize) words)", key: "tfidf",
                                   queries: testTFIDF, database: trainTFIDF))
    let curves = recordPrecision(methods, data: data, maximumK: maximumK, run: run)
    let trainings = methods.map(\.key).filter { $0 == "codes" || $0.hasPrefix("codes_run") }
    for k in [1, 10, 50] {
        let values = trainings.map { curves[$0]![min(k, maximumK) - 1] }
        run.record("precision_at_\(k)_codes_min", values.min()!)
        run.record("precision_at_\(k)_codes_max", values.max()!)
    }
    let series = methods.filter { !$0.key.hasPrefix("codes_run") }.map { method in
        LineSeries(name: method.name, x: (1...maximumK).map(Double.init), y: curves[method.key]!,
                   dashed: method.key.hasPrefix("lsa") || method.key == "tfidf")
    }
    try LinePlot(title: "Retrieval of same-topic training documents (cosine of centred codes)",
                 xLabel: "documents retrieved", yLabel: "precision", series: series,
                 legendPlacement: .outsideRight,
                 referenceLines: [.horizontal(chance, label: "chance")])
        .write(to: run.figure("precision"), width: 1000, height: 520)

    // Queries: three fixed ones and the reader's own, against the first retrieval model's codes.
    let trainCodes = methods[0].database
    let centre = trainCodes.mean(alongAxis: 0)
    let index = DocumentIndex(model: retrieval, data: data, scaling: options.input, topics: topics,
                              centre: centre, unitCodes: unitLengthRows(trainCodes - centre))
    let queries = ["a small furry animal that climbs trees", "a sweet cake baked in an oven",
                   "a tool for cutting wood"].enumerated().map { ("query_\($0 + 1)", $1) }
    for (key, text) in queries + (options.query.map { [("query_user", $0)] } ?? []) {
        let answer = index.nearest(to: text)
        run.record(text: key, "**\"\(text)\"**\n\n\(answer)")
        run.log("query \"\(text)\":\n\(answer)")
    }
}
