import CZlib
import Foundation

/// Gzip detection.
public enum Gzip {
    /// Whether `bytes` starts with the gzip magic number `1f 8b`.
    public static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }
}

/// A file's bytes in order, read in pieces and inflated on the fly when the file is gzip (one gzip
/// member, through zlib), so that a reader can stop as soon as it has what it needs.
///
/// Nothing is read ahead beyond one 256 KiB piece of the file, so memory use is set by what the
/// caller asks for, never by what the file holds: a gzip stream that inflates to gigabytes costs
/// no more than the bytes actually requested. Every failure is a one-line `DatasetError` naming
/// the file.
public final class DecompressingReader {
    /// The file being read.
    public let path: String
    /// Whether the file starts with the gzip magic number (and is inflated).
    public let isCompressed: Bool
    /// The file's size on disk, in bytes.
    public let fileSize: Int
    /// The size the data claims to have once read: the file size for a plain file, the gzip
    /// trailer's ISIZE (the uncompressed length modulo 2³²) for a gzip file. A hint for sizing
    /// buffers only: a corrupt or hostile file can claim anything.
    public let claimedSize: Int
    /// Bytes delivered to the caller so far (after inflating).
    public private(set) var deliveredCount = 0

    private static let pieceSize = 256 * 1024
    private let descriptor: Int32
    private let piece: UnsafeMutablePointer<UInt8>
    private var stream = z_stream()
    private var fileExhausted = false
    private var streamEnded = false

    /// Opens `path`. Throws when it is missing, unreadable, a directory, or a gzip file too short
    /// to hold a gzip header and trailer.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno
            throw DatasetError(path: path, problem: reason == ENOENT ? "file not found" : "cannot read file (\(String(cString: strerror(reason))))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw DatasetError(path: path, problem: "cannot read file (not a regular file)")
        }
        fileSize = Int(status.st_size)
        piece = .allocate(capacity: Self.pieceSize)
        var magic: [UInt8] = [0, 0]
        let magicCount = pread(descriptor, &magic, 2, 0)
        isCompressed = magicCount == 2 && magic.withUnsafeBytes(Gzip.isGzip)
        guard isCompressed else {
            claimedSize = fileSize
            return
        }
        var trailer: [UInt8] = [0, 0, 0, 0]
        guard fileSize >= 18, pread(descriptor, &trailer, 4, off_t(fileSize - 4)) == 4 else {
            close(descriptor)
            piece.deallocate()
            throw DatasetError(path: path, problem: "truncated gzip file (\(fileSize) bytes)")
        }
        claimedSize = trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
        // 15 window bits + 16: expect a gzip header and trailer.
        let initStatus = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            close(descriptor)
            piece.deallocate()
            throw DatasetError(path: path, problem: "zlib could not start inflating (status \(initStatus))")
        }
    }

    deinit {
        if isCompressed { inflateEnd(&stream) }
        close(descriptor)
        piece.deallocate()
    }

    /// Fills `buffer` from its start; returns how many bytes were written, fewer than
    /// `buffer.count` only at the end of the data.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let filled = isCompressed ? try inflate(into: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
                                  : try readPlain(into: base, count: buffer.count)
        deliveredCount += filled
        return filled
    }

    /// Up to `count` bytes, fewer only at the end of the data.
    public func read(upTo count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = try read(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// The data from here to its end, or `nil` as soon as it proves longer than `limit` bytes.
    ///
    /// The buffer starts at `claimedSize` (capped by `limit`) and doubles when that proves too
    /// small, so an honest file is read with one allocation, and no input makes this hold more than
    /// about three times `limit` at once.
    public func readToEnd(limit: Int) throws -> [UInt8]? {
        var capacity = min(limit, max(claimedSize - deliveredCount, 64 * 1024))
        var result = [UInt8]()
        while true {
            var complete = false
            let previous = result
            result = try [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                let kept = buffer.initialize(fromContentsOf: previous)
                let added = try read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[kept...])))
                initialized = kept + added
                complete = kept + added < capacity
            }
            if complete { return result }
            if capacity == limit { return try isAtEnd() ? result : nil }
            capacity = min(limit, capacity * 2)
        }
    }

    /// Whether the data has ended; reads (and discards) at most one byte to find out.
    public func isAtEnd() throws -> Bool {
        var probe: UInt8 = 0
        return try withUnsafeMutableBytes(of: &probe) { try read(into: $0) } == 0
    }

    private func readPlain(into base: UnsafeMutableRawPointer, count: Int) throws -> Int {
        var filled = 0
        while filled < count {
            let got = Foundation.read(descriptor, base + filled, count - filled)
            if got < 0 {
                if errno == EINTR { continue }
                throw DatasetError(path: path, problem: "cannot read file (\(String(cString: strerror(errno))))")
            }
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    private func inflate(into base: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        var filled = 0
        while filled < count && !streamEnded {
            if stream.avail_in == 0 && !fileExhausted {
                let got = try readPlain(into: piece, count: Self.pieceSize)
                fileExhausted = got == 0
                stream.next_in = piece
                stream.avail_in = uInt(got)
            }
            let room = uInt(min(count - filled, Int(UInt32.max)))
            stream.next_out = base + filled
            stream.avail_out = room
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            filled += Int(room - stream.avail_out)
            switch status {
            case Z_STREAM_END:
                streamEnded = true
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0 && fileExhausted:
                throw DatasetError(path: path, problem: "truncated gzip stream (ended after \(deliveredCount + filled) uncompressed bytes)")
            case Z_BUF_ERROR:
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw DatasetError(path: path, problem: "not gzip-decodable (\(reason))")
            }
        }
        return filled
    }
}
