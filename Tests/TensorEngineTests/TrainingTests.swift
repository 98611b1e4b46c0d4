import Foundation
import Testing
@testable import TensorEngine

/// 64 binary-ish samples of 16 features that lie near a 3-dimensional manifold:
/// x = σ(6 · z Aᵀ) with z ~ N(0, I₃) and A ~ N(0, 1) [16, 3], so most values sit near 0 or 1.
func binaryIshSamples(seed: UInt64) -> Tensor<Float> {
    let generator = SeededGenerator(seed: seed)
    let z = Tensor<Float>(randomNormal: [64, 3], generator: generator)
    let a = Tensor<Float>(randomNormal: [16, 3], generator: generator)
    return withoutGradients { sigmoid(6 * matmul(z, a, transposeB: true)) }
}

/// Trains a 16-8-4-8-16 ReLU autoencoder (sigmoid output) on `data`, full batch, Adam lr 1e-2;
/// returns the loss before the first step, the loss after the last and the model.
func trainAutoencoder(_ data: Tensor<Float>, steps: Int) -> (first: Float, last: Float, model: Sequential<Float>) {
    let model = Sequential<Float>.perceptron(sizes: [16, 8, 4, 8, 16], activation: .relu, outputActivation: .sigmoid,
                                             generator: SeededGenerator(seed: 7))
    var adam = Adam(parameters: model.parameters, learningRate: 1e-2)
    var first: Float = 0, last: Float = 0
    for step in 0..<steps {
        adam.zeroGradients()
        let loss = meanSquaredError(predicted: model(data), expected: data)
        if step == 0 { first = loss.scalarValue }
        loss.backward()
        adam.step()
    }
    last = withoutGradients { meanSquaredError(predicted: model(data), expected: data).scalarValue }
    return (first, last, model)
}

extension TensorEngineTests {
@Suite("Training, linear algebra, random numbers")
struct TrainingTests {
    @Test("a small autoencoder overfits 64 samples")
    func autoencoderOverfits() {
        let data = binaryIshSamples(seed: 1)
        let (first, last, model) = trainAutoencoder(data, steps: 400)
        // At the start the sigmoid outputs sit near 0.5 and the MSE is ≈ 0.2 (measured 0.196: the
        // data's values are near 0 or 1). The data has 3 degrees of freedom and the code 4 units, so
        // the network can fit it; after 400 full-batch Adam steps the MSE measured 2.0e-3, i.e. an
        // RMS error of 0.045 per feature. The thresholds (MSE < 5e-3, 40× below the start) leave
        // room for BLAS summation-order differences while failing for any broken gradient, which
        // leaves the loss near 0.2 (or above, for a sign error).
        #expect(first > 0.15 && first < 0.3, "first loss \(first)")
        #expect(last < 5e-3, "final loss \(last)")
        #expect(last < first / 40)
        // Reconstructions land on the right side of 1/2 for (almost) every clearly binary feature.
        let reconstruction = withoutGradients { model(data) }.scalars
        let clear = zip(data.scalars, reconstruction).filter { Swift.abs($0.0 - 0.5) > 0.25 }
        let correct = clear.filter { ($0.0 > 0.5) == ($0.1 > 0.5) }.count
        #expect(Double(correct) / Double(clear.count) > 0.99, "\(correct) of \(clear.count)")
    }

    @Test("PCA recovers the direction of a stretched point cloud")
    func principalComponents() throws {
        // 200 points along u = (3, 4, 0)/5 with spread 3, plus noise 0.1 in every direction, around (1, 2, 3).
        let generator = SeededGenerator(seed: 11)
        let u: [Float] = [0.6, 0.8, 0], centre: [Float] = [1, 2, 3]
        var rows: [Float] = []
        for _ in 0..<200 {
            let t = Float(3 * generator.nextNormal())
            for j in 0..<3 { rows.append(centre[j] + t * u[j] + Float(0.1 * generator.nextNormal())) }
        }
        let data = Tensor<Float>(shape: [200, 3], scalars: rows)
        let pca = try PrincipalComponentAnalysis(fitting: data, componentCount: 2)
        #expect(pca.components.shape == [2, 3])
        let first = Array(pca.components.scalars.prefix(3))
        let alignment = Swift.abs(zip(first, u).map { $0 * $1 }.reduce(0, +))  // |cos| of the angle, up to sign
        #expect(alignment > 0.999, "first component \(first)")
        #expect(pca.explainedVariance[0] > 7 && pca.explainedVariance[0] < 11, "\(pca.explainedVariance)")  // ≈ 9
        #expect(pca.explainedVariance[1] < 0.02)  // ≈ 0.01
        #expect(maximumDifference(pca.mean.scalars, centre) < 0.5)
        // Components are orthonormal.
        let gram = matmul(pca.components, pca.components, transposeB: true).scalars
        #expect(maximumDifference(gram, [1, 0, 0, 1]) < 1e-5)
        // Encoding then decoding keeps the points up to the discarded noise (RMS ≈ 0.1).
        let reconstruction = pca.decode(pca.encode(data))
        let mse = withoutGradients { meanSquaredError(predicted: reconstruction, expected: data) }.scalarValue
        #expect(mse < 0.01, "\(mse)")
    }

