// `make bench`: the engine's speed on this machine, in one run.
//
// Prints which OpenBLAS kernel ran with how many threads, the sgemm rate, and training throughput
// (samples/s, median of several timed windows) for the three reference models of the engine issue:
//   (a) 784-256-128-64-20 ReLU encoder, mirrored decoder to logits, sigmoid cross-entropy, Adam, batch 512
//   (b) 784-128-64-12-3 ReLU encoder, mirrored decoder with tanh output, MSE, Adam, batch 128
//   (c) VAE 784-400-(20, 20), decoder 20-400-784 to logits, batch 128
//   (d) the convolutional chapter's model: Conv(1→32, 3, s2, p1) ReLU Conv(32→64, 3, s2, p1) ReLU
//       Linear(3136→20); Linear(20→3136) ReLU ConvT(64→32, 3, s2, p1, op1) ReLU ConvT(32→1, 3, s2, p1, op1)
//       to logits, sigmoid cross-entropy, Adam, batch 128
//   (e) the convolutional chapter's max-pooling model with the unpooling decoder (PoolingAutoencoder):
//       stride-1 3 × 3 convolutions at 28 × 28 and 14 × 14, 2 × 2 pooling and unpooling, batch 128;
//       the engine's own yardstick for those operations (no peer runs it)
// and every model against its GEMM-only bound. One JSON line per model follows the table.
// Then (`noise`, in the default `--models`) the cost of the training noise as a fraction of a step of
// the model it serves, with the scalar sampling the engine used before as the "before" column.

import ArgumentParser
import ChapterKit
import Datasets
import Foundation
import TensorEngine

/// The benchmark's flags; a wrong one stops with a message before anything runs.
struct BenchmarkOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "The engine's speed on this machine: sgemm, the reference models, the training noise.")
    static let measures = ["a", "b", "c", "d", "e", "noise"]

    @Option(help: "Threads for the matrix products (≥ 1).") var threads = 2
    @Option(help: "Timed windows per measure; the median is reported (≥ 1).") var windows = 5
    @Option(help: "The measures to run, comma-separated, from a, b, c, d, e and noise.")
    var models = measures.joined(separator: ",")
    @Option(help: "Threads for the element-wise kernels (default: as --threads).")
    var elementwiseThreads: Int?

    var selected: Set<String> { Set(models.split(separator: ",").map(String.init)) }

    func validate() throws {
        for (flag, value) in [("--threads", threads), ("--windows", windows),
                              ("--elementwise-threads", elementwiseThreads ?? 1)] where value < 1 {
            throw ValidationError("\(flag) must be at least 1, got \(value)")
        }
        let unknown = selected.subtracting(Self.measures).sorted()
        guard unknown.isEmpty, !selected.isEmpty else {
            throw ValidationError("--models: unknown \(unknown.joined(separator: ", ")); "
                                  + "choose from \(Self.measures.joined(separator: ", "))")
        }
    }
}

setvbuf(stdout, nil, _IOLBF, 0)
// `--help` prints the flags; a wrong flag, one line and status 64, as the chapters do.
let options: BenchmarkOptions
do {
    options = try BenchmarkOptions.parse()
} catch {
    if BenchmarkOptions.exitCode(for: error) == .success { BenchmarkOptions.exit(withError: error) }
    printError(command: "bench", oneLineUsageError(BenchmarkOptions.self, for: error))
    exit(64)
}
let (threads, windows, selectedModels) = (options.threads, options.windows, options.selected)
setThreadCount(threads, elementwise: options.elementwiseThreads)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

// MARK: sgemm rate

func sgemmRate(m: Int, n: Int, k: Int) -> Double {
    let generator = SeededGenerator(seed: 1)
    let a = Tensor<Float>(randomUniform: [m, k], generator: generator)
    let b = Tensor<Float>(randomUniform: [k, n], generator: generator)
    let repetitions = max(3, Int(2e10 / Double(2 * m * n * k)))
    var rates: [Double] = []
    for _ in 0..<windows {
        let time = seconds { for _ in 0..<repetitions { _ = withoutGradients { matmul(a, b) } } }
        rates.append(Double(2 * m * n * k * repetitions) / time / 1e9)
    }
    return median(rates)
}

