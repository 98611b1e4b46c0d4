import KernelCore
// The contractive autoencoder's penalty (Rifai, Vincent, Muller, Glorot & Bengio, "Contractive
// Auto-Encoders", ICML 2011), taught in the contractive chapter: the squared Frobenius norm of the
// Jacobian of a one-layer encoder h = s(x Wᵀ + b), in closed form, so training never forms J.

// ANCHOR: slope
/// The activation's slope s′(a_j) at each code unit, read off the code h = s(a) itself:
/// h (1 − h) for a sigmoid, 1 − h² for tanh, 1 where h > 0 (else 0) for ReLU, 1 or the slope for a
/// leaky ReLU. Differentiable through h for sigmoid and tanh; the ReLU slopes are constants.
public func activationSlope<Scalar>(
    of code: Tensor<Scalar>, activation: UnaryFunction
) -> Tensor<Scalar> {
    switch activation {
    case .sigmoid:
        return code * (1 - code)
    case .tanh:
        return 1 - square(code)
    case .relu, .leakyRelu:
        var negativeSlope: Scalar = 0
        if case .leakyRelu(let slope) = activation { negativeSlope = Scalar(slope) }
        return Tensor(shape: code.shape, scalars: code.scalars.map { $0 > 0 ? 1 : negativeSlope })
    default:
        preconditionFailure("activationSlope: no closed form for \(activation); "
                            + "use sigmoid, tanh or (leaky) ReLU")
    }
}
// ANCHOR_END: slope

// ANCHOR: penalty
/// ‖J_f(x)‖²_F for each row of a batch, for the encoder layer h = s(x Wᵀ + b) with W [H, D]:
/// ∂h_j/∂x_i = s′(a_j) W_ji, so ‖J‖²_F = Σ_j s′(a_j)² Σ_i W_ji². `code` is h [batch, H]; the result
/// is [batch, 1]. Differentiable through h (so into W and b) and through W's row norms directly.
public func jacobianNormSquared<Scalar>(
    code: Tensor<Scalar>, encoderWeight weight: Tensor<Scalar>, activation: UnaryFunction = .sigmoid
) -> Tensor<Scalar> {
    let units = weight.shape[0]
    precondition(code.columnCount == units,
                 "jacobianNormSquared: code width \(code.columnCount) but W has \(units) rows")
    let rowNorms = square(weight).sum(alongAxis: 1).reshaped(to: [1, units])  // Σ_i W_ji², [1, H]
    let slopes = activationSlope(of: code, activation: activation)  // s′(a_j), [batch, H]
    return (square(slopes) * rowNorms).sum(alongAxis: 1)
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
    return withoutGradients {
        let slope = activationSlope(of: code, activation: activation).reshaped(to: [code.count, 1])
        return slope * weight  // the column broadcasts over W's rows
    }
}
// ANCHOR_END: jacobian
