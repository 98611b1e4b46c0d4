// The element-wise functions and binary operations the engine applies, each derivative beside its
// forward formula.

/// An element-wise function of one tensor, with what its derivative needs.
public enum UnaryFunction: Sendable, Equatable {
    /// e^x; derivative e^x = y.
    case exp
    /// ln x; derivative 1 / x.
    case log
    /// ln(1 + x); derivative 1 / (1 + x).
    case log1p
    /// √x; derivative 1 / (2 y).
    case sqrt
    /// x²; derivative 2 x.
    case square
    /// |x|; derivative sign(x) (0 at 0).
    case abs
    /// −x; derivative −1.
    case negate
    /// 1 / x; derivative −y².
    case reciprocal
    /// max(x, 0); derivative 1 where x > 0.
    case relu
    /// x for x > 0, slope · x otherwise (slope ≥ 0); derivative 1 or slope.
    case leakyRelu(slope: Double)
    /// 1 / (1 + e^−x); derivative y (1 − y).
    case sigmoid
    /// tanh x; derivative 1 − y².
    case tanh
    /// ln(1 + e^x); derivative σ(x).
    case softplus
    /// min(max(x, lower), upper); derivative 1 where lower ≤ x ≤ upper.
    case clamp(lower: Double, upper: Double)
    /// x^p for x > 0 (any x for whole p); derivative p x^(p−1).
    case power(Double)

    /// Whether the derivative can be computed from the forward output alone, so a fused layer may
    /// overwrite its pre-activation (true for the activations a `Linear` layer fuses).
    public var derivativeNeedsOnlyOutput: Bool {
        switch self {
        case .exp, .relu, .leakyRelu, .sigmoid, .tanh, .sqrt, .reciprocal, .negate: return true
        default: return false
        }
    }
}

/// An element-wise operation of two tensors.
public enum BinaryOperation: Sendable, Equatable {
    /// a + b
    case add
    /// a − b
    case subtract
    /// a × b
    case multiply
    /// a ÷ b
    case divide
}

// MARK: - Element-wise functions and their derivatives

extension UnaryFunction {
    /// f(x) for 16 lanes.
    @inlinable @inline(__always)
    public func forward<S: TensorScalar>(_ x: SIMD16<S>) -> SIMD16<S> {
        switch self {
        case .exp: return S.vectorExp(x)
        case .log: return S.vectorLog(x)
        case .log1p: return S.vectorLog1p(x)
        case .sqrt: return S.vectorSquareRoot(x)
        case .square: return x * x
        case .abs: return x.replacing(with: -x, where: S.lanesLess(x, SIMD16<S>()))
        case .negate: return -x
        case .reciprocal: return 1 / x
        case .relu: return x.replacing(with: 0, where: S.lanesLess(x, SIMD16<S>()))
        case .leakyRelu(let slope): return x.replacing(with: x * S(slope), where: S.lanesLess(x, SIMD16<S>()))
        case .sigmoid: return S.vectorSigmoid(x)
        case .tanh: return S.vectorTanh(x)
        case .softplus:
            let magnitude = x.replacing(with: -x, where: S.lanesLess(x, SIMD16<S>()))
            return x.replacing(with: 0, where: S.lanesLess(x, SIMD16<S>())) + S.vectorLog1p(S.vectorExp(-magnitude))
        case .clamp(let lower, let upper):
            let low = SIMD16<S>(repeating: S(lower)), high = SIMD16<S>(repeating: S(upper))
            return x.replacing(with: low, where: S.lanesLess(x, low)).replacing(with: high, where: S.lanesLess(high, x))
        case .power(let exponent):
            return Self.power(x, S(exponent))
        }
    }

    /// f′(x) for 16 lanes, from the input x or the output y = f(x), whichever is cheaper.
    @inlinable @inline(__always)
    public func derivative<S: TensorScalar>(input x: SIMD16<S>, output y: SIMD16<S>) -> SIMD16<S> {
        let one = SIMD16<S>(repeating: 1), zero = SIMD16<S>()
        switch self {
        case .exp: return y
        case .log: return 1 / x
        case .log1p: return 1 / (1 + x)
        case .sqrt: return 0.5 / y
        case .square: return 2 * x
        case .abs: return zero.replacing(with: 1, where: S.lanesLess(SIMD16<S>(), x)).replacing(with: -1, where: S.lanesLess(x, SIMD16<S>()))
        case .negate: return -one
        case .reciprocal: return -(y * y)
        case .relu: return zero.replacing(with: 1, where: S.lanesLess(SIMD16<S>(), y))
        case .leakyRelu(let slope): return SIMD16<S>(repeating: S(slope)).replacing(with: 1, where: S.lanesLess(SIMD16<S>(), y))
        case .sigmoid: return y * (1 - y)
        case .tanh: return 1 - y * y
        case .softplus: return S.vectorSigmoid(x)
        case .clamp(let lower, let upper):
            return zero.replacing(with: 1, where: S.lanesLessOrEqual(SIMD16<S>(repeating: S(lower)), x) .& S.lanesLessOrEqual(x, SIMD16<S>(repeating: S(upper))))
        case .power(let exponent):
            let p = S(exponent)
            return p * Self.power(x, p - 1)
        }
    }

    /// x^p: repeated products for small whole p (exact, any sign of x), e^(p ln x) otherwise.
    @inlinable @inline(__always)
    public static func power<S: TensorScalar>(_ x: SIMD16<S>, _ p: S) -> SIMD16<S> {
        switch p {
        case 0: return SIMD16<S>(repeating: 1)
        case 1: return x
        case 2: return x * x
        case 3: return x * x * x
        case 0.5: return S.vectorSquareRoot(x)
        case -1: return 1 / x
        default:
            let magnitude = x.replacing(with: -x, where: S.lanesLess(x, SIMD16<S>()))
            var result = S.vectorExp(p * S.vectorLog(magnitude))
            if p == p.rounded() {
                let odd = Int(p) % 2 != 0
                if odd { result.replace(with: -result, where: S.lanesLess(x, SIMD16<S>())) }
            } else {
                result.replace(with: .nan, where: S.lanesLess(x, SIMD16<S>()))
            }
            return result
        }
    }
}

extension BinaryOperation {
    /// a ∘ b for 16 lanes.
    @inlinable @inline(__always)
    public func apply<S: TensorScalar>(_ a: SIMD16<S>, _ b: SIMD16<S>) -> SIMD16<S> {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        }
    }
}