// MARK: training throughput

struct Benchmark {
    let name: String
    let batchSize: Int
    /// The shape of one batch: [batch, 784], or [batch, 1, 28, 28] for the convolutional model.
    var inputShape: [Int] { name == "d" ? [batchSize, 1, 28, 28] : [batchSize, 784] }
    let step: (Tensor<Float>) -> Void
}

let generator = SeededGenerator(seed: 0)
/// Fashion-MNIST-like inputs: uniform pixels in [0, 1] (speed does not depend on the values).
let data = Tensor<Float>(randomUniform: [4096, 784], generator: generator)

func throughput(_ benchmark: Benchmark) -> (samplesPerSecond: Double, secondsPerStep: Double) {
    let batches = (0..<(4096 / benchmark.batchSize)).map {
        data.rows(($0 * benchmark.batchSize)..<(($0 + 1) * benchmark.batchSize)).detached().reshaped(to: benchmark.inputShape)
    }
    for batch in batches.prefix(5) { benchmark.step(batch) }  // warm-up: fills the buffer pool
    let stepsPerWindow = max(20, 40_000 / benchmark.batchSize)
    var stepTimes: [Double] = []
    for _ in 0..<windows {
        let time = seconds {
            for step in 0..<stepsPerWindow { benchmark.step(batches[step % batches.count]) }
        }
        stepTimes.append(time / Double(stepsPerWindow))
    }
    let stepTime = median(stepTimes)
    return (Double(benchmark.batchSize) / stepTime, stepTime)
}

func autoencoderBenchmark(name: String, sizes: [Int], outputActivation: UnaryFunction?, batchSize: Int,
                          loss: @escaping (Tensor<Float>, Tensor<Float>) -> Tensor<Float>) -> Benchmark {
    let encoder = Sequential<Float>.perceptron(sizes: sizes, generator: generator)
    let decoder = Sequential<Float>.perceptron(sizes: sizes.reversed(), outputActivation: outputActivation, generator: generator)
    var optimizer = Adam(parameters: encoder.parameters + decoder.parameters, learningRate: 1e-3)
    return Benchmark(name: name, batchSize: batchSize) { batch in
        optimizer.zeroGradients()
        loss(decoder(encoder(batch)), batch).backward()
        optimizer.step()
    }
}

let modelA = autoencoderBenchmark(name: "a", sizes: [784, 256, 128, 64, 20], outputActivation: nil, batchSize: 512) {
    sigmoidCrossEntropy(logits: $0, labels: $1)
}
let modelB = autoencoderBenchmark(name: "b", sizes: [784, 128, 64, 12, 3], outputActivation: .tanh, batchSize: 128) {
    meanSquaredError(predicted: $0, expected: $1)
}
let modelC: Benchmark = {
    let encoder = Sequential<Float>.perceptron(sizes: [784, 400, 40], generator: generator)
    let decoder = Sequential<Float>.perceptron(sizes: [20, 400, 784], generator: generator)
    var optimizer = Adam(parameters: encoder.parameters + decoder.parameters, learningRate: 1e-3)
    let noise = Tensor<Float>(zeros: [128, 20])
    return Benchmark(name: "c", batchSize: 128) { batch in
        optimizer.zeroGradients()
        let parts = encoder(batch).split(widths: [20, 20])
        generator.fillNormal(noise.mutablePointer, count: noise.count)
        let code = parts[0] + exp(0.5 * parts[1]) * noise
        let loss = sigmoidCrossEntropy(logits: decoder(code), labels: batch, reduction: .batchMean)
            + gaussianKLDivergence(mean: parts[0], logVariance: parts[1])
        loss.backward()
        optimizer.step()
    }
}()

