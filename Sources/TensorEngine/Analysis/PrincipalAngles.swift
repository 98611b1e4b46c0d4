import Foundation

// ANCHOR: principal-angles
/// The principal angles (degrees, ascending) between the column space of `basis` [n, k] and the
/// span of the rows of `rows` [k, n] (orthonormal rows, such as PCA's components): with Q₁ an
/// orthonormal basis of the columns (the left singular vectors of `basis`) and Q₂ = `rows`ᵀ,
/// θᵢ = arccos σᵢ(Q₁ᵀQ₂). All zero means the two subspaces are the same
/// (Björck & Golub 1973).
public func principalAngles(columnsOf basis: Tensor<Float>,
                            rowsOf rows: Tensor<Float>) throws -> [Double] {
    let orthonormal = try singularValueDecomposition(basis).u
    let overlap = withoutGradients { matmul(orthonormal, rows, transposeA: true, transposeB: true) }
    return try singularValueDecomposition(overlap).singularValues
        .map { acos(Double(Swift.min($0, 1))) * 180 / .pi }.sorted()
}
// ANCHOR_END: principal-angles
