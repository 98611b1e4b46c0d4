import KernelCore

// + − × ÷ with broadcasting, and their derivatives.
//
// Broadcasting follows PyTorch for the cases a network needs: equal shapes; a one-element tensor
// against anything; a row vector ([n] or [1, n]) against every row of an [m, n] matrix; a column
// ([m, 1]) against every column of an [m, n] matrix. Any other pair of shapes stops with a message
// naming the operation and both shapes.

/// How the smaller operand of a binary operation is repeated over the larger.
enum Broadcast: Equatable {
    case none, scalar, row, column
}

/// Decides how `a` and `b` combine, or stops naming the operation and both shapes.
func broadcastPlan(_ operation: String, _ a: [Int], _ b: [Int]) -> (result: [Int], a: Broadcast, b: Broadcast) {
    if a == b { return (a, .none, .none) }
    let countA = a.reduce(1, *), countB = b.reduce(1, *)
    if countB == 1 && b.count <= a.count { return (a, .none, .scalar) }
    if countA == 1 && a.count <= b.count { return (b, .scalar, .none) }
    func isRow(_ small: [Int], of big: [Int]) -> Bool {
        big.count == 2 && (small == [big[1]] || small == [1, big[1]])
    }
    func isColumn(_ small: [Int], of big: [Int]) -> Bool { big.count == 2 && small == [big[0], 1] }
    if isRow(b, of: a) { return (a, .none, .row) }
    if isRow(a, of: b) { return (b, .row, .none) }
    if isColumn(b, of: a) { return (a, .none, .column) }
    if isColumn(a, of: b) { return (b, .column, .none) }
    preconditionFailure("\(operation): shapes \(describe(a)) and \(describe(b)) do not broadcast")
}

/// a ∘ b with broadcasting, without recording a graph.
func applyBroadcast<Scalar>(_ operation: BinaryOperation, _ name: String, _ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
    let plan = broadcastPlan(name, a.shape, b.shape)
    let result = Tensor<Scalar>(uninitializedShape: plan.result, operation: name)
    let y = result.mutablePointer
    switch (plan.a, plan.b) {
    case (.none, .none):
        Scalar.applyBinary(operation, a.pointer, b.pointer, y, count: result.count)
    case (.none, .scalar):
        Scalar.applyBinaryScalar(operation, a.pointer, scalar: b.pointer[0], scalarFirst: false, y, count: result.count)
    case (.scalar, .none):
        Scalar.applyBinaryScalar(operation, b.pointer, scalar: a.pointer[0], scalarFirst: true, y, count: result.count)
    case (.none, .row), (.row, .none):
        let columns = plan.result[1]
        for row in 0..<plan.result[0] {
            let aRow = plan.a == .row ? a.pointer : a.pointer + row * columns
            let bRow = plan.b == .row ? b.pointer : b.pointer + row * columns
            Scalar.applyBinary(operation, aRow, bRow, y + row * columns, count: columns)
        }
    case (.none, .column), (.column, .none):
        let columns = plan.result[1]
        let big = plan.a == .none ? a : b
        let column = plan.a == .column ? a : b
        for row in 0..<plan.result[0] {
            Scalar.applyBinaryScalar(operation, big.pointer + row * columns, scalar: column.pointer[row],
                                     scalarFirst: plan.a == .column, y + row * columns, count: columns)
        }
    default:
        preconditionFailure("\(name): shapes \(describe(a.shape)) and \(describe(b.shape)) do not broadcast")
    }
    return result
}

extension Tensor {
    /// Adds `contribution` (shaped like the broadcast result) to this tensor's gradient, summing over
    /// the axes along which this tensor was repeated.
    func accumulateBroadcastGradient(_ contribution: Tensor<Scalar>, scale: Scalar = 1) {
        guard requiresGradient else { return }
        if count == contribution.count {
            accumulateGradient { g, accumulate in
                Scalar.accumulate(contribution.pointer, scaledBy: scale, into: g, count: count, accumulate: accumulate)
            }
        } else if count == 1 {
            let total = scale * Scalar.sum(contribution.pointer, count: contribution.count)
            accumulateGradient { g, accumulate in Scalar.fill(g, value: total, count: 1, accumulate: accumulate) }
        } else if shape.count == 2 && shape[1] == 1 {  // column: sum each row
            let columns = contribution.shape[1]
            accumulateGradient { g, accumulate in
                for row in 0..<count {
                    let total = scale * Scalar.sum(contribution.pointer + row * columns, count: columns)
                    g[row] = accumulate ? g[row] + total : total
                }
            }
        } else {  // row: sum over rows
            let rows = contribution.shape[0]
            if scale == 1 {
                accumulateGradient { g, accumulate in
                    Scalar.sumRows(contribution.pointer, rows: rows, columns: count, into: g, accumulate: accumulate)
                }
            } else {
                let summed = Tensor(uninitializedShape: [count])
                Scalar.sumRows(contribution.pointer, rows: rows, columns: count, into: summed.mutablePointer, accumulate: false)
                accumulateGradient { g, accumulate in
                    Scalar.accumulate(summed.pointer, scaledBy: scale, into: g, count: count, accumulate: accumulate)
                }
            }
        }
    }
}

