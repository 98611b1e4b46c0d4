import TensorEngine

/// basic.1: the tied decoder against code · W + b summed element by element, and its gradients.
func checkBasic(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "basic.1")
    let (rows, codeSize, inputSize) = (6, 4, 7)
    let code = randomTensor([rows, codeSize], seed: 51), weight = randomTensor([codeSize, inputSize], seed: 52)
    let bias = randomTensor([inputSize], seed: 53)
    let (c, w, b) = (code.scalars, weight.scalars, bias.scalars)
    func product(withBias: Bool) -> Tensor<Double> {
        let values = (0..<(rows * inputSize)).map { index -> Double in
            let (row, column) = (index / inputSize, index % inputSize)
            let sum = (0..<codeSize).reduce(0.0) { $0 + c[row * codeSize + $1] * w[$1 * inputSize + column] }
            return sum + (withBias ? b[column] : 0)
        }
        return Tensor(shape: [rows, inputSize], scalars: values)
    }
    recorder.compareValues("tiedDecoder: values vs Σ_j code_j W_ji + b_i", mistakes: [
        KnownMistake(product(withBias: false), "the bias b is missing"),
    ]) {
        (try implementation.tiedDecoder(code, weight, bias), product(withBias: true))
    }
    recorder.compareGradients("tiedDecoder: gradients wrt code, W and b vs finite differences",
                              inputs: [("code", code), ("W", weight), ("b", bias)]) {
        try implementation.tiedDecoder(code, weight, bias)
    }
    return recorder.results
}