/// The convolutional chapter's model.
let modelD: Benchmark = {
    let encoder = Sequential<Float>([
        Conv2d(inChannels: 1, outChannels: 32, kernelSize: 3, stride: 2, padding: 1, generator: generator), Activation(.relu),
        Conv2d(inChannels: 32, outChannels: 64, kernelSize: 3, stride: 2, padding: 1, generator: generator), Activation(.relu),
        Flatten(), Linear(inputSize: 3136, outputSize: 20, generator: generator),
    ])
    let decoder = Sequential<Float>([
        Linear(inputSize: 20, outputSize: 3136, generator: generator), Activation(.relu), Unflatten([64, 7, 7]),
        ConvTranspose2d(inChannels: 64, outChannels: 32, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: generator),
        Activation(.relu),
        ConvTranspose2d(inChannels: 32, outChannels: 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: generator),
    ])
    var optimizer = Adam(parameters: encoder.parameters + decoder.parameters, learningRate: 1e-3)
    return Benchmark(name: "d", batchSize: 128) { batch in
        optimizer.zeroGradients()
        sigmoidCrossEntropy(logits: decoder(encoder(batch)), labels: batch).backward()
        optimizer.step()
    }
}()

print("OpenBLAS kernel: \(blasCoreName), single-threaded calls; matrix products split across \(gemmThreadCount) engine threads; element-wise kernels: \(kernelThreadCount) threads")
let squareRate = sgemmRate(m: 1024, n: 1024, k: 1024)
print(String(format: "sgemm 1024×1024×1024: %.1f GFLOP/s", squareRate))

/// FLOPs of one training step as the GEMMs count them, from each layer's multiply-adds per sample:
/// the forward product, the same again for the weight gradient and for the input gradient, except
/// the first layer's input gradient (the data needs none); 2 FLOPs per multiply-add.
func flopsPerStep(multiplyAdds: [Int], batch: Int) -> Double {
    Double(2 * batch * (3 * multiplyAdds.reduce(0, +) - multiplyAdds[0]))
}
/// Multiply-adds per sample of a chain of dense layers.
func denseMultiplyAdds(_ sizes: [Int]) -> [Int] { zip(sizes, sizes.dropFirst()).map { $0 * $1 } }
let flopsPerStepByModel: [String: Double] = [
    "a": flopsPerStep(multiplyAdds: denseMultiplyAdds([784, 256, 128, 64, 20, 64, 128, 256, 784]), batch: 512),
    "b": flopsPerStep(multiplyAdds: denseMultiplyAdds([784, 128, 64, 12, 3, 12, 64, 128, 784]), batch: 128),
    "c": flopsPerStep(multiplyAdds: denseMultiplyAdds([784, 400, 40]) + denseMultiplyAdds([20, 400, 784]), batch: 128),
    // Per convolution: output channels × kernel taps × input channels × output positions.
    "d": flopsPerStep(multiplyAdds: [32 * 9 * 1 * 196, 64 * 9 * 32 * 49, 3136 * 20, 20 * 3136, 64 * 9 * 32 * 49,
                                     32 * 9 * 1 * 196], batch: 128),
    "e": flopsPerStep(multiplyAdds: [16 * 9 * 1 * 784, 32 * 9 * 16 * 196, 1568 * 20, 20 * 1568, 16 * 9 * 32 * 196,
                                     1 * 9 * 16 * 784], batch: 128),
]

print("")
print("model  batch  samples/s  ms/step")
var results: [(String, Double)] = []
var stepTimes: [String: Double] = [:]
/// The convolutional chapter's pooling model, unpooling decoder.
let modelE: Benchmark = {
    let model = PoolingAutoencoder(.unpooling, codeSize: 20, generator: generator)
    var optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
    return Benchmark(name: "e", batchSize: 128) { batch in
        optimizer.zeroGradients()
        sigmoidCrossEntropy(logits: model(batch).logits, labels: batch).backward()
        optimizer.step()
    }
}()

