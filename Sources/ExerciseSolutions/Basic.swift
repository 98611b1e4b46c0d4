// Solution of exercise basic.1 (the task: Sources/Exercises/Basic.swift).
import TensorEngine

// ANCHOR: solution
/// Solution of basic.1: code · W + b, with the encoder's W [code, input] used as it is.
public func tiedDecoder<Scalar>(code: Tensor<Scalar>,
                                encoderWeight: Tensor<Scalar>,
                                bias: Tensor<Scalar>) throws -> Tensor<Scalar> {
    matmul(code, encoderWeight) + bias
}
// ANCHOR_END: solution
