// Loops over raw buffers, 16 lanes at a time: the building blocks every kernel is written with.
// Each is `@inline(__always)`, so a kernel specialised for Float or Double gets straight-line SIMD code.

// MARK: - Loop helpers

/// 16 lanes from `pointer + offset` (any alignment).
@inlinable @inline(__always)
public func load<S: TensorScalar>(_ pointer: UnsafePointer<S>, _ offset: Int) -> SIMD16<S> {
    UnsafeRawPointer(pointer + offset).loadUnaligned(as: SIMD16<S>.self)
}

/// 16 lanes to `pointer + offset` (any alignment).
@inlinable @inline(__always)
public func store<S: TensorScalar>(_ value: SIMD16<S>, _ pointer: UnsafeMutablePointer<S>, _ offset: Int) {
    UnsafeMutableRawPointer(pointer + offset).storeBytes(of: value, as: SIMD16<S>.self)
}

/// The last partial vector: lanes past `count` are zero on load and dropped on store.
@inlinable @inline(__always)
public func loadPartial<S: TensorScalar>(_ pointer: UnsafePointer<S>, _ offset: Int, _ count: Int) -> SIMD16<S> {
    var vector = SIMD16<S>()
    for lane in 0..<count { vector[lane] = pointer[offset + lane] }
    return vector
}

/// ``load(_:_:)`` when `width` is 16, else ``loadPartial(_:_:_:)`` (the branch folds away where
/// `width` is the constant 16).
@inlinable @inline(__always)
public func loadLanes<S: TensorScalar>(_ pointer: UnsafePointer<S>, _ offset: Int, _ width: Int) -> SIMD16<S> {
    width == 16 ? load(pointer, offset) : loadPartial(pointer, offset, width)
}

/// Stores the first `count` lanes (see ``loadPartial(_:_:_:)``).
@inlinable @inline(__always)
public func storePartial<S: TensorScalar>(_ value: SIMD16<S>, _ pointer: UnsafeMutablePointer<S>, _ offset: Int, _ count: Int) {
    for lane in 0..<count { pointer[offset + lane] = value[lane] }
}

/// ``store(_:_:_:)`` when `width` is 16, else ``storePartial(_:_:_:_:)``: the store of
/// ``loadLanes(_:_:_:)``.
@inlinable @inline(__always)
public func storeLanes<S: TensorScalar>(_ value: SIMD16<S>, _ pointer: UnsafeMutablePointer<S>, _ offset: Int, _ width: Int) {
    if width == 16 { store(value, pointer, offset) } else { storePartial(value, pointer, offset, width) }
}

/// y[i] = body(x[i]) over 16-lane vectors.
@inlinable @inline(__always)
public func map1<S: TensorScalar>(
    _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ count: Int, _ body: (SIMD16<S>) -> SIMD16<S>
) {
    forEachChunk(count) { start, length, _ in map1Serial(x + start, y + start, length, body) }
}

/// ``map1(_:_:_:_:)`` on the calling thread (inside a loop that is already split).
@inlinable @inline(__always)
public func map1Serial<S: TensorScalar>(
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
public func map2<S: TensorScalar>(
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ count: Int,
    _ body: (SIMD16<S>, SIMD16<S>) -> SIMD16<S>
) {
    forEachChunk(count) { start, length, _ in map2Serial(a + start, b + start, y + start, length, body) }
}

/// ``map2(_:_:_:_:_:)`` on the calling thread.
@inlinable @inline(__always)
public func map2Serial<S: TensorScalar>(
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
public func map3Accumulating<S: TensorScalar>(
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ c: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>,
    _ count: Int, _ accumulate: Bool, _ body: (SIMD16<S>, SIMD16<S>, SIMD16<S>) -> SIMD16<S>
) {
    forEachChunk(count) { start, length, _ in
        map3Serial(a + start, b + start, c + start, out + start, length, accumulate, body)
    }
}

/// ``map3Accumulating(_:_:_:_:_:_:_:)`` on the calling thread.
@inlinable @inline(__always)
public func map3Serial<S: TensorScalar>(
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
public func horizontalSum<S: TensorScalar>(_ v: SIMD16<S>) -> S {
    let eight = v.lowHalf + v.highHalf
    let four = eight.lowHalf + eight.highHalf
    let two = four.lowHalf + four.highHalf
    return two[0] + two[1]
}
