import KernelCore
import Foundation

/// A dense, row-major array of `Float` or `Double` that remembers how it was computed.
///
/// Tensors are reference types, like PyTorch's: a parameter is one object that the model, the
/// optimizer and the gradient all refer to. Every operation returns a new tensor; when gradients are
/// being recorded (the default) and an input ``requiresGradient``, the result keeps its inputs and a
/// backward function, forming the tape that ``backward()`` walks in reverse.
///
/// Shapes are `[Int]`: `[]` is a scalar, `[n]` a vector, `[rows, columns]` a matrix (a batch of rows).
public final class Tensor<Scalar: TensorScalar> {
    /// The extent of each axis, outermost first.
    public let shape: [Int]
    /// The number of scalars: the product of ``shape``.
    public let count: Int
    @usableFromInline let storage: TensorStorage<Scalar>
    /// Offset of this tensor's first scalar inside ``storage`` (non-zero only for row views).
    @usableFromInline let offset: Int

    /// Whether ``backward()`` should compute d(loss)/d(self). Set it on parameters and on inputs you
    /// want gradients for; results of operations inherit it from their inputs.
    public var requiresGradient: Bool
    /// d(loss)/d(self) after ``backward()``, accumulated over calls until ``zeroGradient()``.
    public internal(set) var gradient: Tensor<Scalar>?

    /// The tensors this one was computed from (empty for leaves and when not recording).
    var inputs: [Tensor<Scalar>] = []
    /// Adds this tensor's contribution to its inputs' gradients, given `self.gradient`.
    var backwardFunction: ((Tensor<Scalar>) -> Void)?
    /// The operation that produced this tensor, for error messages and debugging.
    public internal(set) var operationName: String

    /// An uninitialised tensor: every scalar must be written before it is read.
    init(uninitializedShape shape: [Int], operation: String = "leaf") {
        precondition(shape.allSatisfy { $0 >= 0 }, "\(operation): negative extent in shape \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = TensorStorage(uninitializedCount: count)
        self.offset = 0
        self.requiresGradient = false
        self.operationName = operation
    }

    /// A tensor sharing `storage` (a reshape or a view), never copying.
    init(sharing storage: TensorStorage<Scalar>, offset: Int, shape: [Int], operation: String) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
        self.offset = offset
        self.requiresGradient = false
        self.operationName = operation
    }

    /// Read-only pointer to the first scalar.
    @inlinable public var pointer: UnsafePointer<Scalar> { UnsafePointer(storage.pointer + offset) }
    /// Writable pointer to the first scalar. Writing into a tensor that is part of a recorded graph
    /// makes its gradients wrong: use it to fill fresh tensors only.
    @inlinable public var mutablePointer: UnsafeMutablePointer<Scalar> { storage.pointer + offset }

    // MARK: Creating tensors

    /// A tensor holding `scalars` (row-major) with the given shape.
    public convenience init(shape: [Int], scalars: [Scalar]) {
        self.init(uninitializedShape: shape)
        precondition(scalars.count == count, "Tensor(shape:scalars:): shape \(shape) needs \(count) scalars, got \(scalars.count)")
        scalars.withUnsafeBufferPointer { mutablePointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A tensor of the given shape whose scalars `initializer` writes, in place, into the buffer it is
    /// handed (row-major, every element exactly once): no intermediate array.
    public convenience init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        self.init(uninitializedShape: shape)
        try initializer(UnsafeMutableBufferPointer(start: mutablePointer, count: count))
    }

    /// A tensor holding `scalars` (row-major) with the given shape, from any buffer of scalars.
    public convenience init(shape: [Int], copying buffer: UnsafeBufferPointer<Scalar>) {
        self.init(uninitializedShape: shape)
        precondition(buffer.count == count, "Tensor(shape:copying:): shape \(shape) needs \(count) scalars, got \(buffer.count)")
        if count > 0 { mutablePointer.update(from: buffer.baseAddress!, count: count) }
    }

    /// A tensor with every scalar equal to `value`.
    public convenience init(repeating value: Scalar, shape: [Int]) {
        self.init(uninitializedShape: shape)
        mutablePointer.update(repeating: value, count: count)
    }

    /// A tensor of zeros.
    public convenience init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// A scalar tensor (shape `[]`).
    public convenience init(_ value: Scalar) { self.init(repeating: value, shape: []) }

    /// A matrix from nested rows (handy in tests and small examples).
    public convenience init(_ rows: [[Scalar]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows): rows of different lengths")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A copy with its own storage and no graph history.
    public func copy() -> Tensor<Scalar> {
        let result = Tensor(uninitializedShape: shape)
        result.mutablePointer.update(from: pointer, count: count)
        return result
    }

    /// The same values, cut from the graph: gradients do not flow back through the result
    /// (PyTorch's `detach`). Shares storage; no copy.
    public func detached() -> Tensor<Scalar> {
        Tensor(sharing: storage, offset: offset, shape: shape, operation: "detached")
    }

    // MARK: Reading values

    /// All scalars, row-major.
    public var scalars: [Scalar] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The value of a one-element tensor.
    public var scalarValue: Scalar {
        precondition(count == 1, "scalarValue: tensor of shape \(shape) has \(count) elements, not 1")
        return pointer[0]
    }

    /// Rows of a matrix as arrays (for figures and printing).
    public var rowArrays: [[Scalar]] {
        precondition(shape.count == 2, "rowArrays: needs a matrix, got shape \(shape)")
        return (0..<shape[0]).map { row in Array(UnsafeBufferPointer(start: pointer + row * shape[1], count: shape[1])) }
    }

    /// The element at a row and column of a matrix.
    public subscript(row: Int, column: Int) -> Scalar {
        precondition(shape.count == 2 && row >= 0 && row < shape[0] && column >= 0 && column < shape[1],
                     "subscript: index [\(row), \(column)] out of range for shape \(shape)")
        return pointer[row * shape[1] + column]
    }

    /// The planes of a tensor [..., height, width] as arrays of height·width values, in order (the
    /// channels of feature maps, the kernels of a weight), for figures.
    public var planes: [[Scalar]] {
        precondition(shape.count >= 2, "planes: needs at least two axes, got shape \(describe(shape))")
        let size = Swift.max(shape[shape.count - 2] * shape[shape.count - 1], 1)
        return stride(from: 0, to: count, by: size).map { Array(UnsafeBufferPointer(start: pointer + $0, count: size)) }
    }

    /// The values as text, one line per run of the last axis, each value printed with `format`
    /// (`"%5.2f"`): small worked examples in the book.
    public func formatted(_ format: String) -> String {
        let width = Swift.max(shape.last ?? 1, 1)
        return stride(from: 0, to: count, by: width).map { start in
            (start..<(start + width)).map { String(format: format, Double(pointer[$0])) }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// Whether every scalar is finite (no NaN, no ±∞).
    public var isFinite: Bool { Scalar.allFinite(pointer, count: count) }

    /// Rows of a matrix, or 1 for a vector or scalar.
    public var rowCount: Int { shape.count >= 2 ? shape[0] : 1 }
    /// Elements per row: the last extent, or 1 for a scalar.
    public var columnCount: Int { shape.last ?? 1 }
}

extension Tensor: CustomStringConvertible {
    /// Shape and (up to 8) leading values, e.g. `Tensor<Float>[2, 3] [0.1, 0.2, …]`.
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor<\(Scalar.self)>\(shape) [\(shown)\(count > 8 ? ", …" : "")]"
    }
}

/// Formats a shape for error messages: `[512, 784]`.
func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
