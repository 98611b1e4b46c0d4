import Foundation
import Testing
@testable import TensorEngine

/// A fresh empty directory under the system's temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("TensorEngineTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The 8-byte little-endian length, then the header bytes, then the data bytes: a safetensors file.
func safetensorsBytes(header: String, padTo multiple: Int = 8, data: [UInt8]) -> Data {
    var headerBytes = Array(header.utf8)
    while headerBytes.count % multiple != 0 { headerBytes.append(0x20) }
    var bytes = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> (8 * UInt64($0))) }
    bytes += headerBytes + data
    return Data(bytes)
}

/// The error `body` throws, as a CheckpointError (a failed expectation if it throws nothing else).
func checkpointError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    do {
        try body()
        Issue.record("expected a CheckpointError", sourceLocation: sourceLocation)
        return ""
    } catch let error as CheckpointError {
        return error.description
    } catch {
        Issue.record("expected a CheckpointError, got \(error)", sourceLocation: sourceLocation)
        return ""
    }
}

extension TensorEngineTests {
@Suite("Checkpoints in the safetensors format")
struct CheckpointTests {
    /// 1.0 and 2.0 as little-endian IEEE 754 binary32: 0x3F800000, 0x40000000.
    static let oneTwoBytes: [UInt8] = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40]

    @Test("the bytes of a one-tensor checkpoint, exactly as the safetensors spec lays them out")
    func exactBytes() {
        let data = Checkpoint(tensors: ["w": Tensor<Float>(shape: [2], scalars: [1, 2])]).encoded()
        // The JSON header is 54 bytes, padded with 2 spaces to 56 (a multiple of 8), so the data starts
        // 8-byte aligned; the length 56 = 0x38 comes first as a little-endian u64.
        let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"# + "  "
        #expect(header.utf8.count == 56)
        let expected = [0x38, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + Self.oneTwoBytes
        #expect([UInt8](data) == expected)
        #expect(data == safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: Self.oneTwoBytes))
    }

    @Test("metadata first, tensors sorted by name with consecutive offsets; a scalar has shape []")
    func exactBytesWithMetadata() {
        let checkpoint = Checkpoint(
            tensors: ["b": Tensor<Float>(shape: [1, 2], scalars: [1, 2]), "a": Tensor<Float>(0.5)], metadata: ["seed": "7"])
        let header = #"{"__metadata__":{"seed":"7"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"#
            + #""b":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}"#
        // 137 header bytes, padded to 144; 0.5 is 0x3F000000.
        #expect(checkpoint.encoded() == safetensorsBytes(header: header, data: [0, 0, 0, 0x3F] + Self.oneTwoBytes))
        #expect(checkpoint.encoded().prefix(8) == Data([144, 0, 0, 0, 0, 0, 0, 0]))
    }

    @Test("write, then read back: the same names, shapes, values and metadata")
    func roundTrip() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generator = SeededGenerator(seed: 42)
        let tensors: [String: Tensor<Float>] = [
            "encoder.0.weight": Tensor(randomNormal: [8, 5], generator: generator),
            "encoder.0.bias": Tensor(randomNormal: [8], generator: generator),
            "scale": Tensor(3.25),
            "empty": Tensor(zeros: [0, 3]),
            "special": Tensor(shape: [4], scalars: [.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]),
        ]
        let metadata = ["architecture": "16-8-4", "quote \" and \\ and\nnewline": "tab\there, é, 🙂", "seed": "42"]
        let url = directory.appendingPathComponent("model.safetensors")
        try Checkpoint(tensors: tensors, metadata: metadata).write(to: url)
        let read = try Checkpoint.read(from: url)
        #expect(read.metadata == metadata)
        #expect(Set(read.tensors.keys) == Set(tensors.keys))
        for (name, tensor) in tensors {
            #expect(read.tensors[name]?.shape == tensor.shape, "\(name)")
            // Bit patterns: −0 stays −0.
            #expect(read.tensors[name]?.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name)")
        }
        // Same tensors, same bytes.
        #expect(read.encoded() == Checkpoint(tensors: tensors, metadata: metadata).encoded())
    }

