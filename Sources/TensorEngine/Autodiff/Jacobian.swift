import KernelCore

// ANCHOR: jacobian
/// The Jacobian ∂f(x)/∂x [H, D] of a function from one row x [1, D] to one row [1, H], by
/// reverse-mode autodiff in one backward pass: f runs on H copies of x stacked as a batch, and the
/// backward pass of Σ_j f(copy_j)_j puts ∂f_j/∂x, row j of J, into the gradient of copy j.
///
/// `function` must treat the rows of a batch independently (no batch statistics), as an encoder
/// does. Parameters it reaches collect gradients; zero them before training on.
public func jacobian<Scalar>(
    of function: (Tensor<Scalar>) -> Tensor<Scalar>, at x: Tensor<Scalar>
) -> Tensor<Scalar> {
    precondition(x.rowCount == 1, "jacobian: one input row expected, got \(describe(x.shape))")
    precondition(isRecordingGradients, "jacobian: called inside withoutGradients, which it needs")
    let outputs = withoutGradients { function(x) }.count
    let copies = Tensor<Scalar>(shape: [outputs, x.count],
                                scalars: Array(repeatElement(x.scalars, count: outputs).joined()))
    copies.requiresGradient = true
    var identity = [Scalar](repeating: 0, count: outputs * outputs)
    for unit in 0..<outputs { identity[unit * outputs + unit] = 1 }
    (function(copies) * Tensor(shape: [outputs, outputs], scalars: identity)).sum().backward()
    return copies.gradient?.detached() ?? Tensor(zeros: [outputs, x.count])
}
// ANCHOR_END: jacobian
