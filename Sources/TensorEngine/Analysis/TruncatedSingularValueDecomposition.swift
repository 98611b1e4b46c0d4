import Foundation

// ANCHOR: truncated-svd
/// A truncated SVD X ≈ Uₖ Sₖ Vₖᵀ of a data matrix X [n, features], without centring:
/// latent semantic analysis (Deerwester et al. 1990) when X holds TF-IDF rows; the text
/// chapter compares it with an autoencoder. A row's code is x Vₖ (= its row of Uₖ Sₖ for a
/// training row).
///
/// Vₖ's rows are the right singular vectors with the k largest singular values. With fewer rows
/// than columns they come from the thin SVD of X; otherwise from the eigenvectors of the
/// [features, features] matrix XᵀX (eigenvalues sₖ²), which is cheaper when n is large. Each
/// component's sign is fixed so that its largest-magnitude entry is positive, so both routes give
/// the same components.
public struct TruncatedSingularValueDecomposition {
    /// The right singular vectors Vₖ as rows, [k, features], by decreasing singular value.
    public let components: Tensor<Float>
    /// The k largest singular values of X, decreasing.
    public let singularValues: [Float]

    /// Fits k components to the rows of `data`; the decomposition runs in Double.
    public init(fitting data: Tensor<Float>, componentCount k: Int) throws {
        let (rows, features) = (data.rowCount, data.columnCount)
        precondition(data.shape.count == 2 && k >= 1 && k <= Swift.min(rows, features),
                     "TruncatedSingularValueDecomposition: \(k) components of "
                     + describe(data.shape))
        let values: [Double], vectors: Tensor<Double>  // rows of Vᵀ, largest singular value first
        if rows < features {
            let matrix = Tensor<Double>(shape: data.shape, scalars: data.scalars.map(Double.init))
            (_, values, vectors) = try singularValueDecomposition(matrix)
        } else {
            let gram = withoutGradients { matmul(data, data, transposeA: true) }  // XᵀX
            let (eigenvalues, eigenvectors) = try symmetricEigendecomposition(
                Tensor<Double>(shape: gram.shape, scalars: gram.scalars.map(Double.init)))
            values = eigenvalues.reversed().map { Swift.max($0, 0).squareRoot() }
            vectors = eigenvectors.gatheringRows(Array((0..<features).reversed()))
        }
        var top: [Float] = []
        for component in 0..<k {
            let row = (0..<features).map { vectors[component, $0] }
            let largest = row.max { Swift.abs($0) < Swift.abs($1) } ?? 0
            top += row.map { Float(largest < 0 ? -$0 : $0) }
        }
        components = Tensor(shape: [k, features], scalars: top)
        singularValues = values.prefix(k).map(Float.init)
    }

    /// Codes x Vₖ of the rows of `data`, [n, k].
    public func encode(_ data: Tensor<Float>) -> Tensor<Float> {
        withoutGradients { matmul(data, components, transposeB: true) }
    }
}
// ANCHOR_END: truncated-svd

extension TruncatedSingularValueDecomposition {
    /// The rank-k reconstructions z Vₖᵀ of codes z, [n, features].
    public func decode(_ codes: Tensor<Float>) -> Tensor<Float> {
        withoutGradients { matmul(codes, components) }
    }

    /// The first `count` components only (a smaller LSA from the same fit).
    public func truncated(to count: Int) -> TruncatedSingularValueDecomposition {
        precondition(count >= 1 && count <= singularValues.count,
                     "TruncatedSingularValueDecomposition: cannot keep \(count) of \(singularValues.count) components")
        return TruncatedSingularValueDecomposition(components: components.rows(0..<count),
                                                   singularValues: Array(singularValues.prefix(count)))
    }

    private init(components: Tensor<Float>, singularValues: [Float]) {
        self.components = components
        self.singularValues = singularValues
    }
}
