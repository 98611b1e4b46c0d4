import KernelCore

// The sizes of convolutions and poolings: kernel, stride and padding per axis, the output sizes
// PyTorch's layers produce, and the shape checks that name what does not fit.

/// A shape an operation or layer cannot work with; the message names what and the shapes.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    /// One line naming the layer or operation and the shapes.
    public let description: String
    /// An error with a one-line message.
    public init(_ description: String) { self.description = description }
}

/// Height and width of an image plane (or of a kernel, a stride, a padding).
public struct PlaneSize: Sendable, Equatable, CustomStringConvertible {
    /// Rows.
    public var height: Int
    /// Columns.
    public var width: Int
    /// A size of `height` rows and `width` columns.
    public init(height: Int, width: Int) { self.height = height; self.width = width }
    /// The square size `side` × `side`.
    public init(_ side: Int) { self.init(height: side, width: side) }
    /// `3×3`, or `3` when square.
    public var description: String { height == width ? "\(height)" : "\(height)×\(width)" }
}

/// The geometry of a convolution: kernel size, stride and zero padding, per axis.
///
/// For an input of size H the output has ⌊(H + 2p − k) / s⌋ + 1 rows (PyTorch's `Conv2d`), and a
/// transposed convolution maps H back to (H − 1)·s − 2p + k + outputPadding (`ConvTranspose2d`).
public struct ConvolutionGeometry: Sendable, Equatable, CustomStringConvertible {
    /// Kernel height and width.
    public var kernel: PlaneSize
    /// Step between neighbouring output positions, in input pixels.
    public var stride: PlaneSize
    /// Zeros added on each side of the input.
    public var padding: PlaneSize

    /// A geometry from its three sizes.
    public init(kernel: PlaneSize, stride: PlaneSize = PlaneSize(1), padding: PlaneSize = PlaneSize(0)) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// A square geometry: `kernelSize` × `kernelSize`, the same stride and padding on both axes.
    public init(kernelSize: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kernel: PlaneSize(kernelSize), stride: PlaneSize(stride), padding: PlaneSize(padding))
    }

    /// `kernel 3, stride 2, padding 1`.
    public var description: String { "kernel \(kernel), stride \(stride), padding \(padding)" }

    /// The output size ⌊(H + 2p − k) / s⌋ + 1 per axis; throws when the stride is below 1, the padding
    /// negative, or the kernel larger than the padded input.
    public func outputSize(for input: PlaneSize) throws -> PlaneSize {
        guard kernel.height >= 1, kernel.width >= 1 else { throw ShapeError("kernel must be at least 1, got \(kernel)") }
        guard stride.height >= 1, stride.width >= 1 else { throw ShapeError("stride must be at least 1, got \(stride)") }
        guard padding.height >= 0, padding.width >= 0 else { throw ShapeError("padding must not be negative, got \(padding)") }
        let padded = PlaneSize(height: input.height + 2 * padding.height, width: input.width + 2 * padding.width)
        guard kernel.height <= padded.height, kernel.width <= padded.width else {
            throw ShapeError("kernel \(kernel) is larger than the padded input \(padded.height)×\(padded.width) (input \(input.height)×\(input.width), padding \(padding))")
        }
        return PlaneSize(height: (padded.height - kernel.height) / stride.height + 1,
                         width: (padded.width - kernel.width) / stride.width + 1)
    }

    /// The output size (H − 1)·s − 2p + k + outputPadding of the transposed convolution; throws when
    /// the output padding is not below the stride or the result would be empty.
    public func transposedOutputSize(for input: PlaneSize, outputPadding: PlaneSize) throws -> PlaneSize {
        guard kernel.height >= 1, kernel.width >= 1 else { throw ShapeError("kernel must be at least 1, got \(kernel)") }
        guard stride.height >= 1, stride.width >= 1 else { throw ShapeError("stride must be at least 1, got \(stride)") }
        guard padding.height >= 0, padding.width >= 0 else { throw ShapeError("padding must not be negative, got \(padding)") }
        guard outputPadding.height >= 0, outputPadding.width >= 0,
              outputPadding.height < stride.height, outputPadding.width < stride.width else {
            throw ShapeError("output padding \(outputPadding) must be at least 0 and smaller than the stride \(stride)")
        }
        let output = PlaneSize(
            height: (input.height - 1) * stride.height - 2 * padding.height + kernel.height + outputPadding.height,
            width: (input.width - 1) * stride.width - 2 * padding.width + kernel.width + outputPadding.width)
        guard output.height >= 1, output.width >= 1 else {
            throw ShapeError("output would be \(output.height)×\(output.width) for input \(input.height)×\(input.width) (\(self))")
        }
        return output
    }
}

/// Checks a convolution's input [N, C, H, W] against its weight and returns the output shape.
/// `weight` is [Cout, C, kH, kW], or [C, Cout, kH, kW] when `transposed`.
func convolutionOutputShape(
    input: [Int], weight: [Int], geometry: ConvolutionGeometry, transposed: Bool, outputPadding: PlaneSize = PlaneSize(0)
) throws -> [Int] {
    guard input.count == 4 else { throw ShapeError("input \(describe(input)) is not [batch, channels, height, width]") }
    guard weight.count == 4 else { throw ShapeError("weight \(describe(weight)) is not 4-dimensional") }
    let inputChannels = transposed ? weight[0] : weight[1], outputChannels = transposed ? weight[1] : weight[0]
    guard input[1] == inputChannels else {
        throw ShapeError("input \(describe(input)) has \(input[1]) channels, but the weight \(describe(weight)) expects \(inputChannels)")
    }
    guard weight[2] == geometry.kernel.height, weight[3] == geometry.kernel.width else {
        throw ShapeError("weight \(describe(weight)) does not match kernel \(geometry.kernel)")
    }
    let plane = PlaneSize(height: input[2], width: input[3])
    let output = transposed
        ? try geometry.transposedOutputSize(for: plane, outputPadding: outputPadding)
        : try geometry.outputSize(for: plane)
    return [input[0], outputChannels, output.height, output.width]
}
