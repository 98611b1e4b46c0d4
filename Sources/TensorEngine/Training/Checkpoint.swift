import FileOutput
import Foundation
import KernelCore

/// A set of named tensors in the safetensors format, readable by `safetensors.torch.load_file`.
///
/// Layout: an 8-byte little-endian header length N; N bytes of JSON mapping each name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data section), plus an
/// optional `"__metadata__"` object of strings, padded with spaces to a multiple of 8; then the raw
/// little-endian data. Entries are written sorted by name, so the same tensors give the same bytes.
public struct Checkpoint {
    /// Tensors by name (`encoder.0.weight`, …), as Float.
    public var tensors: [String: Tensor<Float>]
    /// Free-form string metadata (the architecture, the chapter, the seed).
    public var metadata: [String: String]

    /// A checkpoint from named tensors.
    public init(tensors: [String: Tensor<Float>], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// A checkpoint of a model's named parameters.
    public init(parameters: [(name: String, tensor: Tensor<Float>)], metadata: [String: String] = [:]) {
        var tensors: [String: Tensor<Float>] = [:]
        for (name, tensor) in parameters {
            precondition(tensors[name] == nil, "Checkpoint: parameter name \(name) appears twice")
            tensors[name] = tensor
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// The serialized bytes.
    public func encoded() -> Data {
        let names = tensors.keys.sorted()
        var entries: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let byteCount = tensor.count * MemoryLayout<Float>.size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + byteCount)]}")
            offset += byteCount
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            let tensor = tensors[name]!
            // x86-64 and arm64 are little-endian, as the format requires.
            data.append(UnsafeBufferPointer(start: tensor.pointer, count: tensor.count))
        }
        return data
    }

    /// Writes the checkpoint atomically (a temporary file renamed into place), so a crash never
    /// leaves a half-written checkpoint under `url`.
    public func write(to url: URL) throws {
        do {
            try writeAtomically(encoded(), to: url, kind: "checkpoint")
        } catch let error as FileOutputError {
            throw CheckpointError(error.description)
        }
    }

    /// The longest JSON header accepted: 100 MB, the limit of the safetensors reference
    /// implementation (its `MAX_HEADER_SIZE`).
    public static let maximumHeaderByteCount = 100_000_000

    /// Reads a checkpoint, validating the header, dtypes, shapes and offsets.
    ///
    /// Memory stays within a small multiple of what the header promises: the header length is
    /// checked against the file size and `maximumHeaderByteCount` before the header is read, and
    /// the tensors' extents must tile the rest of the file exactly (as the format requires) before
    /// the data section is read. A file that claims more than it holds, or holds more than it
    /// claims, is refused in one line without reading it.
    public static func read(from url: URL) throws -> Checkpoint {
        let path = url.path
        func fail(_ problem: String) -> CheckpointError { CheckpointError("\(path): \(problem)") }
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            let fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let lengthBytes = try handle.read(upToCount: 8) ?? Data()
            let headerLength = try checkedHeaderLength(lengthBytes, byteCount: fileSize, fail: fail)
            let headerBytes = try handle.read(upToCount: headerLength) ?? Data()
            let dataLength = fileSize - 8 - headerLength
            guard headerBytes.count == headerLength else { throw fail("truncated while reading the header") }
            let layout = try parseHeader(headerBytes, dataLength: dataLength, fail: fail)
            let dataSection = try handle.read(upToCount: dataLength) ?? Data()
            guard dataSection.count == dataLength else { throw fail("truncated while reading the data section") }
            return layout.checkpoint(dataSection: dataSection)
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError("cannot read checkpoint \(path): \(describeFileError(error))")
        }
    }

    /// Decodes safetensors bytes; `source` names the file in error messages.
    public static func decode(_ data: Data, source: String = "checkpoint") throws -> Checkpoint {
        func fail(_ problem: String) -> CheckpointError { CheckpointError("\(source): \(problem)") }
        let headerLength = try checkedHeaderLength(data.prefix(8), byteCount: data.count, fail: fail)
        // `data` may be a slice whose indices do not start at 0.
        let headerStart = data.startIndex + 8, dataStart = headerStart + headerLength
        let layout = try parseHeader(data[headerStart..<dataStart], dataLength: data.endIndex - dataStart, fail: fail)
        return layout.checkpoint(dataSection: data[dataStart...])
    }

    /// The header length stored in the first 8 bytes, checked against the `byteCount` of the whole
    /// file and against `maximumHeaderByteCount`.
    private static func checkedHeaderLength(_ lengthBytes: Data, byteCount: Int, fail: (String) -> CheckpointError) throws -> Int {
        guard byteCount >= 8, lengthBytes.count == 8 else {
            throw fail("truncated: \(byteCount) bytes, less than the 8-byte header length")
        }
        let headerLength = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(byteCount - 8) else {
            throw fail("truncated: header claims \(headerLength) bytes but the file has \(byteCount - 8) after the length")
        }
        guard headerLength <= UInt64(maximumHeaderByteCount) else {
            throw fail("corrupt: header claims \(headerLength) bytes, more than the format's limit of \(maximumHeaderByteCount)")
        }
        return Int(headerLength)
    }

    /// Where each tensor lies in the data section, and the metadata, from a validated header.
    private struct Layout {
        var entries: [(name: String, shape: [Int], range: Range<Int>)] = []
        var metadata: [String: String] = [:]

        /// The checkpoint, copying each tensor out of `dataSection` (the bytes after the header).
        func checkpoint(dataSection: Data) -> Checkpoint {
            var tensors: [String: Tensor<Float>] = [:]
            dataSection.withUnsafeBytes { raw in
                for entry in entries {
                    let tensor = Tensor<Float>(zeros: entry.shape)
                    if !entry.range.isEmpty {
                        UnsafeMutableRawPointer(tensor.mutablePointer).copyMemory(from: raw.baseAddress! + entry.range.lowerBound, byteCount: entry.range.count)
                    }
                    tensors[entry.name] = tensor
                }
            }
            return Checkpoint(tensors: tensors, metadata: metadata)
        }
    }

    /// Parses and validates the JSON header: dtypes, shapes, offsets within the `dataLength`-byte
    /// data section, and extents that cover the data section exactly once (no overlap, no gap, no
    /// trailing bytes), so the tensors never need more memory than the file's data.
    private static func parseHeader(_ headerBytes: Data, dataLength: Int, fail: (String) -> CheckpointError) throws -> Layout {
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes), let header = json as? [String: Any] else {
            throw fail("corrupt: the header is not a JSON object")
        }
        var layout = Layout()
        for (name, value) in header {
            if name == "__metadata__" {
                guard let fields = value as? [String: Any] else { throw fail("corrupt: __metadata__ is not an object") }
                for (key, field) in fields {
                    guard let string = field as? String else { throw fail("corrupt: metadata \(key) is not a string") }
                    layout.metadata[key] = string
                }
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("corrupt: entry \(name) lacks dtype, shape or data_offsets") }
            guard dtype == "F32" else { throw fail("tensor \(name) has dtype \(dtype); only F32 is supported") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("corrupt: tensor \(name) has shape \(shape)") }
            // A corrupt shape's element count (or byte count) can overflow Int: refuse it rather than trap.
            let count = try shape.reduce(1) { product, extent in
                let (next, overflow) = product.multipliedReportingOverflow(by: extent)
                guard !overflow, next <= Int.max / 4 else { throw fail("corrupt: tensor \(name) has shape \(shape)") }
                return next
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= dataLength else {
                throw fail("truncated or corrupt: tensor \(name) spans bytes \(begin)..<\(end) of a \(dataLength)-byte data section")
            }
            guard end - begin == count * 4 else {
                throw fail("corrupt: tensor \(name) of shape \(shape) needs \(count * 4) bytes, offsets give \(end - begin)")
            }
            layout.entries.append((name, shape, begin..<end))
        }
        // Tensors may not share bytes (each would get its own copy of them) nor leave bytes unused.
        var covered = 0
        var previous = ""
        for entry in layout.entries.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            if entry.range.lowerBound < covered {
                throw fail("corrupt: tensors \(previous) and \(entry.name) overlap (both use bytes \(entry.range.lowerBound)..<\(min(covered, entry.range.upperBound)))")
            }
            if entry.range.lowerBound > covered {
                throw fail("corrupt: bytes \(covered)..<\(entry.range.lowerBound) of the \(dataLength)-byte data section belong to no tensor")
            }
            covered = entry.range.upperBound
            previous = entry.name
        }
        guard covered == dataLength else {
            throw fail("corrupt: bytes \(covered)..<\(dataLength) of the \(dataLength)-byte data section belong to no tensor")
        }
        return layout
    }

    /// Copies the stored values into a model's parameters, checking that every name is present with
    /// the right shape (and that the checkpoint has no extra tensors).
    public func load(into parameters: [(name: String, tensor: Tensor<Float>)]) throws {
        let expected = Set(parameters.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !expected.contains($0) }) {
            throw CheckpointError("checkpoint has tensor \(extra), which the model does not have")
        }
        for (name, parameter) in parameters {
            guard let stored = tensors[name] else { throw CheckpointError("checkpoint lacks tensor \(name)") }
            guard stored.shape == parameter.shape else {
                throw CheckpointError("tensor \(name) has shape \(describe(stored.shape)) in the checkpoint, \(describe(parameter.shape)) in the model")
            }
            parameter.mutablePointer.update(from: stored.pointer, count: stored.count)
        }
    }
}

/// A checkpoint that cannot be read, written or loaded; the description is one line.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    /// What went wrong and where.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// JSON string literal with the escapes the format needs.
private func jsonString(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
        }
    }
    return result + "\""
}
