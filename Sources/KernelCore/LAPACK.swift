// LAPACK calls shared by Float and Double (workspace query, then the decomposition).

// MARK: - LAPACK calls shared by both types

/// The C signature of LAPACK `?syevd` for element type `S`.
public typealias LAPACKSymmetricEigen<S> = (
    UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<Int32>?, UnsafeMutablePointer<S>?,
    UnsafePointer<Int32>?, UnsafeMutablePointer<S>?, UnsafeMutablePointer<S>?, UnsafePointer<Int32>?,
    UnsafeMutablePointer<Int32>?, UnsafePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void

/// The C signature of LAPACK `?gesdd` for element type `S`.
public typealias LAPACKSingularValueDecomposition<S> = (
    UnsafePointer<CChar>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafeMutablePointer<S>?,
    UnsafePointer<Int32>?, UnsafeMutablePointer<S>?, UnsafeMutablePointer<S>?, UnsafePointer<Int32>?,
    UnsafeMutablePointer<S>?, UnsafePointer<Int32>?, UnsafeMutablePointer<S>?, UnsafePointer<Int32>?,
    UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void

/// Calls `?syevd` twice: a workspace query, then the decomposition (see the requirement).
func callSymmetricEigen<S: TensorScalar>(
    _ routine: LAPACKSymmetricEigen<S>,
    _ matrix: UnsafeMutablePointer<S>, order: Int, eigenvalues: UnsafeMutablePointer<S>
) -> Int {
    var n = Int32(order), lda = Int32(order), info: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
    var workSize: S = 0, iworkSize: Int32 = 0
    // Row-major symmetric = column-major symmetric; eigenvectors come back as columns, i.e. rows here.
    routine("V", "U", &n, matrix, &lda, eigenvalues, &workSize, &lwork, &iworkSize, &liwork, &info)
    guard info == 0 else { return Int(info) }
    lwork = Int32(workSize); liwork = iworkSize
    var work = [S](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    routine("V", "U", &n, matrix, &lda, eigenvalues, &work, &lwork, &iwork, &liwork, &info)
    return Int(info)
}

/// Calls `?gesdd` twice: a workspace query, then the decomposition (see the requirement).
func callSingularValueDecomposition<S: TensorScalar>(
    _ routine: LAPACKSingularValueDecomposition<S>,
    _ matrix: UnsafeMutablePointer<S>, rows m: Int, columns n: Int, u: UnsafeMutablePointer<S>, s: UnsafeMutablePointer<S>,
    vt: UnsafeMutablePointer<S>
) -> Int {
    // A row-major m×n matrix is the column-major n×m matrix Aᵀ = V S Uᵀ: ask LAPACK for the SVD of
    // Aᵀ and read its "U" as our Vᵀ (row-major) and its "Vᵀ" as our U (row-major).
    var rowsT = Int32(n), columnsT = Int32(m), lda = Int32(n), info: Int32 = 0
    let r = min(m, n)
    var ldu = Int32(n), ldvt = Int32(r), lwork: Int32 = -1, workSize: S = 0
    var iwork = [Int32](repeating: 0, count: 8 * r)
    routine("S", &rowsT, &columnsT, matrix, &lda, s, vt, &ldu, u, &ldvt, &workSize, &lwork, &iwork, &info)
    guard info == 0 else { return Int(info) }
    lwork = Int32(workSize)
    var work = [S](repeating: 0, count: Int(lwork))
    routine("S", &rowsT, &columnsT, matrix, &lda, s, vt, &ldu, u, &ldvt, &work, &lwork, &iwork, &info)
    return Int(info)
}
