import KernelCore

// The transposed convolution written as an ordinary convolution of a stretched input, for teaching
// and for testing the fast one against.

/// The transposed convolution computed the long way (Dumoulin & Visin 2016, §4): insert s − 1 zeros
/// between neighbouring input pixels, pad with k − 1 − p zeros on each side (plus the output padding
/// at the bottom and right), then run an ordinary stride-1 convolution with every kernel flipped and
/// the weight's channel axes swapped. Equals ``transposedConvolution2D(_:weight:bias:geometry:outputPadding:activation:)``
/// up to rounding; slower, and here to show (and test) why the two are the same. Needs p ≤ k − 1.
/// Values only: gradients do not flow through it.
public func transposedConvolutionByZeroInsertion<Scalar>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?, geometry: ConvolutionGeometry,
    outputPadding: PlaneSize = PlaneSize(0)
) -> Tensor<Scalar> {
    precondition(input.shape.count == 4 && weight.shape.count == 4 && input.shape[1] == weight.shape[0],
                 "transposedConvolutionByZeroInsertion: input \(describe(input.shape)) does not match weight \(describe(weight.shape))")
    let (kernel, stride, padding) = (geometry.kernel, geometry.stride, geometry.padding)
    precondition(padding.height < kernel.height && padding.width < kernel.width,
                 "transposedConvolutionByZeroInsertion: padding \(padding) must be below the kernel \(kernel)")
    let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let border = PlaneSize(height: kernel.height - 1 - padding.height, width: kernel.width - 1 - padding.width)
    let spread = PlaneSize(height: (height - 1) * stride.height + 1, width: (width - 1) * stride.width + 1)
    let padded = PlaneSize(height: spread.height + 2 * border.height + outputPadding.height,
                           width: spread.width + 2 * border.width + outputPadding.width)
    var values = [Scalar](repeating: 0, count: batch * channels * padded.height * padded.width)
    let source = input.scalars
    for plane in 0..<(batch * channels) {
        for y in 0..<height {
            for x in 0..<width {
                let row = border.height + y * stride.height, column = border.width + x * stride.width
                values[(plane * padded.height + row) * padded.width + column] = source[(plane * height + y) * width + x]
            }
        }
    }
    let zeroInserted = Tensor<Scalar>(shape: [batch, channels, padded.height, padded.width], scalars: values)
    // Flip each kernel and swap [in, out] to a convolution's [out, in].
    let (inputChannels, outputChannels) = (weight.shape[0], weight.shape[1])
    let weights = weight.scalars
    var flipped = [Scalar](repeating: 0, count: weight.count)
    for i in 0..<inputChannels {
        for o in 0..<outputChannels {
            for y in 0..<kernel.height {
                for x in 0..<kernel.width {
                    let from = ((i * outputChannels + o) * kernel.height + y) * kernel.width + x
                    let to = ((o * inputChannels + i) * kernel.height + (kernel.height - 1 - y)) * kernel.width + (kernel.width - 1 - x)
                    flipped[to] = weights[from]
                }
            }
        }
    }
    let convolutionWeight = Tensor<Scalar>(shape: [outputChannels, inputChannels, kernel.height, kernel.width], scalars: flipped)
    return convolution2D(zeroInserted, weight: convolutionWeight, bias: bias, geometry: ConvolutionGeometry(kernel: kernel))
}
