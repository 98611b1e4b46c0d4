import CBLAS
import Dispatch

// How many threads the engine uses: OpenBLAS's own, and the element-wise kernels', which split
// large buffers into chunks (results never depend on the split).

/// Threads the element-wise kernels split large buffers across (set with ``setThreadCount(_:)``).
nonisolated(unsafe) public internal(set) var kernelThreadCount = 1

/// Threads a large matrix product is split across (set with ``setThreadCount(_:elementwise:)``).
nonisolated(unsafe) public internal(set) var gemmThreadCount = 1

/// Buffers shorter than this run on one thread: waking a second costs more than it saves.
public let parallelThreshold = 1 << 16

/// Calls `body` on consecutive chunks of 0..<count (multiples of 16 long), in parallel when the
/// buffer is large. Element-wise results do not depend on the split, so they are identical for
/// every thread count.
@inlinable @inline(__always)
public func forEachChunk(_ count: Int, _ body: (_ start: Int, _ count: Int, _ chunk: Int) -> Void) {
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

/// Runs `body` on consecutive parts of 0..<count, in parallel when `work` (elements touched) is large
/// enough to pay for waking a thread. Each index is handled by exactly one call.
@inlinable @inline(__always)
public func forEachPart(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
    let threads = Swift.min(count, kernelThreadCount < 2 || work < parallelThreshold ? 1 : kernelThreadCount)
    if threads <= 1 {
        body(0..<count)
        return
    }
    let size = (count + threads - 1) / threads
    DispatchQueue.concurrentPerform(iterations: threads) { part in
        let start = part * size
        if start < count { body(start..<Swift.min(start + size, count)) }
    }
}

/// Runs `body(0)`, `body(1)`, … `body(count − 1)`, in parallel on the engine's threads when `parallel`
/// and more than one thread is set. Each index runs exactly once; a body that writes only what its
/// index owns gives the same result for every thread count.
@inlinable
public func forEachTask(_ count: Int, parallel: Bool = true, _ body: (Int) -> Void) {
    if parallel && kernelThreadCount > 1 && count > 1 {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    } else {
        for index in 0..<count { body(index) }
    }
}

/// How many chunks ``forEachChunk(_:_:)`` splits `count` elements into.
@inlinable @inline(__always)
public func chunkCount(_ count: Int) -> Int { kernelThreadCount < 2 || count < parallelThreshold ? 1 : kernelThreadCount }

/// The OpenBLAS kernel in use (e.g. `SkylakeX`, `Haswell`), for benchmark reports.
public var blasCoreName: String { String(cString: openblas_get_corename()) }

/// The number of threads OpenBLAS uses.
public var blasThreadCount: Int { Int(openblas_get_num_threads()) }

/// Sets how many threads the engine uses (the chapters' `--threads`). OpenBLAS itself runs on one
/// thread: the engine splits each large matrix product into blocks across its own threads, which sleep
/// between calls where OpenBLAS's would spin. `elementwise` overrides the count for the element-wise
/// kernels (for benchmarks). Results are reproducible for fixed counts.
public func setThreadCount(_ count: Int, elementwise: Int? = nil) {
    precondition(count >= 1 && (elementwise ?? 1) >= 1, "setThreadCount: \(count) threads")
    openblas_set_num_threads(1)
    kernelThreadCount = elementwise ?? count
    gemmThreadCount = count
}