    @Test("loading into a model's parameters copies the values")
    func loadIntoParameters() throws {
        let source = Sequential<Float>.perceptron(sizes: [4, 3, 2], generator: SeededGenerator(seed: 1))
        let target = Sequential<Float>.perceptron(sizes: [4, 3, 2], generator: SeededGenerator(seed: 2))
        #expect(source.namedParameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        let decoded = try Checkpoint.decode(Checkpoint(parameters: source.namedParameters).encoded())
        try decoded.load(into: target.namedParameters)
        for (a, b) in zip(source.parameters, target.parameters) { #expect(a.scalars == b.scalars) }
    }

    @Test("a missing name, a wrong shape or an extra tensor is refused with its error")
    func loadErrors() {
        let checkpoint = Checkpoint(tensors: ["w": Tensor<Float>(shape: [2], scalars: [1, 2])])
        let w3 = Tensor<Float>(zeros: [3]), b = Tensor<Float>(zeros: [1])
        #expect(checkpointError { try checkpoint.load(into: [("w", Tensor<Float>(zeros: [2])), ("b", b)]) }
                == "checkpoint lacks tensor b")
        #expect(checkpointError { try checkpoint.load(into: [("w", w3)]) }
                == "tensor w has shape [2] in the checkpoint, [3] in the model")
        #expect(w3.scalars == [0, 0, 0])  // nothing written
        #expect(checkpointError { try checkpoint.load(into: []) } == "checkpoint has tensor w, which the model does not have")
    }

    @Test("truncated files are refused, naming the problem")
    func truncated() throws {
        let good = Checkpoint(tensors: ["w": Tensor<Float>(shape: [2], scalars: [1, 2])]).encoded()
        let tooShort = checkpointError { _ = try Checkpoint.decode(good.prefix(5), source: "short.safetensors") }
        #expect(tooShort == "short.safetensors: truncated: 5 bytes, less than the 8-byte header length")
        let cutHeader = checkpointError { _ = try Checkpoint.decode(good.prefix(40)) }
        #expect(cutHeader == "checkpoint: truncated: header claims 56 bytes but the file has 32 after the length")
        let cutData = checkpointError { _ = try Checkpoint.decode(good.prefix(good.count - 3)) }
        #expect(cutData.contains("truncated") && cutData.contains("tensor w") && cutData.contains("0..<8"), "\(cutData)")
        // Through a file: the path names the file.
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("cut.safetensors")
        try good.prefix(good.count - 3).write(to: url)
        let fromFile = checkpointError { _ = try Checkpoint.read(from: url) }
        #expect(fromFile.hasPrefix(url.path + ": truncated"), "\(fromFile)")
        let missing = checkpointError { _ = try Checkpoint.read(from: directory.appendingPathComponent("none.safetensors")) }
        #expect(missing.contains("cannot read checkpoint") && missing.contains("No such file"), "\(missing)")
    }

    @Test("corrupt headers are refused, naming the problem")
    func corrupt() {
        func message(_ header: String, data: [UInt8] = CheckpointTests.oneTwoBytes) -> String {
            checkpointError { _ = try Checkpoint.decode(safetensorsBytes(header: header, data: data)) }
        }
        #expect(message("this is not json") == "checkpoint: corrupt: the header is not a JSON object")
        #expect(message("[1, 2, 3]") == "checkpoint: corrupt: the header is not a JSON object")
        #expect(message(#"{"w":{"dtype":"F32","shape":[2]}}"#) == "checkpoint: corrupt: entry w lacks dtype, shape or data_offsets")
        #expect(message(#"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#)
                == "checkpoint: tensor w has dtype F16; only F32 is supported")
        #expect(message(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#)
                == "checkpoint: corrupt: tensor w of shape [3] needs 12 bytes, offsets give 8")
        #expect(message(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#) == "checkpoint: corrupt: tensor w has shape [-2]")
        #expect(message(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#).contains("corrupt"))
        #expect(message(#"{"__metadata__":{"seed":7}}"#) == "checkpoint: corrupt: metadata seed is not a string")
        #expect(message(#"{"__metadata__":[]}"#) == "checkpoint: corrupt: __metadata__ is not an object")
        // An absurd shape whose element count overflows Int is refused, not a crash.
        let overflow = message(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}"#)
        #expect(overflow.contains("corrupt"), "\(overflow)")
        // A header length larger than any file.
        var huge = Data(repeating: 0xFF, count: 8)
        huge.append(contentsOf: Array("{}".utf8))
        #expect(checkpointError { _ = try Checkpoint.decode(huge) }.contains("truncated"))
    }

    @Test("tensors must tile the data section: overlaps, gaps and trailing bytes are refused")
    func tiling() {
        func message(_ header: String, data: [UInt8]) -> String {
            checkpointError { _ = try Checkpoint.decode(safetensorsBytes(header: header, data: data)) }
        }
        let twelve = Self.oneTwoBytes + [0, 0, 0x40, 0x40]
        // Overlapping tensors would each get a copy of the shared bytes: a header could list thousands.
        #expect(message(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: twelve)
                == "checkpoint: corrupt: tensors a and b overlap (both use bytes 4..<8)")
        #expect(message(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: twelve)
                == "checkpoint: corrupt: bytes 4..<8 of the 12-byte data section belong to no tensor")
        #expect(message(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: twelve)
                == "checkpoint: corrupt: bytes 8..<12 of the 12-byte data section belong to no tensor")
        #expect(message("{}", data: Self.oneTwoBytes) == "checkpoint: corrupt: bytes 0..<8 of the 8-byte data section belong to no tensor")
        // Decoding a slice of a larger buffer reads the slice's own bytes.
        let good = Checkpoint(tensors: ["w": Tensor<Float>(shape: [2], scalars: [1, 2])]).encoded()
        let padded = Data([9, 9, 9]) + good
        #expect((try? Checkpoint.decode(padded[3...]))?.tensors["w"]?.scalars == [1, 2])
    }

    @Test("a file that claims or holds far more than its header promises is refused before it is read")
    func hugeFiles() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A header length past the format's 100 MB limit, in a 100 MB file that is all hole.
        let longHeader = directory.appendingPathComponent("long-header.safetensors")
        try Data([0x08, 0xE1, 0xF5, 0x05, 0, 0, 0, 0]).write(to: longHeader)  // 100 000 008
        let handle = try FileHandle(forWritingTo: longHeader)
        try handle.truncate(atOffset: 100_000_100)
        try handle.close()
        #expect(checkpointError { _ = try Checkpoint.read(from: longHeader) }
                == "\(longHeader.path): corrupt: header claims 100000008 bytes, more than the format's limit of 100000000")
        // Run in a child process so that its peak resident size is the reader's alone.
        await #expect(processExitsWith: .success) {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).safetensors")
            // A valid 8-byte tensor, then a hole up to 1 GiB: trailing bytes no tensor claims.
            try Checkpoint(tensors: ["w": Tensor<Float>(shape: [2], scalars: [1, 2])]).encoded().write(to: url)
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: 1 << 30)
            try handle.close()
            var message = "no error"
            do { _ = try Checkpoint.read(from: url) } catch { message = String(describing: error) }
            try? FileManager.default.removeItem(at: url)
            // VmHWM, not getrusage: its ru_maxrss would include the test runner's peak before the exec.
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let peakLine = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? "VmHWM: 0 kB"
            let peak = (Int(peakLine.split(separator: " ")[1]) ?? 0) * 1024
            let dataLength = (1 << 30) - 64
            let expected = "\(url.path): corrupt: bytes 8..<\(dataLength) of the \(dataLength)-byte data section belong to no tensor"
            // Reading the file would take over 1 GB; the test process itself is about 55 MB.
            // Exit status 2: the wrong message; 3: too much memory.
            guard message == expected else { exit(2) }
            guard peak > 0, peak < 200_000_000 else { exit(3) }
        }
    }

    @Test("writing into a missing directory fails with the system's reason")
    func writeError() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("no/such/dir/model.safetensors")
        let failure = checkpointError { try Checkpoint(tensors: [:]).write(to: url) }
        #expect(failure.hasPrefix("cannot write checkpoint \(url.path): "), "\(failure)")
    }
}
}
