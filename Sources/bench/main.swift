// `make bench`: the engine's speed on this machine, in one run.
//
// Prints which OpenBLAS kernel ran with how many threads, the sgemm rate, and training throughput
// (samples/s, median of several timed windows) for the three reference models of the engine issue:
//   (a) 784-256-128-64-20 ReLU encoder, mirrored decoder to logits, sigmoid cross-entropy, Adam, batch 512
//   (b) 784-128-64-12-3 ReLU encoder, mirrored decoder with tanh output, MSE, Adam, batch 128
//   (c) VAE 784-400-(20, 20), decoder 20-400-784 to logits, batch 128
// and model (a)'s step time against its GEMM-only bound. One JSON line per model follows the table.

import Datasets
import Foundation
import TensorEngine

setvbuf(stdout, nil, _IOLBF, 0)
let arguments = CommandLine.arguments
let threads = arguments.firstIndex(of: "--threads").flatMap { Int(arguments[$0 + 1]) } ?? 2
let windows = arguments.firstIndex(of: "--windows").flatMap { Int(arguments[$0 + 1]) } ?? 5
/// `--models a,c` runs only those models (for profiling one of them).
let selectedModels = Set((arguments.firstIndex(of: "--models").map { arguments[$0 + 1] } ?? "a,b,c").split(separator: ",").map(String.init))
let elementwiseThreads = arguments.firstIndex(of: "--elementwise-threads").flatMap { Int(arguments[$0 + 1]) }
setThreadCount(threads, elementwise: elementwiseThreads)

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
    let step: (Tensor<Float>) -> Void
}

let generator = SeededGenerator(seed: 0)
/// Fashion-MNIST-like inputs: uniform pixels in [0, 1] (speed does not depend on the values).
let data = Tensor<Float>(randomUniform: [4096, 784], generator: generator)

func throughput(_ benchmark: Benchmark) -> (samplesPerSecond: Double, secondsPerStep: Double) {
    let batches = (0..<(4096 / benchmark.batchSize)).map { data.rows(($0 * benchmark.batchSize)..<(($0 + 1) * benchmark.batchSize)).detached() }
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

print("OpenBLAS kernel: \(blasCoreName), threads: \(blasThreadCount); element-wise kernels: \(kernelThreadCount) threads")
let squareRate = sgemmRate(m: 1024, n: 1024, k: 1024)
print(String(format: "sgemm 1024×1024×1024: %.1f GFLOP/s", squareRate))

/// FLOPs of one training step of model (a): forward, weight gradients and input gradients of every
/// layer except the first (the data needs no gradient), 2 FLOPs per multiply-add.
let layerSizes = [784, 256, 128, 64, 20, 64, 128, 256, 784]
let multiplyAdds = zip(layerSizes, layerSizes.dropFirst()).map { $0 * $1 }
let flopsPerStepA = Double(2 * 512 * (3 * multiplyAdds.reduce(0, +) - multiplyAdds[0]))

print("")
print("model  batch  samples/s  ms/step")
var results: [(String, Double)] = []
var stepTimeA = 0.0
for benchmark in [modelA, modelB, modelC] where selectedModels.contains(benchmark.name) {
    let (rate, stepTime) = throughput(benchmark)
    if benchmark.name == "a" { stepTimeA = stepTime }
    results.append((benchmark.name, rate))
    print(String(format: "(%@)    %5d  %9.0f  %7.2f", benchmark.name, benchmark.batchSize, rate, stepTime * 1000))
}
let boundA = flopsPerStepA / (squareRate * 1e9)
if stepTimeA > 0 { print(String(format: "\n(a) GEMM-only bound: %.2f ms/step (%.2f GFLOP at %.1f GFLOP/s); measured step is %.0f%% of the bound's speed",
             boundA * 1000, flopsPerStepA / 1e9, squareRate, 100 * boundA / stepTimeA)) }

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
for (name, rate) in results {
    print("{\"model\": \"\(name)\", \"samples_per_second\": \(Int(rate.rounded()))}")
}
