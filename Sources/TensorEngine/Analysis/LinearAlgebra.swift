import KernelCore
import Foundation

/// A failed LAPACK call, described in one line.
public struct LinearAlgebraError: Error, CustomStringConvertible {
    /// The routine and LAPACK's `info` code.
    public let description: String
}

/// Eigenvalues (ascending) and eigenvectors (rows, in the same order) of a symmetric matrix.
public func symmetricEigendecomposition<Scalar>(_ matrix: Tensor<Scalar>) throws -> (eigenvalues: [Scalar], eigenvectors: Tensor<Scalar>) {
    precondition(matrix.shape.count == 2 && matrix.shape[0] == matrix.shape[1],
                 "symmetricEigendecomposition: needs a square matrix, got \(describe(matrix.shape))")
    let order = matrix.shape[0]
    let vectors = matrix.detached().copy()
    var values = [Scalar](repeating: 0, count: order)
    let info = values.withUnsafeMutableBufferPointer {
        Scalar.symmetricEigen(vectors.mutablePointer, order: order, eigenvalues: $0.baseAddress!)
    }
    guard info == 0 else { throw LinearAlgebraError(description: "symmetric eigendecomposition (?syevd) failed with info \(info)") }
    return (values, vectors)
}

/// The thin SVD A = U diag(S) Vᵀ of an m×n matrix: U [m, r], S descending [r], Vᵀ [r, n], r = min(m, n).
public func singularValueDecomposition<Scalar>(_ matrix: Tensor<Scalar>) throws -> (u: Tensor<Scalar>, singularValues: [Scalar], vTransposed: Tensor<Scalar>) {
    precondition(matrix.shape.count == 2, "singularValueDecomposition: needs a matrix, got \(describe(matrix.shape))")
    let m = matrix.shape[0], n = matrix.shape[1], r = min(m, n)
    let work = matrix.detached().copy()
    let u = Tensor<Scalar>(zeros: [m, r]), vt = Tensor<Scalar>(zeros: [r, n])
    var values = [Scalar](repeating: 0, count: r)
    let info = values.withUnsafeMutableBufferPointer {
        Scalar.singularValueDecomposition(work.mutablePointer, rows: m, columns: n, u: u.mutablePointer,
                                          s: $0.baseAddress!, vt: vt.mutablePointer)
    }
    guard info == 0 else { throw LinearAlgebraError(description: "singular value decomposition (?gesdd) failed with info \(info)") }
    return (u, values, vt)
}

/// Principal component analysis: the top-k eigenvectors of the data's covariance matrix.
///
/// With the centred data X̄ (n rows), C = X̄ᵀX̄ / (n − 1); the components are C's eigenvectors with
/// the largest eigenvalues. A point's code is z = (x − μ) Vₖᵀ, its reconstruction x̂ = μ + z Vₖ —
/// the best rank-k linear reconstruction in squared error (Eckart–Young), which the basic chapter
/// compares autoencoders against.
public struct PrincipalComponentAnalysis {
    /// The mean μ of the training data, [1, features].
    public let mean: Tensor<Float>
    /// The components Vₖ as rows, [k, features], by decreasing variance.
    public let components: Tensor<Float>
    /// The variance along each component (its eigenvalue), decreasing.
    public let explainedVariance: [Float]

    /// Fits k components to the rows of `data` ([n, features]). The eigendecomposition runs in Double.
    public init(fitting data: Tensor<Float>, componentCount k: Int) throws {
        precondition(data.shape.count == 2 && k >= 1 && k <= data.shape[1],
                     "PrincipalComponentAnalysis: cannot fit \(k) components to data \(describe(data.shape))")
        let (n, features) = (data.shape[0], data.shape[1])
        let (mean, covariance) = withoutGradients { () -> (Tensor<Float>, Tensor<Double>) in
            let mean = data.mean(alongAxis: 0)
            let centred = data - mean
            let covariance = matmul(centred, centred, transposeA: true) * (1 / Float(max(n - 1, 1)))
            return (mean, Tensor<Double>(shape: covariance.shape, scalars: covariance.scalars.map(Double.init)))
        }
        let (values, vectors) = try symmetricEigendecomposition(covariance)
        var top: [Float] = []
        top.reserveCapacity(k * features)
        for component in 0..<k {
            let row = features - 1 - component  // eigenvalues ascend: take from the end
            top.append(contentsOf: (0..<features).map { Float(vectors[row, $0]) })
        }
        self.mean = mean
        self.components = Tensor(shape: [k, features], scalars: top)
        self.explainedVariance = (0..<k).map { Float(values[features - 1 - $0]) }
    }

    /// The first `count` components only: PCA-`count` of the same data, without fitting again.
    public func keepingComponents(_ count: Int) -> PrincipalComponentAnalysis {
        precondition(count >= 1 && count <= components.rowCount,
                     "PrincipalComponentAnalysis: cannot keep \(count) of \(components.rowCount) components")
        return PrincipalComponentAnalysis(mean: mean, components: components.rows(0..<count),
                                          explainedVariance: Array(explainedVariance.prefix(count)))
    }

    private init(mean: Tensor<Float>, components: Tensor<Float>, explainedVariance: [Float]) {
        self.mean = mean
        self.components = components
        self.explainedVariance = explainedVariance
    }

    /// Codes z = (x − μ) Vₖᵀ, [n, k].
    public func encode(_ data: Tensor<Float>) -> Tensor<Float> {
        withoutGradients { matmul(data - mean, components, transposeB: true) }
    }

    /// Reconstructions x̂ = μ + z Vₖ, [n, features].
    public func decode(_ codes: Tensor<Float>) -> Tensor<Float> {
        withoutGradients { matmul(codes, components) + mean }
    }
}
