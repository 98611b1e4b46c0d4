import KernelCore
import Foundation
import Synchronization

/// A contiguous buffer of scalars, returned to ``BufferPool`` when the last tensor using it goes.
///
/// Training allocates the same buffer sizes every step (activations, gradients, temporaries); the
/// pool hands them back instead of asking the system allocator, so a training loop does no large
/// allocation after its first step and never touches fresh, unfaulted pages.
@usableFromInline
final class TensorStorage<Scalar: TensorScalar> {
    @usableFromInline let pointer: UnsafeMutablePointer<Scalar>
    @usableFromInline let count: Int

    /// Uninitialised storage for `count` scalars (contents are whatever the pooled buffer held).
    @usableFromInline
    init(uninitializedCount count: Int) {
        self.count = count
        let byteCount = Swift.max(count, 1) * MemoryLayout<Scalar>.stride
        pointer = BufferPool.shared.take(byteCount: byteCount).bindMemory(to: Scalar.self, capacity: Swift.max(count, 1))
    }

    deinit {
        BufferPool.shared.give(UnsafeMutableRawPointer(pointer), byteCount: Swift.max(count, 1) * MemoryLayout<Scalar>.stride)
    }
}

/// Free buffers by exact byte size, shared by every tensor of every element type.
public final class BufferPool: Sendable {
    /// The pool all tensors use.
    public static let shared = BufferPool()

    private let freeBuffers = Mutex<[Int: [UnsafeMutableRawPointer]]>([:])
    private static let alignment = 64

    /// A buffer of exactly `byteCount` bytes, reused when one is free.
    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        let reused = freeBuffers.withLock { buffers -> UnsafeMutableRawPointer? in
            buffers[byteCount]?.popLast()
        }
        return reused ?? UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: Self.alignment)
    }

    /// Returns a buffer for reuse.
    func give(_ buffer: UnsafeMutableRawPointer, byteCount: Int) {
        freeBuffers.withLock { buffers in buffers[byteCount, default: []].append(buffer) }
    }
}
