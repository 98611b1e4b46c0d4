// Vectorised elementary functions for Float, 16 lanes at a time.
//
// Swift has no vector `exp` or `log`, and calling libm once per element costs more than the matrix
// products of a small network. These are the classic Cephes single-precision approximations
// (range reduction + a short polynomial), written with plain SIMD arithmetic and
// `replacing(with:where:)` so they vectorise on baseline x86-64. Accuracy: a few ulp over the
// ranges a network sees, checked against libm in the tests.

#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// 16 Float lanes, the unit every Float kernel works in.
public typealias FloatVector = SIMD16<Float>

@usableFromInline let roundingMagic: Float = 12_582_912  // 1.5 * 2^23: adding it rounds to an integer

/// |x| for every lane, by clearing the sign bit.
@inlinable @inline(__always)
public func vectorAbs(_ x: FloatVector) -> FloatVector {
    unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: FloatVector.self)
}

/// e^x for every lane. Inputs below -87.3 give 0, above 88.7 give +inf, NaN stays NaN.
@inlinable @inline(__always)
public func vectorExp(_ input: FloatVector) -> FloatVector {
    var x = input
    let tooLarge = x .> 88.72283
    let tooSmall = x .< -87.33654
    x.replace(with: 0, where: tooLarge .| tooSmall)
    // x = n ln2 + r, |r| <= ln2 / 2
    let shifted = x * 1.442695041 + roundingMagic  // its low mantissa bits hold round(x / ln2)
    let n = shifted - roundingMagic
    var r = x - n * 0.693359375
    r = r + n * 2.12194440e-4
    let r2 = r * r
    var p: FloatVector = FloatVector(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * r2 + r + 1
    // multiply by 2^n through the exponent bits
    // 2^n as a float: the integer n sits in the low bits of `shifted` (bits 0x4B40_0000 + n); moving it
    // into the exponent field needs no float-to-int conversion, which baseline x86-64 does lane by lane.
    let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
    // n = 128 (x in 88.38…88.72) has no Float 2^n: use 2^127, then double the product (still finite).
    let top = n .== 128
    var result = p * unsafeBitCast(exponent.replacing(with: 254 &<< 23, where: top), to: FloatVector.self)
    result.replace(with: result * 2, where: top)
    result.replace(with: .infinity, where: tooLarge)
    result.replace(with: 0, where: tooSmall)
    result.replace(with: input, where: input .!= input)
    return result
}

/// Natural logarithm for every lane. log(0) = -inf, negative inputs give NaN, +inf stays +inf.
@inlinable @inline(__always)
public func vectorLog(_ input: FloatVector) -> FloatVector {
    let bits = unsafeBitCast(input, to: SIMD16<Int32>.self)
    // split x = m * 2^e with m in [sqrt(1/2), sqrt(2))
    var exponent = (bits &>> 23) &- 127
    var mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: FloatVector.self)
    let large = mantissa .> 1.41421356
    mantissa.replace(with: mantissa * 0.5, where: large)
    exponent.replace(with: exponent &+ 1, where: large)
    let e = unsafeBitCast(exponent &+ 0x4B40_0000, to: FloatVector.self) - roundingMagic  // Float(exponent)
    let x = mantissa - 1
    let z = x * x
    var y = FloatVector(repeating: 7.0376836292e-2)
    y = y * x - 1.1514610310e-1
    y = y * x + 1.1676998740e-1
    y = y * x - 1.2420140846e-1
    y = y * x + 1.4249322787e-1
    y = y * x - 1.6668057665e-1
    y = y * x + 2.0000714765e-1
    y = y * x - 2.4999993993e-1
    y = y * x + 3.3333331174e-1
    y = y * x * z
    y = y + e * -2.12194440e-4
    y = y - z * 0.5
    var result = x + y + e * 0.693359375
    // subnormals are not expected in a network's activations; treat them as zero
    result.replace(with: -.infinity, where: input .< Float.leastNormalMagnitude)
    result.replace(with: .nan, where: input .< 0)
    result.replace(with: input, where: (input .== .infinity) .| (input .!= input))
    return result
}

/// log(1 + x) for every lane, accurate for small x: log(w) - ((w - 1) - x) / w with w = 1 + x.
@inlinable @inline(__always)
public func vectorLog1p(_ x: FloatVector) -> FloatVector {
    let w = 1 + x
    var result = vectorLog(w) - ((w - 1) - x) / w
    result.replace(with: x, where: w .== 1)
    result.replace(with: .infinity, where: x .== .infinity)
    result.replace(with: -.infinity, where: w .== 0)  // x = −1: log(0) − 0/0 would be NaN
    return result
}

