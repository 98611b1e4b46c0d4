import Foundation

/// Whole-file reads with a size bound checked before anything is read.
enum BoundedFile {
    /// The bytes of the regular file at `path`, refused when it holds more than `maximumByteCount`
    /// bytes. The size is checked first, so an oversized file costs no reading at all; the read is
    /// then capped at one byte past the bound, so a file that grows meanwhile is refused too.
    /// `tooLarge` turns the file's size into the problem reported. Throws a one-line
    /// `DatasetError` naming `path`.
    static func read(atPath path: String, maximumByteCount: Int, tooLarge: (Int) -> String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw DatasetError(path: path, problem: exists ? "cannot read file" : "file not found")
        }
        defer { try? handle.close() }
        var status = stat()
        guard fstat(handle.fileDescriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw DatasetError(path: path, problem: "cannot read file (not a regular file)")
        }
        guard Int(status.st_size) <= maximumByteCount else {
            throw DatasetError(path: path, problem: tooLarge(Int(status.st_size)))
        }
        var data = Data()
        do {
            while data.count <= maximumByteCount, let piece = try handle.read(upToCount: maximumByteCount + 1 - data.count), !piece.isEmpty {
                data.append(piece)
            }
        } catch {
            throw DatasetError(path: path, problem: "cannot read file (\(error.localizedDescription))")
        }
        guard data.count <= maximumByteCount else {
            throw DatasetError(path: path, problem: tooLarge(data.count))
        }
        return data
    }

    /// A byte count for messages, exact and in megabytes: "1073741824 bytes (1073.7 MB)".
    static func describe(byteCount: Int) -> String {
        "\(byteCount) bytes (\(String(format: "%.1f", Double(byteCount) / 1e6)) MB)"
    }
}
