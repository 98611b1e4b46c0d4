import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `data` to `url` atomically: the bytes go to a temporary file in the same directory,
/// which is then renamed over the destination. The directory must already exist.
///
/// - Throws: `FigureError` with a one-line description naming the path and the system's reason,
///   e.g. `cannot write figure /x/y.png: No such file or directory`.
func writeAtomically(_ data: Data, to url: URL) throws {
    let path = url.path
    func failure(_ code: Int32) -> FigureError {
        FigureError("cannot write figure \(path): \(String(cString: strerror(code)))")
    }
    guard url.isFileURL, !url.lastPathComponent.isEmpty else {
        throw FigureError("cannot write figure \(path): not a file path")
    }
    let directory = url.deletingLastPathComponent().path
    var template = Array("\(directory)/.\(url.lastPathComponent).XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)
    guard descriptor >= 0 else { throw failure(errno) }
    let temporaryPath = String(cString: template)
    var writeError: Int32 = 0
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                writeError = errno
                return
            }
            offset += written
        }
    }
    if writeError == 0, fchmod(descriptor, 0o644) != 0 { writeError = errno }
    if close(descriptor) != 0, writeError == 0 { writeError = errno }
    if writeError == 0, rename(temporaryPath, path) != 0 { writeError = errno }
    if writeError != 0 {
        unlink(temporaryPath)
        throw failure(writeError)
    }
}
