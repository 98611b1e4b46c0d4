import TensorEngine

/// convolutional.1: the student's transposed convolution against the engine's fast
/// `transposedConvolution2D`, on four geometries; values only (the exercise builds its input from
/// `.scalars`, outside the gradient graph).
func checkConvolutional(_ implementation: ExerciseImplementations) -> [CheckResult] {
    var recorder = CheckRecorder(exercise: "convolutional.1")
    // Non-square planes and two channels in, three out: a swapped axis or index shows.
    let input = randomTensor([2, 2, 4, 5], seed: 21)
    let cases: [(kernel: Int, stride: Int, padding: Int, withBias: Bool)] = [
        (3, 1, 0, true), (3, 2, 1, true), (4, 2, 1, false), (2, 3, 0, true),
    ]
    for (index, geometryCase) in cases.enumerated() {
        let (kernel, stride, padding) = (geometryCase.kernel, geometryCase.stride, geometryCase.padding)
        let weight = randomTensor([2, 3, kernel, kernel], seed: 22 + UInt64(index))
        let bias = geometryCase.withBias ? randomTensor([3], seed: 30 + UInt64(index)) : nil
        let geometry = ConvolutionGeometry(kernelSize: kernel, stride: stride, padding: padding)
        let expected = transposedConvolution2D(input, weight: weight, bias: bias, geometry: geometry)
        // Forgetting the flip is the same as flipping an already flipped kernel.
        let unflipped = transposedConvolutionByZeroInsertion(input, weight: spatiallyFlipped(weight), bias: bias, geometry: geometry)
        recorder.compareValues("k=\(kernel) s=\(stride) p=\(padding)\(geometryCase.withBias ? "" : " no bias"): values vs transposedConvolution2D",
                               mistakes: [KnownMistake(unflipped, "the kernels are not flipped: use weight[i][o][k−1−a][k−1−b]")]) {
            (try implementation.transposedConvolution(input, weight, bias, stride, padding), expected)
        }
    }
    return recorder.results
}

/// Every kernel of a [in, out, k, k] weight turned by 180°.
private func spatiallyFlipped(_ weight: Tensor<Double>) -> Tensor<Double> {
    let kernel = weight.shape[2], values = weight.scalars, size = kernel * kernel
    let flipped = values.indices.map { index in
        let start = index - index % size, within = index % size
        return values[start + size - 1 - within]  // (a, b) → (k−1−a, k−1−b) is the reversed plane
    }
    return Tensor(shape: weight.shape, scalars: flipped)
}