// MARK: - Operators

/// a + b, with broadcasting. ∂/∂a = 1, ∂/∂b = 1 (summed over broadcast axes).
public func + <Scalar>(a: Tensor<Scalar>, b: Tensor<Scalar>) -> Tensor<Scalar> {
    applyBroadcast(.add, "add", a, b).recording("add", inputs: [a, b]) { output in
        let g = output.gradient!
        a.accumulateBroadcastGradient(g)
        b.accumulateBroadcastGradient(g)
    }
}

/// a − b, with broadcasting. ∂/∂a = 1, ∂/∂b = −1.
public func - <Scalar>(a: Tensor<Scalar>, b: Tensor<Scalar>) -> Tensor<Scalar> {
    applyBroadcast(.subtract, "subtract", a, b).recording("subtract", inputs: [a, b]) { output in
        let g = output.gradient!
        a.accumulateBroadcastGradient(g)
        b.accumulateBroadcastGradient(g, scale: -1)
    }
}

/// a ⊙ b (element-wise), with broadcasting. ∂/∂a = b, ∂/∂b = a.
public func * <Scalar>(a: Tensor<Scalar>, b: Tensor<Scalar>) -> Tensor<Scalar> {
    applyBroadcast(.multiply, "multiply", a, b).recording("multiply", inputs: [a, b]) { output in
        let g = output.gradient!
        if a.requiresGradient { a.accumulateBroadcastGradient(applyBroadcast(.multiply, "multiply", g, b)) }
        if b.requiresGradient { b.accumulateBroadcastGradient(applyBroadcast(.multiply, "multiply", g, a)) }
    }
}

/// a ÷ b (element-wise), with broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b² = −(1/b)(a/b).
public func / <Scalar>(a: Tensor<Scalar>, b: Tensor<Scalar>) -> Tensor<Scalar> {
    applyBroadcast(.divide, "divide", a, b).recording("divide", inputs: [a, b]) { output in
        let gOverB = applyBroadcast(.divide, "divide", output.gradient!, b)
        a.accumulateBroadcastGradient(gOverB)
        if b.requiresGradient { b.accumulateBroadcastGradient(applyBroadcast(.multiply, "divide", gOverB, output), scale: -1) }
    }
}

/// −x.
public prefix func - <Scalar>(x: Tensor<Scalar>) -> Tensor<Scalar> { x.applying(.negate, "negate") }

/// x + s for a scalar s.
public func + <Scalar>(x: Tensor<Scalar>, s: Scalar) -> Tensor<Scalar> { x + Tensor(s) }
/// s + x for a scalar s.
public func + <Scalar>(s: Scalar, x: Tensor<Scalar>) -> Tensor<Scalar> { Tensor(s) + x }
/// x − s for a scalar s.
public func - <Scalar>(x: Tensor<Scalar>, s: Scalar) -> Tensor<Scalar> { x - Tensor(s) }
/// s − x for a scalar s.
public func - <Scalar>(s: Scalar, x: Tensor<Scalar>) -> Tensor<Scalar> { Tensor(s) - x }
/// x · s for a scalar s.
public func * <Scalar>(x: Tensor<Scalar>, s: Scalar) -> Tensor<Scalar> { x * Tensor(s) }
/// s · x for a scalar s.
public func * <Scalar>(s: Scalar, x: Tensor<Scalar>) -> Tensor<Scalar> { Tensor(s) * x }
/// x ÷ s for a scalar s.
public func / <Scalar>(x: Tensor<Scalar>, s: Scalar) -> Tensor<Scalar> { x / Tensor(s) }
/// s ÷ x for a scalar s.
public func / <Scalar>(s: Scalar, x: Tensor<Scalar>) -> Tensor<Scalar> { Tensor(s) / x }
