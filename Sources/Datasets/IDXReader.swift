import Foundation

/// Images read from an IDX3 file (magic number `0x00000803`: unsigned bytes, three dimensions).
public struct IDXImages: Sendable {
    /// Number of images.
    public let count: Int
    /// Rows per image.
    public let rows: Int
    /// Columns per image.
    public let columns: Int
    /// `count × rows × columns` pixels, row-major, each `byte / 255` so in [0, 1].
    public let pixels: [Float]
}

/// Labels read from an IDX1 file (magic number `0x00000801`: unsigned bytes, one dimension).
public struct IDXLabels: Sendable {
    /// Number of labels.
    public let count: Int
    /// One class index per item, in file order.
    public let labels: [Int]
}

/// Reader for the IDX format of MNIST and Fashion-MNIST, gzipped or not.
///
/// An IDX file is a big-endian header — two zero bytes, a type byte (`0x08` = unsigned byte), a
/// dimension count, then one 32-bit size per dimension — followed by the data. The header is read
/// first and the data is then read (inflated, for gzip) only up to the size it promises: a file
/// with more is refused as soon as the extra shows, so memory stays within a small multiple of the
/// promised size whatever the file holds. Every problem (missing, truncated, trailing bytes, bad
/// magic, wrong dimensions, not gzip-decodable, too large for this machine) is thrown as a one-line
/// `DatasetError` naming the file.
public enum IDXReader {
    /// Magic number of an IDX file of unsigned bytes with three dimensions (images).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic number of an IDX file of unsigned bytes with one dimension (labels).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// `Float(byte) / 255` for every byte value, so conversion is one table look-up per pixel.
    private static let pixelValues: [Float] = (0...255).map { Float($0) / 255 }

    /// Reads the images at `path` (`.gz` or uncompressed) and converts each byte to `byte / 255`.
    public static func readImages(atPath path: String) throws -> IDXImages {
        let reader = try DecompressingReader(path: path)
        let dimensions = try header(of: reader, expectedMagic: imageMagic)
        let count = dimensions[0], rows = dimensions[1], columns = dimensions[2]
        guard rows > 0, columns > 0 else {
            throw DatasetError(path: path, problem: "wrong dimensions \(rows)×\(columns) (each image needs at least one row and one column)")
        }
        let what = "\(count) images of \(rows)×\(columns)"
        let (imageSize, imageOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (pixelCount, overflow) = count.multipliedReportingOverflow(by: imageSize)
        guard !imageOverflow, !overflow else {
            throw DatasetError(path: path, problem: "corrupt: header promises \(what), more bytes than any file can hold")
        }
        let bytes = try payload(of: reader, expected: pixelCount, what: what, bytesPerDecodedItem: MemoryLayout<Float>.size)
        let pixels = [Float](unsafeUninitializedCapacity: pixelCount) { buffer, initialized in
            bytes.withUnsafeBufferPointer { source in
                pixelValues.withUnsafeBufferPointer { table in
                    for index in 0..<pixelCount {
                        buffer[index] = table[Int(source[index])]
                    }
                }
            }
            initialized = pixelCount
        }
        return IDXImages(count: count, rows: rows, columns: columns, pixels: pixels)
    }

    /// Reads the labels at `path` (`.gz` or uncompressed).
    public static func readLabels(atPath path: String) throws -> IDXLabels {
        let reader = try DecompressingReader(path: path)
        let count = try header(of: reader, expectedMagic: labelMagic)[0]
        let bytes = try payload(of: reader, expected: count, what: "\(count) labels", bytesPerDecodedItem: MemoryLayout<Int>.size)
        return IDXLabels(count: count, labels: bytes.map { Int($0) })
    }

    /// Reads and validates the magic number and returns the dimension sizes.
    private static func header(of reader: DecompressingReader, expectedMagic: UInt32) throws -> [Int] {
        let path = reader.path
        let expectedDimensions = Int(expectedMagic & 0xff)
        let kind = expectedDimensions == 3 ? "IDX3 image file" : "IDX1 label file"
        let start = try reader.read(upTo: 4)
        guard start.count == 4 else {
            throw DatasetError(path: path, problem: "truncated: \(start.count) bytes, too short for an IDX header")
        }
        let magic = bigEndianUInt32(start, at: 0)
        guard magic >> 8 == expectedMagic >> 8 else {
            throw DatasetError(path: path, problem: "bad magic number \(hex(magic)) (expected \(hex(expectedMagic)) for an \(kind))")
        }
        let dimensionCount = Int(magic & 0xff)
        guard dimensionCount == expectedDimensions else {
            throw DatasetError(path: path, problem: "wrong dimensions: header declares \(dimensionCount) dimensions, an \(kind) has \(expectedDimensions) (magic \(hex(magic)))")
        }
        let sizes = try reader.read(upTo: 4 * dimensionCount)
        guard sizes.count == 4 * dimensionCount else {
            throw DatasetError(path: path, problem: "truncated: \(4 + sizes.count) bytes, too short for an IDX header with \(dimensionCount) dimensions")
        }
        return (0..<dimensionCount).map { Int(bigEndianUInt32(sizes, at: 4 * $0)) }
    }

    /// Reads the data after the header, which must hold exactly `expected` bytes, and stops as soon
    /// as it proves longer. `what` describes the promise ("10000 labels") in messages.
    ///
    /// Before reading, the promise itself is checked: a plain file's size is known, so a short or
    /// long one is refused at once; and a promise that, decoded at `bytesPerDecodedItem` bytes per
    /// byte read, would not fit in this machine's memory is refused rather than attempted.
    private static func payload(of reader: DecompressingReader, expected: Int, what: String, bytesPerDecodedItem: Int) throws -> [UInt8] {
        let path = reader.path
        if !reader.isCompressed {
            try checkPayload(byteCount: reader.fileSize - reader.deliveredCount, expected: expected, what: what, path: path)
        }
        let memory = ProcessInfo.processInfo.physicalMemory
        let (decodedSize, overflow) = expected.multipliedReportingOverflow(by: 1 + bytesPerDecodedItem)
        if overflow || UInt64(decodedSize) > memory {
            throw DatasetError(path: path, problem: "too large: header promises \(what) (\(expected) bytes), more than this machine's memory (\(memory) bytes) holds once decoded")
        }
        guard let bytes = try reader.readToEnd(limit: expected) else {
            throw DatasetError(path: path, problem: "more data than the header's \(what) (\(expected) bytes): not an IDX file, or a corrupt one")
        }
        try checkPayload(byteCount: bytes.count, expected: expected, what: what, path: path)
        return bytes
    }

    /// Checks the payload after the header holds exactly `expected` bytes.
    private static func checkPayload(byteCount: Int, expected: Int, what: String, path: String) throws {
        if byteCount < expected {
            throw DatasetError(path: path, problem: "truncated: header promises \(what) (\(expected) bytes) but only \(byteCount) bytes follow")
        }
        if byteCount > expected {
            throw DatasetError(path: path, problem: "corrupt: header promises \(what) (\(expected) bytes) but \(byteCount) bytes follow")
        }
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