/// Logistic sigmoid 1 / (1 + e^-x), computed from e^-|x| so it never overflows.
@inlinable @inline(__always)
public func vectorSigmoid(_ x: FloatVector) -> FloatVector {
    let e = vectorExp(-vectorAbs(x))
    let denominator = 1 / (1 + e)
    var result = denominator
    result.replace(with: e * denominator, where: x .< 0)
    return result
}

/// Hyperbolic tangent: a polynomial for |x| < 0.625, (1 - e^-2|x|) / (1 + e^-2|x|) beyond.
@inlinable @inline(__always)
public func vectorTanh(_ x: FloatVector) -> FloatVector {
    let magnitude = vectorAbs(x)
    let e = vectorExp(-2 * magnitude)
    var large = (1 - e) / (1 + e)
    large.replace(with: -large, where: x .< 0)
    let z = x * x
    var small = FloatVector(repeating: -5.70498872745e-3)
    small = small * z + 2.06390887954e-2
    small = small * z - 5.37397155531e-2
    small = small * z + 1.33314422036e-1
    small = small * z - 3.33332819422e-1
    small = small * z * x + x
    large.replace(with: small, where: magnitude .< 0.625)
    return large
}


/// sin x and cos x for every lane, sharing one range reduction: x = n π/2 + r with |r| ≤ π/4
/// (π/2 in three parts, Cody–Waite, so n π/2 is exact for |n| < 2^15), then Cephes' single-precision
/// polynomials for sin r and cos r, and the quadrant n mod 4 picks and signs them. Within 2 ulp of
/// the result for |x| ≤ 1000; up to |x| = 8192 the absolute error stays below 1e-7 (more ulp for a
/// result near 0); beyond that the reduction loses bits. NaN and ±inf give NaN.
@inlinable @inline(__always)
public func vectorSinCos(_ x: FloatVector) -> (sin: FloatVector, cos: FloatVector) {
    let shifted = x * 0.636619772 + roundingMagic  // its low mantissa bits hold n = round(2x / π)
    let n = shifted - roundingMagic
    var r = x - n * 1.5703125
    r = r - n * 4.837512969970703125e-4
    r = r - n * 7.54978995489188216e-8
    let z = r * r
    var sine = FloatVector(repeating: -1.9515295891e-4)
    sine = sine * z + 8.3321608736e-3
    sine = sine * z - 1.6666654611e-1
    sine = sine * z * r + r
    var cosine = FloatVector(repeating: 2.443315711809948e-5)
    cosine = cosine * z - 1.388731625493765e-3
    cosine = cosine * z + 4.166664568298827e-2
    cosine = cosine * z * z - z * 0.5 + 1
    // quadrant q = n mod 4: (sin, cos) = (s, c), (c, −s), (−s, −c), (−c, s) for q = 0, 1, 2, 3,
    // chosen with bit operations (integer lane comparisons compile to a lane-by-lane loop)
    let quadrant = unsafeBitCast(shifted, to: SIMD16<UInt32>.self) & 3
    let swap = 0 &- (quadrant & 1)  // all ones for odd q
    let (sineBits, cosineBits) = (unsafeBitCast(sine, to: SIMD16<UInt32>.self),
                                  unsafeBitCast(cosine, to: SIMD16<UInt32>.self))
    let sinSign = (quadrant & 2) &<< 30, cosSign = ((quadrant &+ 1) & 2) &<< 30
    var sinResult = unsafeBitCast(((cosineBits & swap) | (sineBits & ~swap)) ^ sinSign, to: FloatVector.self)
    var cosResult = unsafeBitCast(((sineBits & swap) | (cosineBits & ~swap)) ^ cosSign, to: FloatVector.self)
    let infinite = vectorAbs(x) .== .infinity  // n is inf too: r is already NaN, the quadrant is not
    sinResult.replace(with: .nan, where: infinite)
    cosResult.replace(with: .nan, where: infinite)
    return (sinResult, cosResult)
}

/// √x for every lane, correctly rounded as IEEE 754 requires; 0 and +inf map to themselves, negative
/// x and NaN give NaN. On x86-64, SSE's `sqrtps` (baseline, four lanes per instruction): a vector's
/// `squareRoot()` calls libm's `sqrtf` lane by lane on Linux, to set errno for negative inputs, and a
/// Newton iteration costs more instructions and rounds differently. Elsewhere, lane by lane.
@inlinable @inline(__always)
public func vectorSquareRoot(_ x: FloatVector) -> FloatVector {
    #if arch(x86_64)
    FloatVector(lowHalf: SIMD8(lowHalf: _mm_sqrt_ps(x.lowHalf.lowHalf), highHalf: _mm_sqrt_ps(x.lowHalf.highHalf)),
                highHalf: SIMD8(lowHalf: _mm_sqrt_ps(x.highHalf.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf.highHalf)))
    #else
    x.squareRoot()
    #endif
}
