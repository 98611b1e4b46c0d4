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

    @Test("im2col by phases equals im2col by lines, bit for bit")
    func imageToColumns() {
        var checked = 0
        for shape in Self.shapes {
            guard let phases = ConvolutionPhases(shape) else { continue }
            checked += 1
            let image = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 3)
            let byLines = [Double](unsafeUninitializedCapacity: shape.columnRows * shape.columnCount) { buffer, count in
                Double.imageToColumnsByLines(image.pointer, shape, into: buffer.baseAddress!)
                count = buffer.count
            }
            let byPhases = [Double](unsafeUninitializedCapacity: shape.columnRows * shape.columnCount) { buffer, count in
                buffer.initialize(repeating: .nan)
                Double.imageToColumnsByPhases(image.pointer, phases, into: buffer.baseAddress!)
                count = buffer.count
            }
            #expect(byPhases == byLines, "\(shape)")
        }
        #expect(checked > 60)
    }

    @Test("col2im by phases equals col2im by lines, overwriting and accumulating")
    func columnsToImage() {
        var checked = 0
        for shape in Self.shapes {
            guard let phases = ConvolutionPhases(shape) else { continue }
            checked += 1
            let columns = uniform([shape.columnRows, shape.columnCount], -1, 1, seed: 5)
            let start = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 7)
            for accumulate in [false, true] {
                var byLines = start.scalars, byPhases = start.scalars
                byLines.withUnsafeMutableBufferPointer {
                    Double.columnsToImageByLines(columns.pointer, shape, into: $0.baseAddress!, accumulate: accumulate)
                }
                var scratch = columns.scalars
                byPhases.withUnsafeMutableBufferPointer { image in
                    scratch.withUnsafeMutableBufferPointer {
                        Double.columnsToImageByPhases($0.baseAddress!, phases, into: image.baseAddress!,
                                                      accumulate: accumulate)
                    }
                }
                // Accumulating adds the taps' sum at once rather than one by one: equal to rounding.
                #expect(maximumDifference(byPhases, byLines) <= (accumulate ? 1e-14 : 0),
                        "\(shape) accumulate \(accumulate)")
            }
        }
        #expect(checked > 60)
    }

    @Test("col2im of scaled planes (one output channel) equals col2im of the product Wᵀ dz")
    func scaledPlanes() {
        var checked = 0
        for shape in Self.shapes {
            guard let phases = ConvolutionPhases(shape) else { continue }
            checked += 1
            let taps = shape.kernelHeight * shape.kernelWidth, positions = shape.outputHeight * shape.outputWidth
            let weights = uniform([shape.channels * taps], -1, 1, seed: 11).scalars
            let planes = uniform([shape.batch * positions], -1, 1, seed: 13).scalars
            // The column matrix a product would make: entry ((c, tap), (n, p)) = w[c, tap] · dz[n, p].
            var columns: [Double] = []
            for row in 0..<shape.columnRows { columns += planes.map { weights[row] * $0 } }
            let start = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 17)
            for accumulate in [false, true] {
                var expected = start.scalars, actual = start.scalars
                expected.withUnsafeMutableBufferPointer {
                    Double.columnsToImageByLines(columns, shape, into: $0.baseAddress!, accumulate: accumulate)
                }
                actual.withUnsafeMutableBufferPointer {
                    Double.columnsToImageOfScaledPlanes(weights: weights, planes: planes, phases, into: $0.baseAddress!,
                                                        accumulate: accumulate)
                }
                #expect(maximumDifference(actual, expected) <= (accumulate ? 1e-14 : 0), "\(shape) accumulate \(accumulate)")
            }
        }
        #expect(checked > 60)
    }

    @Test("one output channel: the convolution and its weight gradient equal the product with im2col's matrix")
    func oneOutputChannel() {
        var checked = 0
        for shape in Self.shapes {
            guard let phases = ConvolutionPhases(shape) else { continue }
            checked += 1
            let positions = shape.outputHeight * shape.outputWidth
            let image = uniform([shape.batch, shape.channels, shape.height, shape.width], -1, 1, seed: 19)
            let weights = uniform([shape.columnRows], -1, 1, seed: 23).scalars
            let dz = uniform([shape.batch * positions], -1, 1, seed: 29).scalars
            let columns = [Double](unsafeUninitializedCapacity: shape.columnRows * shape.columnCount) { buffer, count in
                Double.imageToColumnsByLines(image.pointer, shape, into: buffer.baseAddress!)
                count = buffer.count
            }
            // y[q] = Σ_row w[row] X[row, q] and g[row] = Σ_q dz[q] X[row, q], summed in the kernels' orders.
            var expectedOutput = [Double](repeating: 0, count: shape.columnCount)
            for row in 0..<shape.columnRows {
                for q in 0..<shape.columnCount { expectedOutput[q] += weights[row] * columns[row * shape.columnCount + q] }
            }
            let expectedGradient = (0..<shape.columnRows).map { row in
                (0..<shape.columnCount).reduce(0.0) { $0 + dz[$1] * columns[row * shape.columnCount + $1] }
            }
            let output = [Double](unsafeUninitializedCapacity: shape.columnCount) { buffer, count in
                Double.convolutionToOneChannel(image.pointer, weights: weights, phases, into: buffer.baseAddress!)
                count = buffer.count
            }
            let gradient = [Double](unsafeUninitializedCapacity: shape.columnRows) { buffer, count in
                Double.oneChannelWeightGradient(image.pointer, outputGradient: dz, phases, into: buffer.baseAddress!)
                count = buffer.count
            }
            #expect(maximumDifference(output, expectedOutput) <= 1e-13, "\(shape)")
            #expect(maximumDifference(gradient, expectedGradient) <= 1e-12, "\(shape)")
        }
        #expect(checked > 60)
    }
}
