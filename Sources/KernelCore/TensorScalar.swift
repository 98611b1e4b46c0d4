import CBLAS
import Foundation

/// An element type a ``Tensor`` can hold: `Float` for training, `Double` for gradient checks.
///
/// The requirements are what differs between the two types: vectorised elementary functions, lane
/// comparisons, and the BLAS/LAPACK routines (`ScalarConformances.swift`). The kernels — loops over raw
/// buffers, 16 lanes at a time — are written once, generically, in the `*Kernels.swift` files and
/// pre-specialised for both types. Chapters never call these directly; they use ``Tensor`` operations.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Sendable, LosslessStringConvertible, Codable
{
    /// The safetensors dtype name: `F32` or `F64`.
    static var safetensorsDataType: String { get }

    /// e^x lane by lane.
    static func vectorExp(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// Natural logarithm lane by lane.
    static func vectorLog(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// log(1 + x) lane by lane, accurate for small x.
    static func vectorLog1p(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// 1 / (1 + e^-x) lane by lane.
    static func vectorSigmoid(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// tanh(x) lane by lane.
    static func vectorTanh(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// √x lane by lane. A requirement because the generic `squareRoot()` of a SIMD vector calls
    /// libm's `sqrtf` once per lane on Linux.
    static func vectorSquareRoot(_ x: SIMD16<Self>) -> SIMD16<Self>
    /// a < b lane by lane. A requirement because the generic `.<` compiles to a lane-by-lane loop
    /// (~100× slower) even when specialised; the concrete types' own `.<` is one instruction.
    static func lanesLess(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<Self.SIMDMaskScalar>>
    /// a ≤ b lane by lane (see ``lanesLess(_:_:)``).
    static func lanesLessOrEqual(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<Self.SIMDMaskScalar>>

    /// BLAS `?gemm` (`cblas_sgemm` or `cblas_dgemm`), which ``gemm(transposeA:transposeB:rows:columns:inner:alpha:a:lda:b:ldb:beta:c:ldc:)``
    /// calls.
    static var blasGemm: BLASGemm<Self> { get }
    /// LAPACK `?syevd`, which ``symmetricEigen(_:order:eigenvalues:)`` calls.
    static var lapackSymmetricEigen: LAPACKSymmetricEigen<Self> { get }
    /// LAPACK `?gesdd`, which ``singularValueDecomposition(_:rows:columns:u:s:vt:)`` calls.
    static var lapackSingularValueDecomposition: LAPACKSingularValueDecomposition<Self> { get }
}

/// The C signature of BLAS `?gemm` for element type `S`.
public typealias BLASGemm<S> = (
    CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, S, UnsafePointer<S>?, blasint,
    UnsafePointer<S>?, blasint, S, UnsafeMutablePointer<S>?, blasint
) -> Void

extension TensorScalar {
    /// C ← α op(A) op(B) + β C on row-major matrices (BLAS `?gemm`); op is the identity or transpose.
    /// Split into blocks across the engine's threads (see ``splitGemm(_:_:_:_:_:_:_:_:_:_:_:_:)``).
    public static func gemm(
        transposeA: Bool, transposeB: Bool, rows m: Int, columns n: Int, inner k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        splitGemm(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc) { m, n, a, b, c in
            gemmOnCallingThread(transposeA: transposeA, transposeB: transposeB, rows: m, columns: n, inner: k,
                                alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// The same product as one BLAS call on the calling thread, for work that is already split across
    /// the engine's threads.
    public static func gemmOnCallingThread(
        transposeA: Bool, transposeB: Bool, rows m: Int, columns n: Int, inner k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int
    ) {
        blasGemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                 blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// C = op(A) op(B) for packed row-major matrices, whose leading dimensions follow from the shapes:
    /// op(A) is m×k, op(B) k×n, C m×n. One BLAS call on the calling thread.
    public static func packedProduct(
        _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, into c: UnsafeMutablePointer<Self>,
        rows m: Int, columns n: Int, inner k: Int, transposeA: Bool = false, transposeB: Bool = false
    ) {
        gemmOnCallingThread(transposeA: transposeA, transposeB: transposeB, rows: m, columns: n, inner: k,
                            alpha: 1, a: a, lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n,
                            beta: 0, c: c, ldc: n)
    }

    /// Symmetric eigendecomposition in place (LAPACK `?syevd`): on return `matrix` holds the
    /// eigenvectors as rows and `eigenvalues` ascending. Returns LAPACK's `info` (0 on success).
    public static func symmetricEigen(
        _ matrix: UnsafeMutablePointer<Self>, order: Int, eigenvalues: UnsafeMutablePointer<Self>
    ) -> Int {
        callSymmetricEigen(lapackSymmetricEigen, matrix, order: order, eigenvalues: eigenvalues)
    }

    /// Thin singular value decomposition of a row-major m×n matrix (LAPACK `?gesdd`, destroying
    /// `matrix`): U is m×r, S has r values descending, Vᵀ is r×n, r = min(m, n). Returns `info`.
    public static func singularValueDecomposition(
        _ matrix: UnsafeMutablePointer<Self>, rows m: Int, columns n: Int,
        u: UnsafeMutablePointer<Self>, s: UnsafeMutablePointer<Self>, vt: UnsafeMutablePointer<Self>
    ) -> Int {
        callSingularValueDecomposition(lapackSingularValueDecomposition, matrix, rows: m, columns: n,
                                       u: u, s: s, vt: vt)
    }
}