    @Test("PCA keeping its first k components equals PCA fitted with k")
    func keepingComponents() throws {
        let data = uniform([50, 6], 0, 1, seed: 12)
        let floats = Tensor<Float>(shape: data.shape, scalars: data.scalars.map(Float.init))
        let kept = try PrincipalComponentAnalysis(fitting: floats, componentCount: 5).keepingComponents(2)
        let fitted = try PrincipalComponentAnalysis(fitting: floats, componentCount: 2)
        #expect(kept.components.shape == [2, 6] && kept.explainedVariance.count == 2)
        #expect(maximumDifference(kept.explainedVariance, fitted.explainedVariance) < 1e-5)
        // Components are defined up to sign: compare the reconstructions.
        let difference = maximumDifference(kept.decode(kept.encode(floats)).scalars,
                                           fitted.decode(fitted.encode(floats)).scalars)
        #expect(difference < 1e-4)
    }

    @Test("SVD reconstructs the matrix", arguments: [[5, 3], [3, 5], [4, 4]])
    func singularValues(_ shape: [Int]) throws {
        let a = uniform(shape, -1, 1, seed: 21)
        let (u, s, vt) = try singularValueDecomposition(a)
        let r = shape.min()!
        #expect(u.shape == [shape[0], r] && vt.shape == [r, shape[1]] && s.count == r)
        #expect(zip(s, s.dropFirst()).allSatisfy { $0 >= $1 } && s.allSatisfy { $0 >= 0 })
        let reconstructed = matmul(u * Tensor(shape: [r], scalars: s), vt)  // U diag(S) Vᵀ
        #expect(maximumDifference(reconstructed.scalars, a.scalars) < 1e-12)
        // Orthonormal columns of U and rows of Vᵀ.
        let identity = (0..<r * r).map { $0 % (r + 1) == 0 ? 1.0 : 0.0 }
        #expect(maximumDifference(matmul(u, u, transposeA: true).scalars, identity) < 1e-12)
        #expect(maximumDifference(matmul(vt, vt, transposeB: true).scalars, identity) < 1e-12)
        // Float agrees to single precision.
        let af = Tensor<Float>(shape: shape, scalars: a.scalars.map(Float.init))
        let (_, sf, _) = try singularValueDecomposition(af)
        #expect(maximumDifference(sf.map(Double.init), s) < 1e-5)
    }

    @Test("symmetric eigendecomposition of a known matrix")
    func eigen() throws {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, −1)/√2 and (1, 1)/√2.
        let (values, vectors) = try symmetricEigendecomposition(Tensor<Double>([[2, 1], [1, 2]]))
        #expect(maximumDifference(values, [1, 3]) < 1e-14)
        let h = 1 / 2.0.squareRoot()
        #expect(Swift.abs(Swift.abs(vectors[1, 0]) - h) < 1e-14 && Swift.abs(vectors[1, 0] - vectors[1, 1]) < 1e-14)
        #expect(Swift.abs(vectors[0, 0] + vectors[0, 1]) < 1e-14)
    }

    @Test("SeededGenerator: SplitMix64 values, same seed same stream, uniform and normal draws")
    func generator() {
        // SplitMix64 reference outputs for seed 0 (Vigna's splitmix64.c).
        let zero = SeededGenerator(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
        #expect(zero.next() == 0x6E78_9E6A_A1B9_65F4)
        let a = SeededGenerator(seed: 12345), b = SeededGenerator(seed: 12345), c = SeededGenerator(seed: 12346)
        let streamA = (0..<100).map { _ in a.next() }
        #expect(streamA == (0..<100).map { _ in b.next() })
        #expect(streamA != (0..<100).map { _ in c.next() })
        #expect(a.seed == 12345)
        let uniforms = (0..<10_000).map { _ in a.nextUniform() }
        #expect(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Swift.abs(uniforms.reduce(0, +) / 10_000 - 0.5) < 0.01)
        let normals = (0..<10_000).map { _ in a.nextNormal() }
        let mean = normals.reduce(0, +) / 10_000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 9_999
        #expect(Swift.abs(mean) < 0.05 && Swift.abs(variance - 1) < 0.05)
        // Tensors drawn from equal seeds are equal.
        let t1 = Tensor<Float>(randomNormal: [3, 7], mean: 1, standardDeviation: 2, generator: SeededGenerator(seed: 9))
        let t2 = Tensor<Float>(randomNormal: [3, 7], mean: 1, standardDeviation: 2, generator: SeededGenerator(seed: 9))
        #expect(t1.scalars == t2.scalars)
        let box = Tensor<Double>(randomUniform: [1000], lower: -2, upper: 3, generator: SeededGenerator(seed: 9)).scalars
        #expect(box.allSatisfy { $0 >= -2 && $0 < 3 })
    }
}
}
