import Testing
@testable import TensorEngine

@Suite("Pooling autoencoder (three decoders)")
struct PoolingAutoencoderTests {
    /// Every kind maps rows of 784 to 784 logits and a code, with the parameter count written out:
    /// conv 1→16 (160), conv 16→32 (4 640), linear 1 568→20 (31 380), linear 20→1 568 (32 928), a
    /// 32→16 layer (4 624 either way) and a 16→1 layer (145).
    @Test(arguments: Upsampling.allCases)
    func shapesAndParameterCount(kind: Upsampling) {
        let model = PoolingAutoencoder(kind, codeSize: 20, generator: SeededGenerator(seed: 1))
        let rows = Tensor<Float>(randomUniform: [3, 784], generator: SeededGenerator(seed: 2))
        let output = model(rows)
        #expect(output.logits.shape == [3, 784])
        #expect(output.code.shape == [3, 20])
        let expected: Int = [160, 4640, 31380, 32928, 4624, 145].reduce(0, +)
        let count = model.parameters.reduce(0) { $0 + $1.count }
        #expect(count == expected)
    }

    /// Decoding with the switches of the same images is the ordinary forward pass; with another
    /// image's switches the unpooling decoder's output changes (the switches carry information).
    @Test func switchesFromTheSameImagesChangeNothing() {
        let model = PoolingAutoencoder(.unpooling, codeSize: 5, generator: SeededGenerator(seed: 3))
        let rows = Tensor<Float>(randomUniform: [4, 784], generator: SeededGenerator(seed: 4))
        let others = Tensor<Float>(randomUniform: [4, 784], generator: SeededGenerator(seed: 5))
        let plain = model(rows).logits.scalars
        // Equal up to rounding: a suite running beside this one may change the engine's thread count
        // between the two passes, and the convolutions' chunking (so their last bits) follows it.
        let same = zip(model(rows, switchesFrom: rows).logits.scalars, plain).map { Swift.abs($0 - $1) }
        #expect(same.max()! < 1e-5)
        let other = zip(model(rows, switchesFrom: others).logits.scalars, plain).map { Swift.abs($0 - $1) }
        #expect(other.max()! > 1e-3)
    }
}
