// Placeholder while the chapter is written.
import ChapterKit
import TensorEngine
import ArgumentParser

struct Options: ChapterOptions {
    @OptionGroup var common: CommonOptions
    @Option(help: "Code size.") var codeSize = 20
    func check() throws { try require(codeSize >= 1, "--code-size must be at least 1, got \(codeSize)") }
}

runChapter("contractive", options: Options.self) { options, run in
    let (train, test, _) = try run.loadImages()
    let model = Sequential<Float>.perceptron(sizes: [784, 64, options.codeSize, 64, 784], generator: run.generator)
    var optimizer = Adam(parameters: model.parameters)
    try run.train("autoencoder", epochs: run.epochs(full: 2), data: train, batchSize: 128) { batch in
        optimizer.zeroGradients()
        let loss = sigmoidCrossEntropy(logits: model(batch.inputs), labels: batch.inputs)
        loss.backward()
        optimizer.step()
        return Double(loss.scalarValue)
    } afterEpoch: { _ in
        ["test_loss": averageOverBatches(test) { Double(sigmoidCrossEntropy(logits: model($0.inputs), labels: $0.inputs).scalarValue) }]
    }
}
