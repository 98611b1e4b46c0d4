import KernelCore

// The convolutional chapter's three ways back up: one max-pooling encoder, three decoders.

// ANCHOR: decoders
/// How a decoder doubles an image's size: max-unpooling to the encoder's switches, a stride-2
/// transposed convolution, or nearest-neighbour upsampling.
public enum Upsampling: String, CaseIterable, Sendable { case unpooling, transposed, nearest }

/// A max-pooling encoder (two size-keeping 3 × 3 convolutions with 16 and 32 channels, each
/// followed by a ReLU and a 2 × 2 max-pooling, then a linear layer to the code) and a decoder that
/// doubles the image twice (7 → 14 → 28) by `kind`; 28 × 28 single-channel images as
/// rows of 784.
public final class PoolingAutoencoder {
    /// How the decoder doubles the size.
    public let kind: Upsampling
    let pool = MaxPool2d<Float>(kernelSize: 2), unpool = MaxUnpool2d<Float>()
    let upsample = Upsample<Float>(scale: 2)
    let convolution1, convolution2: Conv2d<Float>, toCode, fromCode: Linear<Float>
    let layer1, layer2: any FusesActivation<Float>

    /// Channels 16 and 32 (half the convolutional chapter's main model), weights from `generator`.
    public init(_ kind: Upsampling, codeSize: Int, generator: SeededGenerator) {
        self.kind = kind
        let g = generator
        convolution1 = Conv2d(inChannels: 1, outChannels: 16, kernelSize: 3, padding: 1,
                              generator: g)
        convolution2 = Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1,
                              generator: g)
        toCode = Linear(inputSize: 32 * 7 * 7, outputSize: codeSize, generator: g)
        fromCode = Linear(inputSize: codeSize, outputSize: 32 * 7 * 7, generator: g)
        if kind == .transposed {  // each layer doubles the size itself
            layer1 = ConvTranspose2d(inChannels: 32, outChannels: 16, kernelSize: 3, stride: 2,
                                     padding: 1, outputPadding: 1, generator: g)
            layer2 = ConvTranspose2d(inChannels: 16, outChannels: 1, kernelSize: 3, stride: 2,
                                     padding: 1, outputPadding: 1, generator: g)
        } else {  // unpooling or nearest upsampling doubles the size, then a convolution
            layer1 = Conv2d(inChannels: 32, outChannels: 16, kernelSize: 3, padding: 1,
                            generator: g)
            layer2 = Conv2d(inChannels: 16, outChannels: 1, kernelSize: 3, padding: 1, generator: g)
        }
    }

    /// `switchesFrom` decodes with the pooling positions of other images (what do they carry?).
    public func callAsFunction(_ rows: Tensor<Float>, switchesFrom other: Tensor<Float>? = nil)
        -> AutoencoderOutput {
        let n = rows.shape[0]
        let encode = { (rows: Tensor<Float>) in
            let image = rows.reshaped(to: [n, 1, 28, 28])
            let first = self.pool(self.convolution1(image, activation: .relu))
            let second = self.pool(self.convolution2(first.values, activation: .relu))
            return (first, second, self.toCode(second.values.reshaped(to: [n, 32 * 7 * 7])))
        }
        let (first, second, code) = encode(rows)
        let (switches1, switches2) = other.map {
            let (a, b, _) = encode($0)
            return (a.indices, b.indices)
        } ?? (first.indices, second.indices)
        var image = fromCode(code, activation: .relu).reshaped(to: [n, 32, 7, 7])
        switch kind {
        case .unpooling: image = unpool(image, indices: switches2, outputSize: PlaneSize(14))
        case .nearest: image = upsample(image)
        case .transposed: break
        }
        image = layer1(image, activation: .relu)
        switch kind {
        case .unpooling: image = unpool(image, indices: switches1, outputSize: PlaneSize(28))
        case .nearest: image = upsample(image)
        case .transposed: break
        }
        let logits = layer2(image, activation: nil).reshaped(to: [n, 784])
        return AutoencoderOutput(code: code, logits: logits)
    }

    /// Every trainable tensor.
    public var parameters: [Tensor<Float>] {
        [convolution1.parameters, convolution2.parameters, toCode.parameters, fromCode.parameters,
         layer1.parameters, layer2.parameters].flatMap { $0 }
    }
}
// ANCHOR_END: decoders

extension PoolingAutoencoder {
    /// The total number of scalars in the parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}
