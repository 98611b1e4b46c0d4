import CBLAS
import Dispatch
import Foundation

// The engine's loops over raw buffers. Each is written once, generically over 16-lane SIMD vectors,
// and reached through a `TensorScalar` requirement, so `Float` and `Double` each get a specialised
// copy. Every function's derivative sits next to its forward formula.

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

// MARK: - Loop helpers

@inlinable @inline(__always)
func load<S: TensorScalar>(_ pointer: UnsafePointer<S>, _ offset: Int) -> SIMD16<S> {
    UnsafeRawPointer(pointer + offset).loadUnaligned(as: SIMD16<S>.self)
}

@inlinable @inline(__always)
func store<S: TensorScalar>(_ value: SIMD16<S>, _ pointer: UnsafeMutablePointer<S>, _ offset: Int) {
    UnsafeMutableRawPointer(pointer + offset).storeBytes(of: value, as: SIMD16<S>.self)
}

/// The last partial vector: lanes past `count` are zero on load and dropped on store.
@inlinable @inline(__always)
func loadPartial<S: TensorScalar>(_ pointer: UnsafePointer<S>, _ offset: Int, _ count: Int) -> SIMD16<S> {
    var vector = SIMD16<S>()
    for lane in 0..<count { vector[lane] = pointer[offset + lane] }
    return vector
}

@inlinable @inline(__always)
func storePartial<S: TensorScalar>(_ value: SIMD16<S>, _ pointer: UnsafeMutablePointer<S>, _ offset: Int, _ count: Int) {
    for lane in 0..<count { pointer[offset + lane] = value[lane] }
}

/// Threads the element-wise kernels split large buffers across (set with ``setThreadCount(_:)``).
nonisolated(unsafe) public internal(set) var kernelThreadCount = 1

/// Buffers shorter than this run on one thread: waking a second costs more than it saves.
@usableFromInline let parallelThreshold = 1 << 16

/// Calls `body` on consecutive chunks of 0..<count (multiples of 16 long), in parallel when the
/// buffer is large. Element-wise results do not depend on the split, so they are identical for
/// every thread count.
@inlinable @inline(__always)
func forEachChunk(_ count: Int, _ body: (_ start: Int, _ count: Int, _ chunk: Int) -> Void) {
    let threads = chunkCount(count)
    if threads == 1 {
        body(0, count, 0)
        return
    }
    let chunk = ((count + threads - 1) / threads + 15) & ~15
    DispatchQueue.concurrentPerform(iterations: threads) { index in
        let start = index * chunk
        if start < count { body(start, Swift.min(chunk, count - start), index) }
    }
}

/// How many chunks ``forEachChunk(_:_:)`` splits `count` elements into.
@inlinable @inline(__always)
func chunkCount(_ count: Int) -> Int { kernelThreadCount < 2 || count < parallelThreshold ? 1 : kernelThreadCount }

/// y[i] = body(x[i]) over 16-lane vectors.
@inlinable @inline(__always)
func map1<S: TensorScalar>(
    _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ count: Int, _ body: (SIMD16<S>) -> SIMD16<S>
) {
    forEachChunk(count) { start, length, _ in map1Serial(x + start, y + start, length, body) }
}

@inlinable @inline(__always)
func map1Serial<S: TensorScalar>(
    _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ count: Int, _ body: (SIMD16<S>) -> SIMD16<S>
) {
    var i = 0
    while i + 16 <= count {
        store(body(load(x, i)), y, i)
        i += 16
    }
    if i < count { storePartial(body(loadPartial(x, i, count - i)), y, i, count - i) }
}

/// y[i] = body(a[i], b[i]).
@inlinable @inline(__always)
func map2<S: TensorScalar>(
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ count: Int,
    _ body: (SIMD16<S>, SIMD16<S>) -> SIMD16<S>
) {
    forEachChunk(count) { start, length, _ in map2Serial(a + start, b + start, y + start, length, body) }
}

@inlinable @inline(__always)
func map2Serial<S: TensorScalar>(
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ count: Int,
    _ body: (SIMD16<S>, SIMD16<S>) -> SIMD16<S>
) {
    var i = 0
    while i + 16 <= count {
        store(body(load(a, i), load(b, i)), y, i)
        i += 16
    }
    if i < count { storePartial(body(loadPartial(a, i, count - i), loadPartial(b, i, count - i)), y, i, count - i) }
}

