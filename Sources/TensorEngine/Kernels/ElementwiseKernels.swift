import KernelCore

// Element-wise kernels: unary functions and their derivatives, binary operations, scaled
// accumulation, and the fused bias + activation tail of a linear layer.
//
// Each kernel is generic over the element type and pre-specialised for Float and Double
// (`@_specialize`), so a call from generic code runs a specialised copy with no generic dispatch
// inside its loops, whichever file it is called from.

extension TensorScalar {
    /// y = f(x) element by element.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func applyUnary(_ function: UnaryFunction, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int) {
        // One loop per case, so the switch is outside the loop.
        switch function {
        case .exp: map1(x, y, count) { UnaryFunction.exp.forward($0) }
        case .log: map1(x, y, count) { UnaryFunction.log.forward($0) }
        case .log1p: map1(x, y, count) { UnaryFunction.log1p.forward($0) }
        case .sqrt: map1(x, y, count) { UnaryFunction.sqrt.forward($0) }
        case .square: map1(x, y, count) { UnaryFunction.square.forward($0) }
        case .abs: map1(x, y, count) { UnaryFunction.abs.forward($0) }
        case .negate: map1(x, y, count) { UnaryFunction.negate.forward($0) }
        case .reciprocal: map1(x, y, count) { UnaryFunction.reciprocal.forward($0) }
        case .relu: map1(x, y, count) { UnaryFunction.relu.forward($0) }
        case .sigmoid: map1(x, y, count) { UnaryFunction.sigmoid.forward($0) }
        case .tanh: map1(x, y, count) { UnaryFunction.tanh.forward($0) }
        case .softplus: map1(x, y, count) { UnaryFunction.softplus.forward($0) }
        case .leakyRelu, .clamp, .power: map1(x, y, count) { function.forward($0) }
        }
    }

    /// out (+)= g ⊙ f′(x), where f′ may be computed from the input x or the forward output y; split
    /// across the engine's threads, or on the calling thread when `serial` (inside an already split loop).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func applyUnaryDerivative(
        _ function: UnaryFunction, input x: UnsafePointer<Self>, output y: UnsafePointer<Self>,
        upstream g: UnsafePointer<Self>, into out: UnsafeMutablePointer<Self>, count: Int, accumulate: Bool,
        serial: Bool = false
    ) {
        @inline(__always) func run(_ body: (SIMD16<Self>, SIMD16<Self>, SIMD16<Self>) -> SIMD16<Self>) {
            if serial {
                map3Serial(x, y, g, out, count, accumulate, body)
            } else {
                map3Accumulating(x, y, g, out, count, accumulate, body)
            }
        }
        // One loop per common case, so the switch is outside the loop.
        switch function {
        case .relu: run { $2 * UnaryFunction.relu.derivative(input: $0, output: $1) }
        case .sigmoid: run { $2 * UnaryFunction.sigmoid.derivative(input: $0, output: $1) }
        case .tanh: run { $2 * UnaryFunction.tanh.derivative(input: $0, output: $1) }
        case .exp: run { $2 * UnaryFunction.exp.derivative(input: $0, output: $1) }
        default: run { $2 * function.derivative(input: $0, output: $1) }
        }
    }

    /// y = a ∘ b element by element, ∘ one of + − × ÷.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func applyBinary(
        _ operation: BinaryOperation, _ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>,
        _ y: UnsafeMutablePointer<Self>, count: Int
    ) {
        switch operation {
        case .add: map2(a, b, y, count) { $0 + $1 }
        case .subtract: map2(a, b, y, count) { $0 - $1 }
        case .multiply: map2(a, b, y, count) { $0 * $1 }
        case .divide: map2(a, b, y, count) { $0 / $1 }
        }
    }

    /// y = a ∘ s (or s ∘ a when `scalarFirst`) for a scalar s.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func applyBinaryScalar(
        _ operation: BinaryOperation, _ a: UnsafePointer<Self>, scalar: Self, scalarFirst: Bool,
        _ y: UnsafeMutablePointer<Self>, count: Int
    ) {
        let s = SIMD16<Self>(repeating: scalar)
        if scalarFirst {
            map1(a, y, count) { operation.apply(s, $0) }
        } else {
            map1(a, y, count) { operation.apply($0, s) }
        }
    }

    /// out = (accumulate ? out : 0) + scale · source.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func accumulate(
        _ source: UnsafePointer<Self>, scaledBy scale: Self, into out: UnsafeMutablePointer<Self>, count: Int,
        accumulate: Bool
    ) {
        if accumulate {
            if scale == 1 {
                map2(UnsafePointer(out), source, out, count) { $0 + $1 }
            } else {
                map2(UnsafePointer(out), source, out, count) { $0 + scale * $1 }
            }
        } else if scale == 1 {
            out.update(from: source, count: count)
        } else {
            map1(source, out, count) { scale * $0 }
        }
    }

    /// out = (accumulate ? out : 0) + value.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func fill(_ out: UnsafeMutablePointer<Self>, value: Self, count: Int, accumulate: Bool) {
        if accumulate {
            map1(UnsafePointer(out), out, count) { $0 + value }
        } else {
            out.update(repeating: value, count: count)
        }
    }

    /// y[r, :] = f(y[r, :] + bias) for every row, in one pass (the tail of a fused linear layer).
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    static func addBiasAndActivate(
        _ y: UnsafeMutablePointer<Self>, bias: UnsafePointer<Self>?, rows: Int, columns: Int,
        activation: UnaryFunction?
    ) {
        for row in 0..<rows {
            let rowPointer = y + row * columns
            if let bias {
                switch activation {
                case nil: map2(UnsafePointer(rowPointer), bias, rowPointer, columns) { $0 + $1 }
                case .relu?: map2(UnsafePointer(rowPointer), bias, rowPointer, columns) { UnaryFunction.relu.forward($0 + $1) }
                case .sigmoid?: map2(UnsafePointer(rowPointer), bias, rowPointer, columns) { UnaryFunction.sigmoid.forward($0 + $1) }
                case .tanh?: map2(UnsafePointer(rowPointer), bias, rowPointer, columns) { UnaryFunction.tanh.forward($0 + $1) }
                case let function?: map2(UnsafePointer(rowPointer), bias, rowPointer, columns) { function.forward($0 + $1) }
                }
            } else if let activation {
                applyUnary(activation, UnsafePointer(rowPointer), rowPointer, count: columns)
            }
        }
    }
}