for benchmark in [modelA, modelB, modelC, modelD, modelE] where selectedModels.contains(benchmark.name) {
    let (rate, stepTime) = throughput(benchmark)
    stepTimes[benchmark.name] = stepTime
    results.append((benchmark.name, rate))
    print(String(format: "(%@)    %5d  %9.0f  %7.2f", benchmark.name, benchmark.batchSize, rate, stepTime * 1000))
}
print("")
var boundFractions: [String: Double] = [:]
for (name, _) in results {
    guard let stepTime = stepTimes[name], let flops = flopsPerStepByModel[name] else { continue }
    let bound = flops / (squareRate * 1e9)
    boundFractions[name] = bound / stepTime
    print(String(format: "(%@) GEMM-only bound: %.2f ms/step (%.3f GFLOP at %.1f GFLOP/s); measured step is %.0f%% of the bound's speed",
                 name, bound * 1000, flops / 1e9, squareRate, 100 * bound / stepTime))
}

// MARK: noise, dropout and the contractive penalty

/// The scalar sampling the engine used before its vectorised fills, kept here as the "before" column:
/// one `nextUniform()` per element, Box–Muller in Double per pair.
enum ScalarSampling {
    static func fillUniform(_ generator: SeededGenerator, _ buffer: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { buffer[i] = Float(generator.nextUniform()) }
    }
    static func fillNormal(_ generator: SeededGenerator, _ buffer: UnsafeMutablePointer<Float>, count: Int,
                           standardDeviation: Double) {
        var i = 0
        while i < count {
            let radius = (-2 * Foundation.log(1 - generator.nextUniform())).squareRoot()
            let angle = 2 * Double.pi * generator.nextUniform()
            buffer[i] = Float(standardDeviation * radius * Foundation.cos(angle))
            if i + 1 < count { buffer[i + 1] = Float(standardDeviation * radius * Foundation.sin(angle)) }
            i += 2
        }
    }
    static func fillMask(_ generator: SeededGenerator, _ buffer: UnsafeMutablePointer<Float>, count: Int,
                         probability: Double, value: Float, otherwise: Float) {
        for i in 0..<count { buffer[i] = generator.nextUniform() < probability ? value : otherwise }
    }
    /// A tensor shaped like `like`, filled by `fill`.
    static func tensor(like: Tensor<Float>, _ fill: (UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor<Float> {
        let result = Tensor<Float>(zeros: like.shape)
        fill(result.mutablePointer, result.count)
        return result
    }
}

/// Nanoseconds per element of `fill` on a 128×784 buffer (a denoising batch), median of the windows.
func nanosecondsPerElement(_ fill: (UnsafeMutablePointer<Float>, Int) -> Void) -> Double {
    let count = 128 * 784, repetitions = 200
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { buffer.deallocate() }
    return median((0..<windows).map { _ in
        seconds { for _ in 0..<repetitions { fill(buffer, count) } } / Double(count * repetitions) * 1e9
    })
}

/// The denoising chapter's model (Chapters/Denoising: 784-256-64 ReLU encoder, 64-256-784 decoder to
/// logits, BCE, Adam, batch 128), without noise.
func denoisingBenchmark() -> Benchmark {
    let generator = SeededGenerator(seed: 5)
    let encoder = Sequential<Float>.perceptron(sizes: [784, 256, 64], outputActivation: .relu, generator: generator)
    let decoder = Sequential<Float>.perceptron(sizes: [64, 256, 784], generator: generator)
    var optimizer = Adam(parameters: encoder.parameters + decoder.parameters)
    return Benchmark(name: "denoising", batchSize: 128) { batch in
        optimizer.zeroGradients()
        sigmoidCrossEntropy(logits: decoder(encoder(batch)), labels: batch).backward()
        optimizer.step()
    }
}

/// The contractive chapter's model (784-256 sigmoid code, 256-784 logits, BCE summed per image,
/// batch 128), with or without λ‖J‖²_F from the library's `contractivePenalty`.
func contractiveBenchmark(penalty: Bool) -> Benchmark {
    let model = Autoencoder(sizes: [784, 256], codeActivation: .sigmoid, generator: SeededGenerator(seed: 6))
    var optimizer = Adam(parameters: model.parameters)
    return Benchmark(name: "contractive", batchSize: 128) { batch in
        optimizer.zeroGradients()
        let output = model(batch)
        var loss = sigmoidCrossEntropy(logits: output.logits, labels: batch, reduction: .batchMean)
        if penalty { loss = loss + 0.5 * contractivePenalty(code: output.code, encoderWeight: model.encoder.parameters[0]) }
        loss.backward()
        optimizer.step()
    }
}

/// Fills (ns per element) and the cost of each kind of noise per training step, after (this engine)
/// and before (``ScalarSampling``).
func measureNoiseCost() {
    let noise = SeededGenerator(seed: 9)
    let fills: [(String, (UnsafeMutablePointer<Float>, Int) -> Void, (UnsafeMutablePointer<Float>, Int) -> Void)] = [
        ("fillNormal", { noise.fillNormal($0, count: $1) }, { ScalarSampling.fillNormal(noise, $0, count: $1, standardDeviation: 1) }),
        ("fillUniform", { noise.fillUniform($0, count: $1) }, { ScalarSampling.fillUniform(noise, $0, count: $1) }),
        ("fillBernoulli", { noise.fillBernoulli($0, count: $1, probability: 0.3, value: 0, otherwise: 1) },
         { ScalarSampling.fillMask(noise, $0, count: $1, probability: 0.3, value: 0, otherwise: 1) }),
    ]
    var json: [String] = []
    print("\nrandom fill (128×784)   ns/element after  before")
    for (name, after, before) in fills {
        let (new, old) = (nanosecondsPerElement(after), nanosecondsPerElement(before))
        print(String(format: "%@ %16.2f %7.2f", name.padding(toLength: 22, withPad: " ", startingAt: 0), new, old))
        json.append(String(format: "\"%@_ns\": %.3f, \"%@_ns_before\": %.3f", name, new, name, old))
    }
    let dropout = Dropout<Float>(probability: 0.3, generator: noise)
    func oldDropout(_ input: Tensor<Float>) -> Tensor<Float> {
        input * ScalarSampling.tensor(like: input) {
            ScalarSampling.fillMask(noise, $0, count: $1, probability: 0.7, value: Float(1 / 0.7), otherwise: 0)
        }
    }
    func oldGaussian(_ clean: Tensor<Float>) -> Tensor<Float> {
        clamp(clean + ScalarSampling.tensor(like: clean) { ScalarSampling.fillNormal(noise, $0, count: $1, standardDeviation: 0.5) },
              lower: 0, upper: 1)
    }
    func oldMasking(_ clean: Tensor<Float>) -> Tensor<Float> {
        clean * ScalarSampling.tensor(like: clean) {
            ScalarSampling.fillMask(noise, $0, count: $1, probability: 0.3, value: 0, otherwise: 1)
        }
    }
    // The chapters' levels: σ = 0.5, masking fraction 0.3 on a [128, 784] batch, dropout 0.3 on the
    // [128, 256] hidden layer (Chapters/Denoising). Each costs its time alone (median of the windows),
    // as a fraction of a step of the denoising model with it: (op) / (step without + op).
    let batch = data.rows(0..<128).detached(), hidden = Tensor<Float>(randomUniform: [128, 256], generator: noise)
    let operations: [(String, () -> Void, () -> Void)] = [
        ("gaussian", { _ = gaussianCorruption(batch, standardDeviation: 0.5, generator: noise) }, { _ = oldGaussian(batch) }),
        ("masking", { _ = maskingCorruption(batch, fraction: 0.3, generator: noise) }, { _ = oldMasking(batch) }),
        ("dropout", { _ = dropout(hidden) }, { _ = oldDropout(hidden) }),
    ]
    let denoisingStep = throughput(denoisingBenchmark()).secondsPerStep
    print(String(format: "\ncost per step of the denoising model (%.3f ms/step without noise)", denoisingStep * 1000))
    print("noise        ms after  fraction   ms before  fraction")
    for (name, after, before) in operations {
        func time(_ body: () -> Void) -> Double {
            median((0..<windows).map { _ in seconds { for _ in 0..<200 { body() } } / 200 })
        }
        let (new, old) = (time(after), time(before))
        let (fraction, oldFraction) = (new / (denoisingStep + new), old / (denoisingStep + old))
        print(String(format: "%@ %8.3f %8.1f%% %11.3f %8.1f%%", name.padding(toLength: 10, withPad: " ", startingAt: 0),
                     new * 1000, 100 * fraction, old * 1000, 100 * oldFraction))
        json.append(String(format: "\"%@_fraction\": %.4f, \"%@_fraction_before\": %.4f", name, fraction, name, oldFraction))
    }
    // The contractive penalty, timed alone (forward and backward on a [128, 256] code and W [256, 784]),
    // as a fraction of a step of its model with it: (penalty) / (step without + penalty).
    let plain = throughput(contractiveBenchmark(penalty: false)).secondsPerStep
    let code = Tensor<Float>(randomUniform: [128, 256], generator: noise)
    let weight = Tensor<Float>(randomNormal: [256, 784], standardDeviation: 0.05, generator: noise)
    code.requiresGradient = true
    weight.requiresGradient = true
    // Before: the same formula composed of differentiable operations, which builds W ⊙ W each step.
    func composed() -> Tensor<Float> {
        let slopes = code * (1 - code), rowNorms = square(weight).sum(alongAxis: 1).reshaped(to: [1, 256])
        return (square(slopes) * rowNorms).sum(alongAxis: 1).mean()
    }
    func time(_ penalty: () -> Tensor<Float>) -> Double {
        median((0..<windows).map { _ in seconds { for _ in 0..<200 { penalty().backward() } } / 200 })
    }
    let (fused, before) = (time { contractivePenalty(code: code, encoderWeight: weight) }, time(composed))
    print(String(format: "contractive penalty (784-256 sigmoid CAE, batch 128, %.3f ms/step without): "
                 + "%.3f ms, %.1f%% of a step (composed of tensor operations: %.3f ms, %.1f%%)",
                 plain * 1000, fused * 1000, 100 * fused / (plain + fused), before * 1000, 100 * before / (plain + before)))
    json.append(String(format: "\"contractive_fraction\": %.4f, \"contractive_fraction_before\": %.4f",
                       fused / (plain + fused), before / (plain + before)))
    print("{\"measure\": \"noise\", " + json.joined(separator: ", ") + "}")
}

// MARK: data loading

do {
    var loadTimes: [Double] = []
    var loaded = 0
    for _ in 0..<3 {
        var dataset: ImageDataset?
        loadTimes.append(try seconds { dataset = try ImageDataset(.fashionMNIST, location: DataLocation.fromProcess(dataFlag: nil)) })
        loaded = (dataset?.train.count ?? 0) + (dataset?.test.count ?? 0)
    }
    print(String(format: "\nFashion-MNIST: %d images decompressed and decoded in %.3f s (median of 3)", loaded, median(loadTimes)))
} catch {
    print("\nFashion-MNIST not loaded: \(error)")
}
if selectedModels.contains("noise") { measureNoiseCost() }
for (name, rate) in results {
    let fraction = String(format: "%.3f", boundFractions[name] ?? 0)
    print("{\"model\": \"\(name)\", \"samples_per_second\": \(Int(rate.rounded())), \"gemm_bound_fraction\": \(fraction), "
          + "\"sgemm_gflops\": \(String(format: "%.1f", squareRate))}")
}