/// out[i] = (accumulate ? out[i] : 0) + body(a[i], b[i], c[i]).
@inlinable @inline(__always)
func map3Accumulating<S: TensorScalar>(
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ c: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>,
    _ count: Int, _ accumulate: Bool, _ body: (SIMD16<S>, SIMD16<S>, SIMD16<S>) -> SIMD16<S>
) {
    forEachChunk(count) { start, length, _ in
        map3Serial(a + start, b + start, c + start, out + start, length, accumulate, body)
    }
}

@inlinable @inline(__always)
func map3Serial<S: TensorScalar>(
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ c: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>,
    _ count: Int, _ accumulate: Bool, _ body: (SIMD16<S>, SIMD16<S>, SIMD16<S>) -> SIMD16<S>
) {
    var i = 0
    if accumulate {
        while i + 16 <= count {
            store(load(UnsafePointer(out), i) + body(load(a, i), load(b, i), load(c, i)), out, i)
            i += 16
        }
    } else {
        while i + 16 <= count {
            store(body(load(a, i), load(b, i), load(c, i)), out, i)
            i += 16
        }
    }
    if i < count {
        let n = count - i
        var value = body(loadPartial(a, i, n), loadPartial(b, i, n), loadPartial(c, i, n))
        if accumulate { value += loadPartial(UnsafePointer(out), i, n) }
        storePartial(value, out, i, n)
    }
}

/// Horizontal sum of 16 lanes in a fixed pairwise order.
@inlinable @inline(__always)
func horizontalSum<S: TensorScalar>(_ v: SIMD16<S>) -> S {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}

// MARK: - Element-wise functions and their derivatives

