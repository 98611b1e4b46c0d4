import Testing
import Foundation
@testable import Datasets

/// SplitMix64, a tiny seeded generator for the tests (the engine supplies its own).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh temporary directory for one test.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "datasets-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func bigEndian(_ value: Int) -> [UInt8] {
    [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
}

/// IDX3 bytes for `count` images of `rows × columns`; pixel `i` of the file is `i % 256`.
func idxImageBytes(count: Int, rows: Int, columns: Int) -> [UInt8] {
    [0, 0, 8, 3] + bigEndian(count) + bigEndian(rows) + bigEndian(columns)
        + (0..<(count * rows * columns)).map { UInt8($0 % 256) }
}

/// IDX1 bytes for the given labels.
func idxLabelBytes(_ labels: [UInt8]) -> [UInt8] {
    [0, 0, 8, 1] + bigEndian(labels.count) + labels
}

@discardableResult
func write(_ bytes: [UInt8], to path: String) -> String {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

/// Gzips `path` into `path.gz` with the system `gzip` (keeping the original).
func gzip(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-kf", path]
    try process.run()
    process.waitUntilExit()
    return path + ".gz"
}

/// Writes the four IDX files of a tiny set (3 train, 2 test images of 2×3) into `directory`.
func writeTinySet(in directory: String, gzipped: Bool) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let files: [(String, [UInt8])] = [
        (IDXFileName.trainImages, idxImageBytes(count: 3, rows: 2, columns: 3)),
        (IDXFileName.trainLabels, idxLabelBytes([0, 9, 4])),
        (IDXFileName.testImages, idxImageBytes(count: 2, rows: 2, columns: 3)),
        (IDXFileName.testLabels, idxLabelBytes([1, 2])),
    ]
    for (name, bytes) in files {
        let path = write(bytes, to: join(directory, name))
        if gzipped {
            _ = try gzip(path)
            try FileManager.default.removeItem(atPath: path)
        }
    }
}

/// CRC-32 (IEEE 802.3, as gzip's trailer uses), bit by bit: slow, for small test data only.
func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// Bits packed least significant first, as deflate (RFC 1951) stores them.
struct DeflateBitWriter {
    var bytes: [UInt8] = []
    var bitCount = 0

    /// A value of `count` bits, least significant bit first (block headers, extra bits).
    mutating func write(_ value: Int, bits count: Int) {
        for index in 0..<count { writeBit(value >> index & 1) }
    }

    /// A Huffman code of `length` bits, most significant bit first (RFC 1951 §3.1.1).
    mutating func writeCode(_ code: Int, length: Int) {
        for index in (0..<length).reversed() { writeBit(code >> index & 1) }
    }

    mutating func writeBit(_ bit: Int) {
        if bitCount % 8 == 0 { bytes.append(0) }
        if bit == 1 { bytes[bytes.count - 1] |= UInt8(1 << (bitCount % 8)) }
        bitCount += 1
    }

    /// One copy of 258 bytes at distance 1 with the fixed codes: length symbol 285 (8-bit code
    /// 0b11000101, no extra bits), then distance symbol 0 (5-bit code 0): 13 bits.
    mutating func writeRunOf258() {
        writeCode(0b1100_0101, length: 8)
        writeCode(0, length: 5)
    }
}

/// A gzip file that inflates to `prefix` followed by `1 + 258 × runs` zero bytes, built by hand in
/// one fixed-Huffman deflate block (RFC 1951 §3.2.6): the prefix and one zero as literals, then
/// `runs` copies of "258 bytes from 1 byte back", 13 bits each — about 1 : 159, so 1 GB of output
/// takes under 7 MB and a fraction of a second to build. Every byte of `prefix` must be below 144
/// (the 8-bit literal codes). The trailer's CRC-32 is exact for outputs up to 16 MB and left 0
/// above: computing it would take longer than the tests using such files, which must stop
/// reading long before the trailer.
func gzipOfZeros(after prefix: [UInt8], runs: Int) -> [UInt8] {
    precondition(prefix.allSatisfy { $0 < 144 })
    var writer = DeflateBitWriter()
    writer.write(1, bits: 1)  // BFINAL: the only block
    writer.write(1, bits: 2)  // BTYPE 01: fixed Huffman codes
    for byte in prefix + [0] { writer.writeCode(0b0011_0000 + Int(byte), length: 8) }
    var remaining = runs
    while remaining > 0, writer.bitCount % 8 != 0 {
        writer.writeRunOf258()
        remaining -= 1
    }
    // From a byte boundary, eight runs are 104 bits: 13 bytes that repeat unchanged.
    var eightRuns = DeflateBitWriter()
    for _ in 0..<8 { eightRuns.writeRunOf258() }
    let repeats = remaining / 8
    writer.bytes.reserveCapacity(writer.bytes.count + repeats * 13 + 16)
    for _ in 0..<repeats { writer.bytes.append(contentsOf: eightRuns.bytes) }
    writer.bitCount += repeats * 104
    for _ in 0..<(remaining % 8) { writer.writeRunOf258() }
    writer.writeCode(0, length: 7)  // end of block: symbol 256
    let outputSize = prefix.count + 1 + 258 * runs
    let crc = outputSize <= 16_000_000 ? crc32(prefix + [UInt8](repeating: 0, count: outputSize - prefix.count)) : 0
    func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
    return header + writer.bytes + littleEndian(crc) + littleEndian(UInt32(truncatingIfNeeded: outputSize))
}

/// This process's peak resident size in bytes. On Linux, `VmHWM` from /proc/self/status: it starts
/// afresh at exec, whereas getrusage's `ru_maxrss` keeps the peak of the process image before the
/// exec — an exit test's child would report the test runner's peak. Elsewhere `ru_maxrss` (bytes
/// on macOS).
func peakResidentBytes() -> Int {
    #if os(Linux)
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? "VmHWM: 0 kB"
    return (Int(line.split(separator: " ")[1]) ?? 0) * 1024
    #else
    var usage = rusage()
    getrusage(RUSAGE_SELF, &usage)
    return usage.ru_maxrss
    #endif
}

/// A file of `size` bytes that takes no disk space (a hole), for "huge file" tests.
func writeSparseFile(at path: String, size: UInt64, startingWith text: String = "") throws {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: size)
    try handle.close()
}

extension Tag {
    /// The test reads data a Debian package installs (listed in .ci/packages; `make setup` installs
    /// them): Fashion-MNIST from dataset-fashion-mnist, WordNet from wordnet-base.
    @Tag static var installedData: Self
}
