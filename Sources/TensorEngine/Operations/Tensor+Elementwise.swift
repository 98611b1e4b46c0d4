import KernelCore
import Foundation

// Element-wise functions of one tensor. Each forward formula and its derivative live together in
// `UnaryFunction` (Kernels.swift); this file makes them tensor operations on the tape.

extension Tensor {
    /// f(self) element by element, recording d/dx = g ⊙ f′(x).
    func applying(_ function: UnaryFunction, _ name: String) -> Tensor<Scalar> {
        let result = Tensor(uninitializedShape: shape, operation: name)
        Scalar.applyUnary(function, pointer, result.mutablePointer, count: count)
        return result.recording(name, inputs: [self]) { output in
            self.accumulateGradient { g, accumulate in
                Scalar.applyUnaryDerivative(function, input: self.pointer, output: output.pointer,
                                            upstream: output.gradient!.pointer, into: g, count: self.count,
                                            accumulate: accumulate)
            }
        }
    }
}

/// e^x element-wise. d/dx = e^x.
public func exp<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.exp, "exp") }
/// ln x element-wise. d/dx = 1/x.
public func log<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.log, "log") }
/// ln(1 + x) element-wise, accurate for small x. d/dx = 1/(1 + x).
public func log1p<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.log1p, "log1p") }
/// √x element-wise. d/dx = 1/(2√x).
public func sqrt<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.sqrt, "sqrt") }
/// x² element-wise. d/dx = 2x.
public func square<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.square, "square") }
/// |x| element-wise. d/dx = sign(x), 0 at 0.
public func abs<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.abs, "abs") }
/// min(max(x, lower), upper) element-wise. d/dx = 1 inside [lower, upper], 0 outside.
public func clamp<Scalar>(_ x: Tensor<Scalar>, lower: Scalar, upper: Scalar) -> Tensor<Scalar> {
    precondition(lower <= upper, "clamp: lower bound \(lower) above upper bound \(upper)")
    return x.applying(.clamp(lower: Double(lower), upper: Double(upper)), "clamp")
}
/// x^p element-wise (x > 0, or any x for whole p). d/dx = p x^(p−1).
public func pow<Scalar>(_ x: Tensor<Scalar>, _ exponent: Scalar) -> Tensor<Scalar> {
    x.applying(.power(Double(exponent)), "pow")
}

/// max(x, 0) element-wise. d/dx = 1 where x > 0, else 0.
public func relu<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.relu, "relu") }
/// x for x > 0, slope · x otherwise. d/dx = 1 or slope.
public func leakyRelu<Scalar>(_ x: Tensor<Scalar>, slope: Scalar = 0.01) -> Tensor<Scalar> {
    precondition(slope >= 0, "leakyRelu: slope \(slope) must be ≥ 0")
    return x.applying(.leakyRelu(slope: Double(slope)), "leakyRelu")
}
/// σ(x) = 1 / (1 + e^−x) element-wise. d/dx = σ(x)(1 − σ(x)).
public func sigmoid<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.sigmoid, "sigmoid") }
/// tanh x element-wise. d/dx = 1 − tanh² x.
public func tanh<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.tanh, "tanh") }
/// ln(1 + e^x) element-wise, stable for large |x|. d/dx = σ(x).
public func softplus<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.softplus, "softplus") }

/// Row-wise softmax of a matrix: y_ij = e^(x_ij) / Σ_k e^(x_ik).
/// d/dx_ij = y_ij (g_ij − Σ_k g_ik y_ik).
public func softmax<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { rowSoftmax(x, logarithm: false) }

/// Row-wise log-softmax of a matrix: y_ij = x_ij − log Σ_k e^(x_ik), computed stably.
/// d/dx_ij = g_ij − softmax_ij Σ_k g_ik.
public func logSoftmax<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> { rowSoftmax(x, logarithm: true) }

/// Softmax or log-softmax of each row, with the derivatives above.
func rowSoftmax<Scalar>(_ x: Tensor<Scalar>, logarithm: Bool) -> Tensor<Scalar> {
    let name = logarithm ? "logSoftmax" : "softmax"
    precondition(x.shape.count == 2, "\(name): needs a matrix [rows, columns], got \(describe(x.shape))")
    let rows = x.shape[0], columns = x.shape[1]
    let result = Tensor<Scalar>(uninitializedShape: x.shape, operation: name)
    Scalar.softmaxRows(x.pointer, result.mutablePointer, rows: rows, columns: columns, logarithm: logarithm)
    return result.recording(name, inputs: [x]) { output in
        let g = output.gradient!
        x.accumulateGradient { dx, accumulate in
            for row in 0..<rows {
                let y = output.pointer + row * columns, gRow = g.pointer + row * columns, out = dx + row * columns
                // Σ_k g_ik (log-softmax) or Σ_k g_ik y_ik (softmax).
                let total = logarithm ? Scalar.sum(gRow, count: columns) : Scalar.dot(gRow, y, count: columns)
                for column in 0..<columns {
                    let value = logarithm ? gRow[column] - Scalar(Foundation.exp(Double(y[column]))) * total
                                          : y[column] * (gRow[column] - total)
                    out[column] = accumulate ? out[column] + value : value
                }
            }
        }
    }
}