extension UnaryFunction {
    /// f(x) for 16 lanes.
    @inlinable @inline(__always)
    func forward<S: TensorScalar>(_ x: SIMD16<S>) -> SIMD16<S> {
        switch self {
        case .exp: return S.vectorExp(x)
        case .log: return S.vectorLog(x)
        case .log1p: return S.vectorLog1p(x)
        case .sqrt: return x.squareRoot()
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
    func derivative<S: TensorScalar>(input x: SIMD16<S>, output y: SIMD16<S>) -> SIMD16<S> {
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
    static func power<S: TensorScalar>(_ x: SIMD16<S>, _ p: S) -> SIMD16<S> {
        switch p {
        case 0: return SIMD16<S>(repeating: 1)
        case 1: return x
        case 2: return x * x
        case 3: return x * x * x
        case 0.5: return x.squareRoot()
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
    @inlinable @inline(__always)
    func apply<S: TensorScalar>(_ a: SIMD16<S>, _ b: SIMD16<S>) -> SIMD16<S> {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        }
    }
}

// MARK: - Default (and only) implementations of the kernel requirements

extension TensorScalar {
    /// See the requirement.
    @inlinable
    public static func applyUnary(_ function: UnaryFunction, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int) {
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

    /// See the requirement.
    @inlinable
    public static func applyUnaryDerivative(
        _ function: UnaryFunction, input x: UnsafePointer<Self>, output y: UnsafePointer<Self>,
        upstream g: UnsafePointer<Self>, into out: UnsafeMutablePointer<Self>, count: Int, accumulate: Bool
    ) {
        switch function {
        case .relu:
            map3Accumulating(x, y, g, out, count, accumulate) { $2 * UnaryFunction.relu.derivative(input: $0, output: $1) }
        case .sigmoid:
            map3Accumulating(x, y, g, out, count, accumulate) { $2 * UnaryFunction.sigmoid.derivative(input: $0, output: $1) }
        case .tanh:
            map3Accumulating(x, y, g, out, count, accumulate) { $2 * UnaryFunction.tanh.derivative(input: $0, output: $1) }
        case .exp:
            map3Accumulating(x, y, g, out, count, accumulate) { $2 * UnaryFunction.exp.derivative(input: $0, output: $1) }
        default:
            map3Accumulating(x, y, g, out, count, accumulate) { $2 * function.derivative(input: $0, output: $1) }
        }
    }

    /// See the requirement.
    @inlinable
    public static func applyBinary(
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

    /// See the requirement.
    @inlinable
    public static func applyBinaryScalar(
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

    /// See the requirement.
    @inlinable
    public static func accumulate(
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

    /// See the requirement.
    @inlinable
    public static func fill(_ out: UnsafeMutablePointer<Self>, value: Self, count: Int, accumulate: Bool) {
        if accumulate {
            map1(UnsafePointer(out), out, count) { $0 + value }
        } else {
            out.update(repeating: value, count: count)
        }
    }

    /// See the requirement.
    @inlinable
    public static func sum(_ x: UnsafePointer<Self>, count: Int) -> Self {
        var accumulator = SIMD16<Self>()
        var i = 0
        while i + 16 <= count {
            accumulator += load(x, i)
            i += 16
        }
        if i < count { accumulator += loadPartial(x, i, count - i) }
        return horizontalSum(accumulator)
    }

    /// See the requirement.
    @inlinable
    public static func dot(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int) -> Self {
        var accumulator = SIMD16<Self>()
        var i = 0
        while i + 16 <= count {
            accumulator += load(a, i) * load(b, i)
            i += 16
        }
        if i < count { accumulator += loadPartial(a, i, count - i) * loadPartial(b, i, count - i) }
        return horizontalSum(accumulator)
    }

    /// See the requirement.
    @inlinable
    public static func maximum(_ x: UnsafePointer<Self>, count: Int) -> (value: Self, index: Int) {
        var best = -Self.infinity, bestIndex = 0
        for i in 0..<count {
            let value = x[i]
            if value.isNaN { return (value, i) }
            if value > best || i == 0 { best = value; bestIndex = i }
        }
        return (best, bestIndex)
    }

    /// See the requirement.
    @inlinable
    public static func allFinite(_ x: UnsafePointer<Self>, count: Int) -> Bool {
        // x − x is 0 for finite x and NaN for NaN or ±∞; NaN makes the sum NaN.
        var accumulator = SIMD16<Self>()
        var i = 0
        while i + 16 <= count {
            let v = load(x, i)
            accumulator += v - v
            i += 16
        }
        if i < count {
            let v = loadPartial(x, i, count - i)
            accumulator += v - v
        }
        return horizontalSum(accumulator) == 0
    }

    /// See the requirement.
    @inlinable
    public static func addBiasAndActivate(
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

    /// See the requirement.
    @inlinable
    public static func sumRows(
        _ x: UnsafePointer<Self>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Self>, accumulate: Bool
    ) {
        if !accumulate { out.update(repeating: 0, count: columns) }
        for row in 0..<rows {
            map2(UnsafePointer(out), x + row * columns, out, columns) { $0 + $1 }
        }
    }

    /// See the requirement.
    @inlinable
    public static func softmaxRows(
        _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, rows: Int, columns: Int, logarithm: Bool
    ) {
        for row in 0..<rows {
            let input = x + row * columns, output = y + row * columns
            let largest = SIMD16<Self>(repeating: maximum(input, count: columns).value)
            map1(input, output, columns) { Self.vectorExp($0 - largest) }
            let total = sum(UnsafePointer(output), count: columns)
            if logarithm {
                let logTotal = SIMD16<Self>(repeating: Self.vectorLog(SIMD16<Self>(repeating: total))[0])
                map1(input, output, columns) { $0 - largest - logTotal }
            } else {
                let scale = 1 / total
                map1(UnsafePointer(output), output, columns) { $0 * scale }
            }
        }
    }

    /// See the requirement.
    @inlinable
    public static func sigmoidCrossEntropy(
        logits z: UnsafePointer<Self>, labels y: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self
    ) -> Double {
        let chunks = chunkCount(count)
        var totals = [Double](repeating: 0, count: chunks)
        totals.withUnsafeMutableBufferPointer { totals in
        forEachChunk(count) { start, length, chunk in
        let count = length
        let (z, y) = (z + start, y + start)
        let losses = losses.map { $0 + start }, gradient = gradient.map { $0 + start }
        var total = SIMD16<Self>()
        var i = 0
        @inline(__always) func step(_ logits: SIMD16<Self>, _ labels: SIMD16<Self>) -> (loss: SIMD16<Self>, gradient: SIMD16<Self>) {
            // loss = max(z, 0) − z y + log(1 + e^−|z|);  ∂loss/∂z = σ(z) − y, σ from the same e^−|z|.
            let e = Self.vectorExp(-logits.replacing(with: -logits, where: Self.lanesLess(logits, SIMD16<Self>())))
            let loss = logits.replacing(with: 0, where: Self.lanesLess(logits, SIMD16<Self>())) - logits * labels + Self.vectorLog1p(e)
            let inverse = 1 / (1 + e)
            let sigmoid = inverse.replacing(with: e * inverse, where: Self.lanesLess(logits, SIMD16<Self>()))
            return (loss, gradientScale * (sigmoid - labels))
        }
        while i + 16 <= count {
            let (loss, derivative) = step(load(z, i), load(y, i))
            total += loss
            if let losses { store(loss, losses, i) }
            if let gradient { store(derivative, gradient, i) }
            i += 16
        }
        if i < count {
            let n = count - i
            var (loss, derivative) = step(loadPartial(z, i, n), loadPartial(y, i, n))
            for lane in n..<16 { loss[lane] = 0 }
            total += loss
            if let losses { storePartial(loss, losses, i, n) }
            if let gradient { storePartial(derivative, gradient, i, n) }
        }
        totals[chunk] = (0..<16).reduce(0.0) { $0 + Double(total[$1]) }
        }
        }
        return totals.reduce(0, +)
    }

    /// See the requirement.
    @inlinable
    public static func squaredError(
        predicted p: UnsafePointer<Self>, expected t: UnsafePointer<Self>, count: Int,
        losses: UnsafeMutablePointer<Self>?, gradient: UnsafeMutablePointer<Self>?, gradientScale: Self
    ) -> Double {
        let chunks = chunkCount(count)
        var totals = [Double](repeating: 0, count: chunks)
        totals.withUnsafeMutableBufferPointer { totals in
        forEachChunk(count) { start, length, chunk in
        let count = length
        let (p, t) = (p + start, t + start)
        let losses = losses.map { $0 + start }, gradient = gradient.map { $0 + start }
        var total = SIMD16<Self>()
        var i = 0
        let twiceScale = 2 * gradientScale
        while i + 16 <= count {
            let difference = load(p, i) - load(t, i)
            let loss = difference * difference
            total += loss
            if let losses { store(loss, losses, i) }
            if let gradient { store(twiceScale * difference, gradient, i) }
            i += 16
        }
        if i < count {
            let n = count - i
            let difference = loadPartial(p, i, n) - loadPartial(t, i, n)
            total += difference * difference
            if let losses { storePartial(difference * difference, losses, i, n) }
            if let gradient { storePartial(twiceScale * difference, gradient, i, n) }
        }
        totals[chunk] = (0..<16).reduce(0.0) { $0 + Double(total[$1]) }
        }
        }
        return totals.reduce(0, +)
    }

    /// See the requirement.
    @inlinable
    public static func adamStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>,
        firstMoment: UnsafeMutablePointer<Self>, secondMoment: UnsafeMutablePointer<Self>, count: Int,
        learningRate: Self, beta1: Self, beta2: Self, epsilon: Self, weightDecay: Self,
        biasCorrection1: Self, biasCorrection2: Self
    ) {
        // torch.optim.Adam: g += λ p; m = β1 m + (1 − β1) g; v = β2 v + (1 − β2) g²;
        // p −= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
        let stepSize = learningRate / biasCorrection1
        let inverseRootCorrection2 = 1 / biasCorrection2.squareRoot()
        @inline(__always) func update(_ p: SIMD16<Self>, _ g0: SIMD16<Self>, _ m0: SIMD16<Self>, _ v0: SIMD16<Self>)
            -> (SIMD16<Self>, SIMD16<Self>, SIMD16<Self>)
        {
            let g = weightDecay == 0 ? g0 : g0 + weightDecay * p
            let m = beta1 * m0 + (1 - beta1) * g
            let v = beta2 * v0 + (1 - beta2) * g * g
            let denominator = v.squareRoot() * inverseRootCorrection2 + epsilon
            return (p - stepSize * m / denominator, m, v)
        }
        forEachChunk(count) { start, length, _ in
        let parameter = parameter + start, gradient = gradient + start
        let firstMoment = firstMoment + start, secondMoment = secondMoment + start, count = length
        var i = 0
        while i + 16 <= count {
            let (p, m, v) = update(load(UnsafePointer(parameter), i), load(gradient, i),
                                   load(UnsafePointer(firstMoment), i), load(UnsafePointer(secondMoment), i))
            store(p, parameter, i); store(m, firstMoment, i); store(v, secondMoment, i)
            i += 16
        }
        if i < count {
            let n = count - i
            let (p, m, v) = update(loadPartial(UnsafePointer(parameter), i, n), loadPartial(gradient, i, n),
                                   loadPartial(UnsafePointer(firstMoment), i, n), loadPartial(UnsafePointer(secondMoment), i, n))
            storePartial(p, parameter, i, n); storePartial(m, firstMoment, i, n); storePartial(v, secondMoment, i, n)
        }
        }
    }

    /// See the requirement.
    @inlinable
    public static func sgdStep(
        parameter: UnsafeMutablePointer<Self>, gradient: UnsafePointer<Self>,
        velocity: UnsafeMutablePointer<Self>?, count: Int, learningRate: Self, momentum: Self,
        weightDecay: Self, firstStep: Bool
    ) {
        for i in 0..<count {
            var g = gradient[i]
            if weightDecay != 0 { g += weightDecay * parameter[i] }
            if let velocity {
                velocity[i] = firstStep ? g : momentum * velocity[i] + g
                g = velocity[i]
            }
            parameter[i] -= learningRate * g
        }
    }
}

// MARK: - The two element types
// The conformances live in this file, next to the generic kernels: a debug build compiles each file
// separately, and only within one file can the compiler specialise the kernels for Float and Double.

extension Float: TensorScalar {
    /// The concrete `.<`.
    @inline(__always) public static func lanesLess(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<Int32>> { a .< b }
    /// The concrete `.<=`.
    @inline(__always) public static func lanesLessOrEqual(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMDMask<SIMD16<Int32>> { a .<= b }
    /// `F32`.
    public static var safetensorsDataType: String { "F32" }
    /// Cephes-style polynomial, see ``vectorExp(_:)``.
    @inline(__always) public static func vectorExp(_ x: SIMD16<Float>) -> SIMD16<Float> { TensorEngine.vectorExp(x) }
    /// Cephes-style polynomial, see ``vectorLog(_:)``.
    @inline(__always) public static func vectorLog(_ x: SIMD16<Float>) -> SIMD16<Float> { TensorEngine.vectorLog(x) }
    /// See ``vectorLog1p(_:)``.
    @inline(__always) public static func vectorLog1p(_ x: SIMD16<Float>) -> SIMD16<Float> { TensorEngine.vectorLog1p(x) }
    /// See ``vectorSigmoid(_:)``.
    @inline(__always) public static func vectorSigmoid(_ x: SIMD16<Float>) -> SIMD16<Float> { TensorEngine.vectorSigmoid(x) }
    /// See ``vectorTanh(_:)``.
    @inline(__always) public static func vectorTanh(_ x: SIMD16<Float>) -> SIMD16<Float> { TensorEngine.vectorTanh(x) }

    /// `cblas_sgemm`.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, rows m: Int, columns n: Int, inner k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// `ssyevd_`.
    public static func symmetricEigen(
        _ matrix: UnsafeMutablePointer<Float>, order: Int, eigenvalues: UnsafeMutablePointer<Float>
    ) -> Int {
        callSymmetricEigen(ssyevd_, matrix, order: order, eigenvalues: eigenvalues)
    }

    /// `sgesdd_`.
    public static func singularValueDecomposition(
        _ matrix: UnsafeMutablePointer<Float>, rows m: Int, columns n: Int,
        u: UnsafeMutablePointer<Float>, s: UnsafeMutablePointer<Float>, vt: UnsafeMutablePointer<Float>
    ) -> Int {
        callSingularValueDecomposition(sgesdd_, matrix, rows: m, columns: n, u: u, s: s, vt: vt)
    }
}

extension Double: TensorScalar {
    /// The concrete `.<`.
    @inline(__always) public static func lanesLess(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<Int64>> { a .< b }
    /// The concrete `.<=`.
    @inline(__always) public static func lanesLessOrEqual(_ a: SIMD16<Double>, _ b: SIMD16<Double>) -> SIMDMask<SIMD16<Int64>> { a .<= b }
    /// `F64`.
    public static var safetensorsDataType: String { "F64" }
    /// libm `exp` per lane (Double is for gradient checks, where accuracy matters more than speed).
    public static func vectorExp(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.exp) }
    /// libm `log` per lane.
    public static func vectorLog(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.log) }
    /// libm `log1p` per lane.
    public static func vectorLog1p(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.log1p) }
    /// 1 / (1 + e^-x) per lane, from e^-|x|.
    public static func vectorSigmoid(_ x: SIMD16<Double>) -> SIMD16<Double> {
        lanewise(x) { value in
            let e = Foundation.exp(-Swift.abs(value))
            return value >= 0 ? 1 / (1 + e) : e / (1 + e)
        }
    }
    /// libm `tanh` per lane.
    public static func vectorTanh(_ x: SIMD16<Double>) -> SIMD16<Double> { lanewise(x, Foundation.tanh) }

    private static func lanewise(_ x: SIMD16<Double>, _ function: (Double) -> Double) -> SIMD16<Double> {
        var result = SIMD16<Double>()
        for lane in 0..<16 { result[lane] = function(x[lane]) }
        return result
    }

    /// `cblas_dgemm`.
    public static func gemm(
        transposeA: Bool, transposeB: Bool, rows m: Int, columns n: Int, inner k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// `dsyevd_`.
    public static func symmetricEigen(
        _ matrix: UnsafeMutablePointer<Double>, order: Int, eigenvalues: UnsafeMutablePointer<Double>
    ) -> Int {
        callSymmetricEigen(dsyevd_, matrix, order: order, eigenvalues: eigenvalues)
    }

    /// `dgesdd_`.
    public static func singularValueDecomposition(
        _ matrix: UnsafeMutablePointer<Double>, rows m: Int, columns n: Int,
        u: UnsafeMutablePointer<Double>, s: UnsafeMutablePointer<Double>, vt: UnsafeMutablePointer<Double>
    ) -> Int {
        callSingularValueDecomposition(dgesdd_, matrix, rows: m, columns: n, u: u, s: s, vt: vt)
    }
}

// MARK: - LAPACK calls shared by both types

typealias Pointer<S> = UnsafeMutablePointer<S>?
typealias ConstantInt = UnsafePointer<Int32>?
typealias IntPointer = UnsafeMutablePointer<Int32>?
typealias Characters = UnsafePointer<CChar>?

/// Calls `?syevd` twice: a workspace query, then the decomposition (see the requirement).
func callSymmetricEigen<S: TensorScalar>(
    _ routine: (Characters, Characters, ConstantInt, Pointer<S>, ConstantInt, Pointer<S>,
                Pointer<S>, ConstantInt, IntPointer, ConstantInt, IntPointer) -> Void,
    _ matrix: UnsafeMutablePointer<S>, order: Int, eigenvalues: UnsafeMutablePointer<S>
) -> Int {
    var n = Int32(order), lda = Int32(order), info: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
    var workSize: S = 0, iworkSize: Int32 = 0
    // Row-major symmetric = column-major symmetric; eigenvectors come back as columns, i.e. rows here.
    routine("V", "U", &n, matrix, &lda, eigenvalues, &workSize, &lwork, &iworkSize, &liwork, &info)
    guard info == 0 else { return Int(info) }
    lwork = Int32(workSize); liwork = iworkSize
    var work = [S](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    routine("V", "U", &n, matrix, &lda, eigenvalues, &work, &lwork, &iwork, &liwork, &info)
    return Int(info)
}

/// Calls `?gesdd` twice: a workspace query, then the decomposition (see the requirement).
func callSingularValueDecomposition<S: TensorScalar>(
    _ routine: (Characters, ConstantInt, ConstantInt, Pointer<S>, ConstantInt, Pointer<S>, Pointer<S>,
                ConstantInt, Pointer<S>, ConstantInt, Pointer<S>, ConstantInt, IntPointer, IntPointer) -> Void,
    _ matrix: UnsafeMutablePointer<S>, rows m: Int, columns n: Int, u: UnsafeMutablePointer<S>, s: UnsafeMutablePointer<S>,
    vt: UnsafeMutablePointer<S>
) -> Int {
    // A row-major m×n matrix is the column-major n×m matrix Aᵀ = V S Uᵀ: ask LAPACK for the SVD of
    // Aᵀ and read its "U" as our Vᵀ (row-major) and its "Vᵀ" as our U (row-major).
    var rowsT = Int32(n), columnsT = Int32(m), lda = Int32(n), info: Int32 = 0
    let r = min(m, n)
    var ldu = Int32(n), ldvt = Int32(r), lwork: Int32 = -1, workSize: S = 0
    var iwork = [Int32](repeating: 0, count: 8 * r)
    routine("S", &rowsT, &columnsT, matrix, &lda, s, vt, &ldu, u, &ldvt, &workSize, &lwork, &iwork, &info)
    guard info == 0 else { return Int(info) }
    lwork = Int32(workSize)
    var work = [S](repeating: 0, count: Int(lwork))
    routine("S", &rowsT, &columnsT, matrix, &lda, s, vt, &ldu, u, &ldvt, &work, &lwork, &iwork, &info)
    return Int(info)
}
