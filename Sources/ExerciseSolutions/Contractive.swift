// Solution of exercise contractive.1 (the task: Sources/Exercises/Contractive.swift).
import TensorEngine

// ANCHOR: solution
/// Solution of contractive.1: (h (1 − h))² times each unit's Σ_i W_ji², summed over units,
/// mean over rows.
public func squaredJacobianNorm<Scalar>(code: Tensor<Scalar>,
                                        encoderWeight: Tensor<Scalar>) throws -> Tensor<Scalar> {
    let weightRowNorms = square(encoderWeight).sum(alongAxis: 1)
        .reshaped(to: [1, encoderWeight.shape[0]])
    return (square(code * (1 - code)) * weightRowNorms).sum(alongAxis: 1).mean()
}
// ANCHOR_END: solution
