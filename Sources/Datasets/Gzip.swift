import CZlib
import Foundation

/// Reading whole files into memory, transparently inflating gzip through zlib.
public enum Gzip {
    /// Whether `bytes` starts with the gzip magic number `1f 8b`.
    public static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Reads the file at `path`; when it starts with the gzip magic number its content is inflated
    /// (one gzip member, into a single buffer sized from the gzip trailer), otherwise the raw bytes
    /// are returned. Throws a `DatasetError` naming `path` when the file is missing, unreadable,
    /// truncated or not gzip-decodable.
    public static func readFile(atPath path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatasetError(path: path, problem: "file not found")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw DatasetError(path: path, problem: "cannot read file (\(error.localizedDescription))")
        }
        return try data.withUnsafeBytes { raw -> [UInt8] in
            if isGzip(raw) {
                return try inflate(raw, path: path)
            }
            return [UInt8](raw)
        }
    }

    /// Inflates one gzip stream held in `compressed`; `path` only names the source in errors.
    ///
    /// The output buffer starts at the size stored in the gzip trailer (ISIZE, the uncompressed
    /// length modulo 2³²) and doubles if that proves too small, so a normal file is inflated with
    /// one allocation and no per-byte appends.
    public static func inflate(_ compressed: UnsafeRawBufferPointer, path: String) throws -> [UInt8] {
        guard compressed.count >= 18, let inputBase = compressed.baseAddress else {
            throw DatasetError(path: path, problem: "truncated gzip file (\(compressed.count) bytes)")
        }
        let trailerSize = Int(compressed.loadUnaligned(fromByteOffset: compressed.count - 4, as: UInt32.self).littleEndian)
        var capacity = max(trailerSize, 1024)
        var output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { output.deallocate() }

        var stream = z_stream()
        // 15 window bits + 16: expect a gzip header and trailer.
        let initStatus = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DatasetError(path: path, problem: "zlib could not start inflating (status \(initStatus))")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: inputBase.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(compressed.count)
        var produced = 0
        while true {
            if produced == capacity {
                let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                larger.update(from: output, count: produced)
                output.deallocate()
                output = larger
                capacity *= 2
            }
            stream.next_out = output + produced
            stream.avail_out = uInt(capacity - produced)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            produced = capacity - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                return [UInt8](UnsafeBufferPointer(start: output, count: produced))
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0:
                throw DatasetError(path: path, problem: "truncated gzip stream (ended after \(produced) uncompressed bytes)")
            case Z_BUF_ERROR:
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw DatasetError(path: path, problem: "not gzip-decodable (\(reason))")
            }
        }
    }
}
