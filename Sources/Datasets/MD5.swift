import Foundation

/// MD5 message digest (RFC 1321), used only to check downloads against published checksums.
///
/// Not for security: MD5 is broken for collision resistance, but it is what the Fashion-MNIST
/// README and torchvision publish for the dataset files.
public struct MD5 {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
    private var pending: [UInt8] = []
    private var totalBytes: UInt64 = 0

    /// Per-round left-rotation amounts, `s` in RFC 1321.
    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// The sine table `K[i] = floor(2³² · |sin(i + 1)|)` of RFC 1321.
    private static let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64((abs(sin(Double($0 + 1))) * 4_294_967_296.0).rounded(.down))) }

    /// Creates an empty digest.
    public init() {}

    /// Feeds `bytes` into the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        totalBytes &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            if pending.count == 64 {
                pending.withUnsafeBytes { processBlock($0.baseAddress!) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        while bytes.count - offset >= 64 {
            processBlock(bytes.baseAddress! + offset)
            offset += 64
        }
        if offset < bytes.count { pending.append(contentsOf: bytes[offset...]) }
    }

    /// Feeds `bytes` into the digest.
    public mutating func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads the message (a 1 bit, zeros, the 64-bit little-endian bit length) and returns the
    /// 16-byte digest as 32 lowercase hexadecimal digits.
    public mutating func finalizeHex() -> String {
        let bitLength = totalBytes &* 8
        var padding: [UInt8] = [0x80]
        let afterOne = (Int(totalBytes % 64) + 1) % 64
        padding += [UInt8](repeating: 0, count: (56 - afterOne + 64) % 64)
        for byte in 0..<8 { padding.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(byte)))) }
        let savedTotal = totalBytes
        padding.withUnsafeBytes { update($0) }
        totalBytes = savedTotal
        var hex = ""
        for word in [state.0, state.1, state.2, state.3] {
            for byte in 0..<4 {
                let value = UInt8(truncatingIfNeeded: word >> (8 * UInt32(byte)))
                hex += value < 16 ? "0" + String(value, radix: 16) : String(value, radix: 16)
            }
        }
        return hex
    }

    /// The MD5 of `bytes` as 32 lowercase hexadecimal digits.
    public static func hex<Bytes: ContiguousBytes>(of bytes: Bytes) -> String {
        var digest = MD5()
        digest.update(bytes)
        return digest.finalizeHex()
    }

    /// One 64-byte block of the compression function (four rounds of sixteen operations).
    private mutating func processBlock(_ block: UnsafeRawPointer) {
        var a = state.0, b = state.1, c = state.2, d = state.3
        for step in 0..<64 {
            var mixed: UInt32
            var wordIndex: Int
            switch step {
            case 0..<16:
                mixed = (b & c) | (~b & d); wordIndex = step
            case 16..<32:
                mixed = (d & b) | (~d & c); wordIndex = (5 * step + 1) % 16
            case 32..<48:
                mixed = b ^ c ^ d; wordIndex = (3 * step + 5) % 16
            default:
                mixed = c ^ (b | ~d); wordIndex = (7 * step) % 16
            }
            mixed = mixed &+ a &+ Self.constants[step] &+ UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * wordIndex, as: UInt32.self))
            a = d; d = c; c = b
            let shift = Self.shifts[step]
            b = b &+ ((mixed << shift) | (mixed >> (32 - shift)))
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
