import Testing
@testable import TensorEngine

// im2col and col2im by phase planes (whole-block copies) against the line-by-line kernels, which
// serve any geometry and are themselves checked against PyTorch and central differences.

@Suite("im2col and col2im by phase planes")
struct ConvolutionPhasesTests {
    /// Every geometry up to kernel 5 (5 × 3 for a non-square one), stride 3 and padding 2, on plane
    /// sizes odd and even, square and not.
    static var shapes: [ConvolutionShape] {
        var shapes: [ConvolutionShape] = []
        func outputSize(_ size: Int, _ kernel: Int, _ stride: Int, _ padding: Int) -> Int {
            (size + 2 * padding - kernel) / stride + 1
        }
        for (height, width) in [(7, 7), (8, 6), (14, 14), (5, 9), (28, 28)] {
            for kernelHeight in 1...5 {
                let kernelWidth = kernelHeight == 5 ? 3 : kernelHeight
                for stride in 1...3 {
                    for padding in 0...min(2, kernelHeight - 1) {
                        let paddingWidth = min(padding, kernelWidth - 1)
                        let outputHeight = outputSize(height, kernelHeight, stride, padding)
                        let outputWidth = outputSize(width, kernelWidth, stride, paddingWidth)
                        guard outputHeight >= 1, outputWidth >= 1 else { continue }
                        shapes.append(ConvolutionShape(
                            batch: 2, channels: 3, height: height, width: width, kernelHeight: kernelHeight,
                            kernelWidth: kernelWidth, strideHeight: stride, strideWidth: stride,
                            paddingHeight: padding, paddingWidth: paddingWidth, outputHeight: outputHeight,
                            outputWidth: outputWidth))
                    }
                }
            }
        }
        return shapes
    }

    @Test("the fast path serves the chapter's geometries: 3 × 3, stride 1 and 2, padding 1")
    func servesTheChapter() {
        for (size, stride) in [(28, 1), (14, 1), (28, 2), (14, 2)] {
            let output = (size + 2 - 3) / stride + 1
            let shape = ConvolutionShape(batch: 1, channels: 1, height: size, width: size, kernelHeight: 3,
                                         kernelWidth: 3, strideHeight: stride, strideWidth: stride,
                                         paddingHeight: 1, paddingWidth: 1, outputHeight: output, outputWidth: output)
            #expect(ConvolutionPhases(shape) != nil, "\(size) stride \(stride)")
        }
    }

    /// Calls `body` with every shape of ``shapes`` that the fast path serves, and checks that most do.
    static func forEachFastShape(_ body: (ConvolutionShape, ConvolutionPhases) -> Void) {
        var checked = 0
        for shape in shapes {
            guard let phases = ConvolutionPhases(shape) else { continue }
            checked += 1
            body(shape, phases)
        }
        #expect(checked > 60)
    }

    /// `initial` after `body` wrote into it (NaN where nothing is given, so an entry left unwritten shows).
    static func written(_ initial: [Double], _ body: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        var values = initial
        values.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        return values
    }

    static func written(count: Int, _ body: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        written(Array(repeating: .nan, count: count), body)
    }

    @Test("im2col by phases equals im2col by lines, bit for bit")
    func imageToColumns() {
        Self.forEachFastShape { shape, phases in
            let image = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 3)
            let count = shape.columnRows * shape.columnCount
            let byLines = Self.written(count: count) { Double.imageToColumnsByLines(image.pointer, shape, into: $0) }
            let byPhases = Self.written(count: count) { Double.imageToColumnsByPhases(image.pointer, phases, into: $0) }
            #expect(byPhases == byLines, "\(shape)")
        }
    }

    @Test("col2im by phases equals col2im by lines, overwriting and accumulating")
    func columnsToImage() {
        Self.forEachFastShape { shape, phases in
            let columns = uniform([shape.columnRows, shape.columnCount], -1, 1, seed: 5)
            let start = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 7).scalars
            for accumulate in [false, true] {
                let byLines = Self.written(start) {
                    Double.columnsToImageByLines(columns.pointer, shape, into: $0, accumulate: accumulate)
                }
                var scratch = columns.scalars  // the phase kernel zeroes its padding entries
                let byPhases = Self.written(start) { image in
                    scratch.withUnsafeMutableBufferPointer {
                        Double.columnsToImageByPhases($0.baseAddress!, phases, into: image, accumulate: accumulate)
                    }
                }
                // Accumulating adds the taps' sum at once rather than one by one: equal to rounding.
                #expect(maximumDifference(byPhases, byLines) <= (accumulate ? 1e-14 : 0),
                        "\(shape) accumulate \(accumulate)")
            }
        }
    }

    @Test("col2im of scaled planes (one output channel) equals col2im of the product Wᵀ dz")
    func scaledPlanes() {
        Self.forEachFastShape { shape, phases in
            let taps = shape.kernelHeight * shape.kernelWidth, positions = shape.outputHeight * shape.outputWidth
            let weights = uniform([shape.channels * taps], -1, 1, seed: 11).scalars
            let planes = uniform([shape.batch * positions], -1, 1, seed: 13).scalars
            // The column matrix a product would make: entry ((c, tap), (n, p)) = w[c, tap] · dz[n, p].
            var columns: [Double] = []
            for row in 0..<shape.columnRows { columns += planes.map { weights[row] * $0 } }
            let start = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 17).scalars
            for accumulate in [false, true] {
                let expected = Self.written(start) {
                    Double.columnsToImageByLines(columns, shape, into: $0, accumulate: accumulate)
                }
                let actual = Self.written(start) {
                    Double.columnsToImageOfScaledPlanes(weights: weights, planes: planes, phases, into: $0,
                                                        accumulate: accumulate)
                }
                #expect(maximumDifference(actual, expected) <= (accumulate ? 1e-14 : 0), "\(shape) accumulate \(accumulate)")
            }
        }
    }

    @Test("one output channel: the convolution and its weight gradient equal the product with im2col's matrix")
    func oneOutputChannel() {
        Self.forEachFastShape { shape, phases in
            let positions = shape.outputHeight * shape.outputWidth
            let image = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 19)
            let weights = uniform([shape.columnRows], -1, 1, seed: 23).scalars
            let dz = uniform([shape.batch * positions], -1, 1, seed: 29).scalars
            let columns = Self.written(count: shape.columnRows * shape.columnCount) {
                Double.imageToColumnsByLines(image.pointer, shape, into: $0)
            }
            // y[q] = Σ_row w[row] X[row, q] and g[row] = Σ_q dz[q] X[row, q], summed in the kernels' orders.
            var expectedOutput = [Double](repeating: 0, count: shape.columnCount)
            for row in 0..<shape.columnRows {
                for q in 0..<shape.columnCount { expectedOutput[q] += weights[row] * columns[row * shape.columnCount + q] }
            }
            let expectedGradient = (0..<shape.columnRows).map { row in
                (0..<shape.columnCount).reduce(0.0) { $0 + dz[$1] * columns[row * shape.columnCount + $1] }
            }
            let output = Self.written(count: shape.columnCount) {
                Double.convolutionToOneChannel(image.pointer, weights: weights, phases, into: $0)
            }
            let gradient = Self.written(count: shape.columnRows) {
                Double.oneChannelWeightGradient(image.pointer, outputGradient: dz, phases, into: $0)
            }
            #expect(maximumDifference(output, expectedOutput) <= 1e-13, "\(shape)")
            #expect(maximumDifference(gradient, expectedGradient) <= 1e-12, "\(shape)")
        }
    }
}
