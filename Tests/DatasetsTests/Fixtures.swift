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
