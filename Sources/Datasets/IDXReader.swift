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
/// dimension count, then one 32-bit size per dimension — followed by the data. Every problem
/// (missing, truncated, trailing bytes, bad magic, wrong dimensions, not gzip-decodable) is thrown
/// as a one-line `DatasetError` naming the file.
public enum IDXReader {
    /// Magic number of an IDX file of unsigned bytes with three dimensions (images).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic number of an IDX file of unsigned bytes with one dimension (labels).
    public static let labelMagic: UInt32 = 0x0000_0801

    /// `Float(byte) / 255` for every byte value, so conversion is one table look-up per pixel.
    private static let pixelValues: [Float] = (0...255).map { Float($0) / 255 }

    /// Reads the images at `path` (`.gz` or uncompressed) and converts each byte to `byte / 255`.
    public static func readImages(atPath path: String) throws -> IDXImages {
        let bytes = try Gzip.readFile(atPath: path)
        let dimensions = try header(of: bytes, expectedMagic: imageMagic, path: path)
        let count = dimensions[0], rows = dimensions[1], columns = dimensions[2]
        guard rows > 0, columns > 0 else {
            throw DatasetError(path: path, problem: "wrong dimensions \(rows)×\(columns) (each image needs at least one row and one column)")
        }
        let headerSize = 4 + 4 * dimensions.count
        try checkPayload(byteCount: bytes.count - headerSize, expected: count * rows * columns, path: path, what: "\(count) images of \(rows)×\(columns)")
        let total = count * rows * columns
        let pixels = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            bytes.withUnsafeBufferPointer { source in
                pixelValues.withUnsafeBufferPointer { table in
                    let payload = source.baseAddress! + headerSize
                    for index in 0..<total {
                        buffer[index] = table[Int(payload[index])]
                    }
                }
            }
            initialized = total
        }
        return IDXImages(count: count, rows: rows, columns: columns, pixels: pixels)
    }

    /// Reads the labels at `path` (`.gz` or uncompressed).
    public static func readLabels(atPath path: String) throws -> IDXLabels {
        let bytes = try Gzip.readFile(atPath: path)
        let dimensions = try header(of: bytes, expectedMagic: labelMagic, path: path)
        let count = dimensions[0]
        try checkPayload(byteCount: bytes.count - 8, expected: count, path: path, what: "\(count) labels")
        let labels = bytes[8...].map { Int($0) }
        return IDXLabels(count: count, labels: labels)
    }

    /// Validates the magic number and returns the dimension sizes.
    private static func header(of bytes: [UInt8], expectedMagic: UInt32, path: String) throws -> [Int] {
        let expectedDimensions = Int(expectedMagic & 0xff)
        let kind = expectedDimensions == 3 ? "IDX3 image file" : "IDX1 label file"
        guard bytes.count >= 4 else {
            throw DatasetError(path: path, problem: "truncated: \(bytes.count) bytes, too short for an IDX header")
        }
        let magic = bigEndianUInt32(bytes, at: 0)
        guard magic >> 8 == expectedMagic >> 8 else {
            throw DatasetError(path: path, problem: "bad magic number \(hex(magic)) (expected \(hex(expectedMagic)) for an \(kind))")
        }
        let dimensionCount = Int(magic & 0xff)
        guard dimensionCount == expectedDimensions else {
            throw DatasetError(path: path, problem: "wrong dimensions: header declares \(dimensionCount) dimensions, an \(kind) has \(expectedDimensions) (magic \(hex(magic)))")
        }
        guard bytes.count >= 4 + 4 * dimensionCount else {
            throw DatasetError(path: path, problem: "truncated: \(bytes.count) bytes, too short for an IDX header with \(dimensionCount) dimensions")
        }
        return (0..<dimensionCount).map { Int(bigEndianUInt32(bytes, at: 4 + 4 * $0)) }
    }

    /// Checks the payload after the header holds exactly `expected` bytes.
    private static func checkPayload(byteCount: Int, expected: Int, path: String, what: String) throws {
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
