import KernelCore

// Matrix products through BLAS, and the fused linear layer y = f(x Wᵀ + b).

/// op(a) · op(b) for matrices, where op transposes when asked — BLAS reads the operand transposed
/// in place, nothing is copied. With C = A B: ∂/∂A = G Bᵀ, ∂/∂B = Aᵀ G.
public func matmul<Scalar>(
    _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposeA: Bool = false, transposeB: Bool = false
) -> Tensor<Scalar> {
    precondition(a.shape.count == 2 && b.shape.count == 2,
                 "matmul: needs two matrices, got shapes \(describe(a.shape)) and \(describe(b.shape))")
    let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
    let kB = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1]
    precondition(k == kB, "matmul: inner extents differ: shapes \(describe(a.shape))\(transposeA ? "ᵀ" : "") and \(describe(b.shape))\(transposeB ? "ᵀ" : "")")
    let result = Tensor<Scalar>(uninitializedShape: [m, n], operation: "matmul")
    Scalar.gemm(transposeA: transposeA, transposeB: transposeB, rows: m, columns: n, inner: k,
                alpha: 1, a: a.pointer, lda: a.shape[1], b: b.pointer, ldb: b.shape[1],
                beta: 0, c: result.mutablePointer, ldc: n)
    return result.recording("matmul", inputs: [a, b]) { output in
        let g = output.gradient!
        a.accumulateGradient { da, accumulate in
            if transposeA {  // dA = op(B) Gᵀ, shape [k, m]
                Scalar.gemm(transposeA: transposeB, transposeB: true, rows: k, columns: m, inner: n,
                            alpha: 1, a: b.pointer, lda: b.shape[1], b: g.pointer, ldb: n,
                            beta: accumulate ? 1 : 0, c: da, ldc: m)
            } else {  // dA = G op(B)ᵀ, shape [m, k]
                Scalar.gemm(transposeA: false, transposeB: !transposeB, rows: m, columns: k, inner: n,
                            alpha: 1, a: g.pointer, lda: n, b: b.pointer, ldb: b.shape[1],
                            beta: accumulate ? 1 : 0, c: da, ldc: k)
            }
        }
        b.accumulateGradient { db, accumulate in
            if transposeB {  // dB = Gᵀ op(A), shape [n, k]
                Scalar.gemm(transposeA: true, transposeB: transposeA, rows: n, columns: k, inner: m,
                            alpha: 1, a: g.pointer, lda: n, b: a.pointer, ldb: a.shape[1],
                            beta: accumulate ? 1 : 0, c: db, ldc: k)
            } else {  // dB = op(A)ᵀ G, shape [k, n]
                Scalar.gemm(transposeA: !transposeA, transposeB: false, rows: k, columns: n, inner: m,
                            alpha: 1, a: a.pointer, lda: a.shape[1], b: g.pointer, ldb: n,
                            beta: accumulate ? 1 : 0, c: db, ldc: n)
            }
        }
    }
}

/// The fused layer y = f(x Wᵀ + b) for a batch x [batch, in], weight W [out, in] (PyTorch's layout)
/// and bias b [out]: one GEMM, then bias and activation in a single pass over y.
///
/// With z = x Wᵀ + b and dz = g ⊙ f′(z) (computed from y): ∂/∂W = dzᵀ x, ∂/∂b = Σ_rows dz,
/// ∂/∂x = dz W. Activations whose derivative needs z itself (softplus, …) are applied unfused.
public func linear<Scalar>(
    _ x: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?, activation: UnaryFunction? = nil
) -> Tensor<Scalar> {
    if let activation, !activation.derivativeNeedsOnlyOutput {
        return linear(x, weight: weight, bias: bias).applying(activation, "activation")
    }
    precondition(x.shape.count == 2 && weight.shape.count == 2 && x.shape[1] == weight.shape[1],
                 "linear: input \(describe(x.shape)) does not match weight \(describe(weight.shape)) [out, in]")
    let batch = x.shape[0], inputSize = x.shape[1], outputSize = weight.shape[0]
    if let bias {
        precondition(bias.count == outputSize, "linear: bias \(describe(bias.shape)) does not match weight \(describe(weight.shape))")
    }
    let result = Tensor<Scalar>(uninitializedShape: [batch, outputSize], operation: "linear")
    Scalar.gemm(transposeA: false, transposeB: true, rows: batch, columns: outputSize, inner: inputSize,
                alpha: 1, a: x.pointer, lda: inputSize, b: weight.pointer, ldb: inputSize,
                beta: 0, c: result.mutablePointer, ldc: outputSize)
    Scalar.addBiasAndActivate(result.mutablePointer, bias: bias?.pointer, rows: batch, columns: outputSize,
                              activation: activation)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recording("linear", inputs: inputs) { output in
        let upstream = output.gradient!
        var preActivationGradient = upstream
        if let activation {
            preActivationGradient = Tensor(uninitializedShape: output.shape, operation: "gradient")
            Scalar.applyUnaryDerivative(activation, input: output.pointer, output: output.pointer,
                                        upstream: upstream.pointer, into: preActivationGradient.mutablePointer,
                                        count: output.count, accumulate: false)
        }
        let dz = preActivationGradient.pointer
        weight.accumulateGradient { dw, accumulate in
            Scalar.gemm(transposeA: true, transposeB: false, rows: outputSize, columns: inputSize, inner: batch,
                        alpha: 1, a: dz, lda: outputSize, b: x.pointer, ldb: inputSize,
                        beta: accumulate ? 1 : 0, c: dw, ldc: inputSize)
        }
        bias?.accumulateGradient { db, accumulate in
            Scalar.sumRows(dz, rows: batch, columns: outputSize, into: db, accumulate: accumulate)
        }
        x.accumulateGradient { dx, accumulate in
            Scalar.gemm(transposeA: false, transposeB: false, rows: batch, columns: inputSize, inner: outputSize,
                        alpha: 1, a: dz, lda: outputSize, b: weight.pointer, ldb: inputSize,
                        beta: accumulate ? 1 : 0, c: dx, ldc: inputSize)
        }
    }
}
