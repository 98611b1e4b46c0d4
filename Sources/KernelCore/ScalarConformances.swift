import CBLAS
import Foundation

// The two element types: Float for training (Cephes-style vector math), Double for gradient checks
// (libm per lane), each with its BLAS and LAPACK routines. Float's vector functions are @inlinable so
// that the kernels of other modules, specialised for Float, inline them instead of calling them.

extension Float: TensorScalar {
    /// The concrete `.<`.
    @inlinable @inline(__always) public static func lanesLess(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<Int32>> { a .< b }
    /// The concrete `.<=`.
    @inlinable @inline(__always) public static func lanesLessOrEqual(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<Int32>> { a .<= b }
    /// `F32`.
    public static var safetensorsDataType: String { "F32" }
    /// Cephes-style polynomial, see ``vectorExp(_:)``.
    @inlinable @inline(__always) public static func vectorExp(_ x: SIMD16<Float>) -> SIMD16<Float> { KernelCore.vectorExp(x) }
    /// Cephes-style polynomial, see ``vectorLog(_:)``.
    @inlinable @inline(__always) public static func vectorLog(_ x: SIMD16<Float>) -> SIMD16<Float> { KernelCore.vectorLog(x) }
    /// See ``vectorLog1p(_:)``.
    @inlinable @inline(__always) public static func vectorLog1p(_ x: SIMD16<Float>) -> SIMD16<Float> { KernelCore.vectorLog1p(x) }
    /// See ``vectorSigmoid(_:)``.
    @inlinable @inline(__always) public static func vectorSigmoid(_ x: SIMD16<Float>) -> SIMD16<Float> { KernelCore.vectorSigmoid(x) }
    /// See ``vectorTanh(_:)``.
    @inlinable @inline(__always) public static func vectorTanh(_ x: SIMD16<Float>) -> SIMD16<Float> { KernelCore.vectorTanh(x) }
    /// See ``vectorSquareRoot(_:)``.
    @inlinable @inline(__always) public static func vectorSquareRoot(_ x: SIMD16<Float>) -> SIMD16<Float> { KernelCore.vectorSquareRoot(x) }

    /// `cblas_sgemm`.
    public static var blasGemm: BLASGemm<Float> { cblas_sgemm }
    /// `ssyevd_`.
    public static var lapackSymmetricEigen: LAPACKSymmetricEigen<Float> { ssyevd_ }
    /// `sgesdd_`.
    public static var lapackSingularValueDecomposition: LAPACKSingularValueDecomposition<Float> { sgesdd_ }
}

extension Double: TensorScalar {
    /// The concrete `.<`.
    @inline(__always) public static func lanesLess(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<Int64>> { a .< b }
    /// The concrete `.<=`.
    @inline(__always) public static func lanesLessOrEqual(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<Int64>> { a .<= b }
    /// `F64`.
    public static var safetensorsDataType: String { "F64" }
    /// libm `exp` per lane (Double is for gradient checks, where accuracy matters more than speed).
    public static func vectorExp(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.exp) }
    /// libm `log` per lane.
    public static func vectorLog(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.log) }
    /// libm `log1p` per lane.
    public static func vectorLog1p(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.log1p) }
    /// The correctly rounded √x per lane.
    public static func vectorSquareRoot(_ x: SIMD16<Double>) -> SIMD16<Double> { x.squareRoot() }
    /// 1 / (1 + e^-x) per lane, from e^-|x|.
    public static func vectorSigmoid(_ x: SIMD16<Double>) -> SIMD16<Double> {
        lanewise(x) { value in
            let e = Foundation.exp(-Swift.abs(value))
            return value >= 0 ? 1 / (1 + e) : e / (1 + e)
        }
    }
    /// libm `tanh` per lane.
    public static func vectorTanh(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.tanh) }

    private static func lanewise(_ x: SIMD16<Double>, _ function: (Double) -> Double) -> SIMD16<Double> {
        var result = SIMD16<Double>()
        for lane in 0..<16 { result[lane] = function(x[lane]) }
        return result
    }

    /// `cblas_dgemm`.
    public static var blasGemm: BLASGemm<Double> { cblas_dgemm }
    /// `dsyevd_`.
    public static var lapackSymmetricEigen: LAPACKSymmetricEigen<Double> { dsyevd_ }
    /// `dgesdd_`.
    public static var lapackSingularValueDecomposition: LAPACKSingularValueDecomposition<Double> { dgesdd_ }
}

// MARK: - Threading a matrix product

/// Multiply-adds below which a product runs on one thread: waking a second costs more than it saves.
let splitGemmThreshold = 1 << 18

/// Runs a row-major product C[m, n] = op(A) op(B) as one single-threaded BLAS call per block of C's
/// rows (or columns, whichever is longer), one block per engine thread. Every element of C is still
/// summed over the whole inner dimension by one call (so a given thread count always gives the same
/// bits; another count may round a block's edge differently), and no BLAS thread spins waiting between
/// calls (OpenBLAS runs single-threaded, see ``setThreadCount(_:elementwise:)``).
@inline(__always)
func splitGemm<S>(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int,
    _ a: UnsafePointer<S>, _ lda: Int, _ b: UnsafePointer<S>, _ ldb: Int, _ c: UnsafeMutablePointer<S>, _ ldc: Int,
    _ call: (_ m: Int, _ n: Int, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ c: UnsafeMutablePointer<S>) -> Void
) {
    let threads = gemmThreadCount
    guard threads > 1, m * n * k >= splitGemmThreshold, max(m, n) >= 32 else {
        call(m, n, a, b, c)
        return
    }
    let splitRows = m >= n
    let extent = splitRows ? m : n
    let block = ((extent + threads - 1) / threads + 15) & ~15
    let parts = (extent + block - 1) / block
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let start = part * block, size = min(block, extent - start)
        if splitRows {  // rows of op(A) and of C
            call(size, n, transposeA ? a + start : a + start * lda, b, c + start * ldc)
        } else {  // columns of op(B) and of C
            call(m, size, a, transposeB ? b + start * ldb : b + start, c + start)
        }
    }
}
