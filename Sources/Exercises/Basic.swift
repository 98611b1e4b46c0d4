// Exercise basic.1: a decoder that owns no weight matrix of its own.
// Check with `make check-exercise E=basic.1`.
import TensorEngine

/// The decoder of a tied-weights autoencoder: it reuses the encoder's weight, transposed. The
/// encoder is a `Linear` layer, code = f(x Wᵀ + b_encoder) with W of shape [code, input] (PyTorch's
/// layout); the tied decoder maps a code back with Wᵀ's transpose, W itself:
///
///     logits = code · W + b
///
/// `code` is [rows, code], `encoderWeight` is W [code, input], `bias` is b [input]; the result is
/// [rows, input]. Gradients must reach the code, W and b (use `matmul` and `+`): in training, W
/// then receives gradient from both the encoder and the decoder.
public func tiedDecoder<Scalar>(code: Tensor<Scalar>,
                                encoderWeight: Tensor<Scalar>,
                                bias: Tensor<Scalar>) throws -> Tensor<Scalar> {
    throw NotWrittenYet("tiedDecoder(code:encoderWeight:bias:)",
                        exercise: "basic.1", file: "Basic.swift")
}
