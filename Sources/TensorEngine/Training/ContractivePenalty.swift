import KernelCore
// The contractive autoencoder's penalty (Rifai, Vincent, Muller, Glorot & Bengio, "Contractive
// Auto-Encoders", ICML 2011), taught in the contractive chapter: the squared Frobenius norm of the
// Jacobian of a one-layer encoder h = s(x Wᵀ + b), in closed form, so training never forms J.

// ANCHOR: slope
/// The activation's slope s′(a) read off the code h = s(a) itself, and its derivative ds′/dh:
/// h (1 − h) and 1 − 2h for a sigmoid, 1 − h² and −2h for tanh; for a (leaky) ReLU the
/// slope is 1 where h > 0, else 0 (or the leak), and its derivative 0.
struct SlopeRule {
    let activation: UnaryFunction

    init(_ activation: UnaryFunction) {
        switch activation {
        case .sigmoid, .tanh, .relu, .leakyRelu: self.activation = activation
        default:
            preconditionFailure("contractive penalty: no closed-form slope for \(activation); "
                                + "use sigmoid, tanh or (leaky) ReLU")
        }
    }

    /// s′ at each code value h, shaped like the code.
    func slopes<Scalar: TensorScalar>(of code: Tensor<Scalar>) -> Tensor<Scalar> {
        Tensor(shape: code.shape) { s in
            let h = code.pointer
            switch activation {
            case .sigmoid: for i in s.indices { s[i] = h[i] * (1 - h[i]) }
            case .tanh: for i in s.indices { s[i] = 1 - h[i] * h[i] }
            case .leakyRelu(let leak): for i in s.indices { s[i] = h[i] > 0 ? 1 : Scalar(leak) }
            default: for i in s.indices { s[i] = h[i] > 0 ? 1 : 0 }
            }
        }
    }

    /// ds′/dh at each code value h (needed only by the backward pass), shaped like the code.
    func slopeDerivatives<Scalar: TensorScalar>(of code: Tensor<Scalar>) -> Tensor<Scalar> {
        Tensor(shape: code.shape) { t in
            let h = code.pointer
            switch activation {
            case .sigmoid: for i in t.indices { t[i] = 1 - 2 * h[i] }
            case .tanh: for i in t.indices { t[i] = -2 * h[i] }
            default: for i in t.indices { t[i] = 0 }
            }
        }
    }
}
// ANCHOR_END: slope

// ANCHOR: penalty
/// ‖J_f(x)‖²_F for each row of a batch, for the encoder layer h = s(x Wᵀ + b) with W [H, D]:
/// ∂h_j/∂x_i = s′(a_j) W_ji, so ‖J‖²_F = Σ_j s′(a_j)² r_j with the row norms
/// r_j = Σ_i W_ji². `code` is h [batch, H]; the result is [batch, 1].
///
/// One operation with its own backward pass, so a step never builds W ⊙ W. With the upstream
/// gradient g_b and t = ds′/dh (1 − 2h for a sigmoid, −2h for tanh, 0 for ReLU):
/// ∂/∂h_bj = 2 g_b s′_bj t_bj r_j (through h into W and b),
/// ∂/∂W_ji = 2 W_ji Σ_b g_b s′_bj².
@_specialize(where Scalar == Float)
@_specialize(where Scalar == Double)
public func jacobianNormSquared<Scalar>(
    code: Tensor<Scalar>, encoderWeight weight: Tensor<Scalar>, activation: UnaryFunction = .sigmoid
) -> Tensor<Scalar> {
    let (batch, units, inputs) = (code.rowCount, weight.shape[0], weight.shape[1])
    precondition(code.columnCount == units,
                 "jacobianNormSquared: code width \(code.columnCount) but W has \(units) rows")
    // The rows of W are split across threads, each row summed by one: any split, the same sums.
    let rowNorms = [Scalar](unsafeUninitializedCapacity: units) { r, initialized in  // r_j
        forEachPart(units, work: units * inputs) { rows in
            for j in rows {
                let row = weight.pointer + j * inputs
                r[j] = Scalar.dot(row, row, count: inputs)
            }
        }
        initialized = units
    }
    let rule = SlopeRule(activation)
    // Pooled tensors, not arrays, hold the [batch, H] temporaries: their buffers come back warm.
    let slopes = rule.slopes(of: code)
    let squaredSlopes = withoutGradients { slopes * slopes }
    let result = Tensor<Scalar>(shape: [batch, 1]) { y in  // Σ_j s′_bj² r_j
        for b in 0..<batch {
            y[b] = Scalar.dot(squaredSlopes.pointer + b * units, rowNorms, count: units)
        }
    }
    return result.recording("jacobianNormSquared", inputs: [code, weight]) { output in
        let g = output.gradient!.pointer
        code.accumulateGradient { dh, accumulate in
            withExtendedLifetime(rule.slopeDerivatives(of: code)) { slopeDerivatives in
                let (s, t) = (slopes.pointer, slopeDerivatives.pointer)
                for b in 0..<batch {
                    for j in 0..<units {
                        let i = b * units + j
                        let partial = 2 * g[b] * s[i] * t[i] * rowNorms[j]
                        dh[i] = accumulate ? dh[i] + partial : partial
                    }
                }
            }
        }
        weight.accumulateGradient { dW, accumulate in
            var scale = [Scalar](repeating: 0, count: units)  // 2 Σ_b g_b s′_bj²
            for b in 0..<batch {
                for j in 0..<units { scale[j] += 2 * g[b] * squaredSlopes.pointer[b * units + j] }
            }
            forEachPart(units, work: units * inputs) { rows in
                for j in rows {
                    let row = j * inputs
                    Scalar.accumulate(weight.pointer + row, scaledBy: scale[j], into: dW + row,
                                      count: inputs, accumulate: accumulate)
                }
            }
        }
    }
}

/// The contractive penalty: ‖J_f(x)‖²_F averaged over the batch (see ``jacobianNormSquared``).
/// A training loss adds λ times it to each image's reconstruction loss, averaged over the batch.
public func contractivePenalty<Scalar>(
    code: Tensor<Scalar>, encoderWeight weight: Tensor<Scalar>, activation: UnaryFunction = .sigmoid
) -> Tensor<Scalar> {
    jacobianNormSquared(code: code, encoderWeight: weight, activation: activation).mean()
}
// ANCHOR_END: penalty

// ANCHOR: jacobian
/// The full Jacobian J = diag(s′(a)) W [H, D] of the same layer at one input, from its code h
/// [1, H] (no gradient): row j is unit j's weight row scaled by its slope.
public func encoderJacobian<Scalar>(
    code: Tensor<Scalar>, encoderWeight weight: Tensor<Scalar>, activation: UnaryFunction = .sigmoid
) -> Tensor<Scalar> {
    precondition(code.count == weight.shape[0],
                 "encoderJacobian: a code of \(weight.shape[0]) values expected, got \(code.count)")
    let slope = SlopeRule(activation).slopes(of: code).reshaped(to: [code.count, 1])
    return withoutGradients { slope * weight }  // the column broadcasts over W's rows
}
// ANCHOR_END: jacobian
