import CBLAS
import Foundation

/// An element type a ``Tensor`` can hold: `Float` for training, `Double` for gradient checks.
///
/// The requirements are the engine's kernels: loops over raw buffers, 16 lanes at a time. Each is
/// implemented once, generically, in the extension below; the conformances of `Float` and `Double`
/// in this file make the compiler emit a specialised copy for each type, so no generic dispatch is
/// left inside a loop. Chapters never call these directly; they use the ``Tensor`` operations.
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
    /// a < b lane by lane. A requirement because the generic `.<` compiles to a lane-by-lane loop
    /// (~100× slower) even when specialised; the concrete types' own `.<` is one instruction.
    static func lanesLess(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<Self.SIMDMaskScalar>>
    /// a ≤ b lane by lane (see ``lanesLess(_:_:)``).
    static func lanesLessOrEqual(_ a: SIMD16<Self>, _ b: SIMD16<Self>) -> SIMDMask<SIMD16<Self.SIMDMaskScalar>>

    /// C ← α op(A) op(B) + β C on row-major matrices (BLAS `?gemm`); op is the identity or transpose.
    static func gemm(
        transposeA: Bool, transposeB: Bool, rows m: Int, columns n: Int, inner k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    // MARK: Kernels (implemented once in Kernels.swift)

    /// y = f(x) element by element.
    static func applyUnary(_ function: UnaryFunction, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int)
    /// out (+)= g ⊙ f′(x), where f′ may be computed from the input x or the forward output y.
    static func applyUnaryDerivative(
        _ function: UnaryFunction, input x: UnsafePointer<Self>, output y: UnsafePointer<Self>,
        upstream g: UnsafePointer<Self>, into out: UnsafeMutablePointer<Self>, count: Int, accumulate: Bool)
    /// y = a ∘ b element by element, ∘ one of + − × ÷.
    static func applyBinary(
        _ operation: BinaryOperation, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>,
        _ y: UnsafeMutablePointer<Self>, count: Int)
    /// y = a ∘ s (or s ∘ a when `scalarFirst`) for a scalar s.
    static func applyBinaryScalar(
        _ operation: BinaryOperation, _ a: UnsafePointer<Self>, scalar: Self, scalarFirst: Bool,
        _ y: UnsafeMutablePointer<Self>, count: Int)
    /// out = (accumulate ? out : 0) + scale · source.
    static func accumulate(
        _ source: UnsafePointer<Self>, scaledBy scale: Self, into out: UnsafeMutablePointer<Self>, count: Int,
        accumulate: Bool)
    /// out = (accumulate ? out : 0) + value.
    static func fill(_ out: UnsafeMutablePointer<Self>, value: Self, count: Int, accumulate: Bool)
    /// Σ x, summed in a fixed order (so the same input always gives the same bits).
    static func sum(_ x: UnsafePointer<Self>, count: Int) -> Self
    /// Σ a ⊙ b.
    static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Self
    /// The largest element and its first index (NaN wins, so a NaN is never hidden).
    static func maximum(_ x: UnsafePointer<Self>, count: Int) -> (value: Self, index: Int)
    /// Whether no element is NaN or ±∞.
    static func allFinite(_ x: UnsafePointer<Self>, count: Int) -> Bool
    /// y[r, :] = f(y[r, :] + bias) for every row, in one pass (the tail of a fused linear layer).
    static func addBiasAndActivate(
        _ y: UnsafeMutablePointer<Self>, bias: UnsafePointer<Self>?, rows: Int, columns: Int,
        activation: UnaryFunction?)
    /// out[c] = (accumulate ? out[c] : 0) + Σ_r x[r, c]: the gradient of a row broadcast.
    static func sumRows(
        _ x: UnsafePointer<Self>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Self>, accumulate: Bool)
    /// Row-wise softmax, or log-softmax when `logarithm`, with the row maximum subtracted first.
    static func softmaxRows(
        _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, rows: Int, columns: Int, logarithm: Bool)
    /// Σ max(z, 0) − z y + log(1 + e^−|z|); optionally the per-element losses and the gradient
    /// scale · (σ(z) − y), all in one pass.
    static func sigmoidCrossEntropy(
        logits z: UnsafePointer<Self>, labels y: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self) -> Double
    /// Σ (p − t)²; optionally the per-element losses and the gradient scale · 2 (p − t), in one pass.
    static func squaredError(
        predicted p: UnsafePointer<Self>, expected t: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self) -> Double
    /// One Adam step exactly as `torch.optim.Adam` (L2 weight decay added to the gradient).
    static func adamStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>,
        firstMoment: UnsafeMutablePointer<Self>, secondMoment: UnsafeMutablePointer<Self>, count: Int,
        learningRate: Self, beta1: Self, beta2: Self, epsilon: Self, weightDecay: Self,
        biasCorrection1: Self, biasCorrection2: Self)
    /// One SGD step exactly as `torch.optim.SGD` (momentum buffer b ← μ b + g, starting at g).
    static func sgdStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>,
        velocity: UnsafeMutablePointer<Self>?, count: Int, learningRate: Self, momentum: Self,
        weightDecay: Self, firstStep: Bool)

    /// Symmetric eigendecomposition in place (LAPACK `?syevd`): on return `matrix` holds the
    /// eigenvectors as rows and `eigenvalues` ascending. Returns LAPACK's `info` (0 on success).
    static func symmetricEigen(
        _ matrix: UnsafeMutablePointer<Self>, order: Int, eigenvalues: UnsafeMutablePointer<Self>) -> Int

    /// Thin singular value decomposition of a row-major m×n matrix (LAPACK `?gesdd`, destroying
    /// `matrix`): U is m×r, S has r values descending, Vᵀ is r×n, r = min(m, n). Returns `info`.
    static func singularValueDecomposition(
        _ matrix: UnsafeMutablePointer<Self>, rows m: Int, columns n: Int,
        u: UnsafeMutablePointer<Self>, s: UnsafeMutablePointer<Self>, vt: UnsafeMutablePointer<Self>) -> Int
}

