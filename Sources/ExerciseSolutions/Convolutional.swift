// Solution of exercise convolutional.1 (the task: Sources/Exercises/Convolutional.swift).
import TensorEngine

// ANCHOR: solution
/// Solution of convolutional.1: stretch and pad the input, flip the kernels, convolve with
/// stride 1.
public func transposedConvolutionAsConvolution<Scalar>(
    _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?,
    stride: Int, padding: Int
) throws -> Tensor<Scalar> {
    let (planes, height, width) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
    let kernel = weight.shape[2], border = kernel - 1 - padding
    // Steps 1 and 2: pixel (y, x) lands at (border + y·s, border + x·s) of a zero plane.
    let stretchedHeight = (height - 1) * stride + 1 + 2 * border
    let stretchedWidth = (width - 1) * stride + 1 + 2 * border
    var stretched = [Scalar](repeating: 0, count: planes * stretchedHeight * stretchedWidth)
    let pixels = input.scalars
    for plane in 0..<planes {
        for y in 0..<height {
            for x in 0..<width {
                let row = plane * stretchedHeight + border + y * stride
                let target = row * stretchedWidth + border + x * stride
                stretched[target] = pixels[(plane * height + y) * width + x]
            }
        }
    }
    // Step 3: flipped[o][i][a][b] = weight[i][o][k−1−a][k−1−b].
    let (inputChannels, outputChannels) = (weight.shape[0], weight.shape[1])
    let kernels = weight.scalars
    var flipped = [Scalar](repeating: 0, count: weight.count)
    for o in 0..<outputChannels {
        for i in 0..<inputChannels {
            for a in 0..<kernel {
                for b in 0..<kernel {
                    flipped[((o * inputChannels + i) * kernel + a) * kernel + b] =
                        kernels[((i * outputChannels + o) * kernel + (kernel - 1 - a)) * kernel
                                + (kernel - 1 - b)]
                }
            }
        }
    }
    // Step 4.
    let stretchedShape = [input.shape[0], input.shape[1], stretchedHeight, stretchedWidth]
    let stretchedInput = Tensor(shape: stretchedShape, scalars: stretched)
    let flippedShape = [outputChannels, inputChannels, kernel, kernel]
    let flippedWeight = Tensor(shape: flippedShape, scalars: flipped)
    return convolution2D(stretchedInput, weight: flippedWeight,
                         bias: bias, geometry: ConvolutionGeometry(kernelSize: kernel))
}
// ANCHOR_END: solution
