import TensorEngine

/// contractive.1: the closed form against ‖J‖²_F with J computed by autodiff through the sigmoid
/// encoder (one backward pass per code unit and row), and its gradients against finite differences.
func checkContractive(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "contractive.1")
    let (rows, hiddenSize, inputSize) = (3, 4, 6)
    let inputs = randomTensor([rows, inputSize], seed: 71), weight = randomTensor([hiddenSize, inputSize], seed: 72, scale: 0.5)
    let bias = randomTensor([hiddenSize], seed: 73, scale: 0.5)
    let code = sigmoid(matmul(inputs, weight, transposeB: true) + bias)
    let reference = Tensor<Double>(autodiffSquaredJacobianNorm(inputs: inputs, weight: weight, bias: bias))
    let slope = code * (1 - code)
    let rowNorms = square(weight).sum(alongAxis: 1).reshaped(to: [1, hiddenSize])
    recorder.compareValues("squaredJacobianNorm: value vs ‖J‖²_F with J by autodiff, mean over rows", mistakes: [
        KnownMistake((slope * rowNorms).sum(alongAxis: 1).mean(), "h (1 − h) must be squared: (h_j (1 − h_j))²"),
        KnownMistake((square(code) * rowNorms).sum(alongAxis: 1).mean(), "σ′ is h (1 − h), not h"),
        KnownMistake(Double(rows) * reference, "your value is \(rows) times too large (\(rows) rows): average over the rows"),
    ]) {
        (try implementation.squaredJacobianNorm(code.detached(), weight.detached()), reference)
    }
    let codeLeaf = code.detached()
    recorder.compareGradients("squaredJacobianNorm: gradients wrt h and W vs finite differences",
                              inputs: [("h", codeLeaf), ("W", weight)]) {
        try implementation.squaredJacobianNorm(codeLeaf, weight)
    }
    return recorder.results
}

/// Mean over rows of Σ_{j,i} (∂h_j/∂x_i)², h = σ(x Wᵀ + b), each ∂h_j/∂x by one backward pass.
private func autodiffSquaredJacobianNorm(inputs: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>) -> Double {
    let (rows, hiddenSize) = (inputs.shape[0], weight.shape[0])
    let leaf = inputs.detached()
    leaf.requiresGradient = true
    var total = 0.0
    for row in 0..<rows {
        for unit in 0..<hiddenSize {
            var selector = [Double](repeating: 0, count: rows * hiddenSize)
            selector[row * hiddenSize + unit] = 1
            leaf.zeroGradient()
            let code = sigmoid(matmul(leaf, weight.detached(), transposeB: true) + bias.detached())
            (code * Tensor(shape: [rows, hiddenSize], scalars: selector)).sum().backward()
            let gradient = leaf.gradient?.scalars ?? []
            let width = inputs.shape[1]
            total += gradient[(row * width)..<(row * width + width)].reduce(0) { $0 + $1 * $1 }
        }
    }
    return total / Double(rows)
}
