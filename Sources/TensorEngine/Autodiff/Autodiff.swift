import KernelCore

// Reverse-mode automatic differentiation on a tape.
//
// An operation that has an input requiring a gradient stores its inputs and a closure that, given
// d(loss)/d(output), adds d(loss)/d(input) to each input's gradient. `backward()` orders the graph
// topologically and calls those closures from the loss back to the leaves (micrograd's algorithm).

/// Whether operations record the graph: a task-local value (per thread outside tasks), so turning
/// recording off in one thread never affects another.
enum GradientRecording {
    @TaskLocal static var isEnabled = true
}

/// Runs `body` without recording a graph: evaluation and metrics cost no memory for gradients and
/// their results never require a gradient (PyTorch's `torch.no_grad()`).
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientRecording.$isEnabled.withValue(false) { try body() }
}

/// Whether operations are currently recording the graph.
public var isRecordingGradients: Bool { GradientRecording.isEnabled }

extension Tensor {
    /// Attaches the graph edge for an operation's result: if recording and any input requires a
    /// gradient, `self` remembers `inputs` and `backward` (called with `self` once its gradient is
    /// known). Returns `self` for chaining.
    @discardableResult
    func recording(_ operation: String, inputs: [Tensor<Scalar>], backward: @escaping (Tensor<Scalar>) -> Void) -> Tensor<Scalar> {
        operationName = operation
        guard isRecordingGradients, inputs.contains(where: { $0.requiresGradient }) else { return self }
        requiresGradient = true
        self.inputs = inputs
        backwardFunction = backward
        return self
    }

    /// Adds a contribution to d(loss)/d(self). `body` receives the gradient buffer and whether it must
    /// add (`true`) or may overwrite (`false`, the first contribution: no zero-fill needed).
    /// With `partial`, the contribution covers only part of the buffer, so a new one is zeroed first.
    func accumulateGradient(partial: Bool = false, _ body: (UnsafeMutablePointer<Scalar>, _ accumulate: Bool) -> Void) {
        guard requiresGradient else { return }
        if let existing = gradient {
            body(existing.mutablePointer, true)
        } else {
            let fresh = Tensor(uninitializedShape: shape, operation: "gradient")
            if partial {
                fresh.mutablePointer.update(repeating: 0, count: count)
                body(fresh.mutablePointer, true)
            } else {
                body(fresh.mutablePointer, false)
            }
            gradient = fresh
        }
    }

    /// Whether this tensor was produced by a recorded operation (as opposed to a leaf).
    public var isLeaf: Bool { backwardFunction == nil }

    /// Computes d(self)/d(leaf) for every leaf that ``requiresGradient`` and adds it to the leaf's
    /// ``gradient``. `self` must hold a single scalar (a loss).
    ///
    /// Calling it twice is safe: intermediate gradients are rebuilt from scratch on each call, so the
    /// second call adds exactly the same amount again to every leaf (gradients accumulate, as in
    /// PyTorch with `retain_graph=True`). Call ``zeroGradient()`` on the parameters — or the
    /// optimizer's `zeroGradients()` — before each training step.
    public func backward() {
        precondition(count == 1, "backward: needs a single-element loss, got shape \(describe(shape))")
        guard requiresGradient else { return }
        let order = topologicalOrder()
        for node in order where !node.isLeaf { node.gradient = nil }
        accumulateGradient { gradient, accumulate in Scalar.fill(gradient, value: 1, count: 1, accumulate: accumulate) }
        for node in order.reversed() {
            guard let backwardFunction = node.backwardFunction, node.gradient != nil else { continue }
            backwardFunction(node)
        }
        // Free intermediate gradients now; leaves keep theirs.
        for node in order where !node.isLeaf { node.gradient = nil }
    }

    /// Every tensor that needs a gradient and leads to `self`, inputs before the results using them.
    private func topologicalOrder() -> [Tensor<Scalar>] {
        var order: [Tensor<Scalar>] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep graphs must not overflow the stack.
        var stack: [(node: Tensor<Scalar>, expanded: Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGradient && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }

    /// Forgets the accumulated gradient (its buffer goes back to the pool).
    public func zeroGradient() { gradient = nil }

    /// The gradient, or zeros when none has been accumulated (for example an unused parameter).
    public var gradientOrZeros: Tensor<Scalar> { gradient ?? Tensor(zeros: shape) }
}
