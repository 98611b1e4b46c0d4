import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `data` to `url` atomically: the bytes go to a temporary file in the same directory, which
/// is then renamed over the destination, so a reader (or a crash) never sees a half-written file and
/// a failed write leaves any earlier file as it was. The directory must already exist.
///
/// `kind` names what is written in the message (`figure`, `checkpoint`, …).
///
/// - Throws: ``FileOutputError`` naming the path and the system's reason, e.g.
///   `cannot write figure /x/y.png: No such file or directory`.
public func writeAtomically(_ data: Data, to url: URL, kind: String = "file") throws {
    let path = url.path
    func failure(_ reason: String) -> FileOutputError {
        FileOutputError(path: path, reason: reason, description: "cannot write \(kind) \(path): \(reason)")
    }
    guard url.isFileURL, !url.lastPathComponent.isEmpty else {
        throw failure("not a file path")
    }
    let directory = url.deletingLastPathComponent().path
    var template = Array("\(directory)/.\(url.lastPathComponent).XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)
    guard descriptor >= 0 else { throw failure(systemReason(errno)) }
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
    // mkstemp creates the file 0600; outputs are meant to be read by others, like any new file.
    if writeError == 0, fchmod(descriptor, 0o644) != 0 { writeError = errno }
    if close(descriptor) != 0, writeError == 0 { writeError = errno }
    if writeError == 0, rename(temporaryPath, path) != 0 { writeError = errno }
    if writeError != 0 {
        unlink(temporaryPath)
        throw failure(systemReason(writeError))
    }
}

/// Moves `source` to `destination` (a file or a whole folder) with one `rename(2)`: on the same file
/// system it happens entirely or not at all. An existing file at `destination` is replaced; an
/// existing non-empty folder is not.
///
/// - Throws: ``FileOutputError`` naming both places and the system's reason, e.g.
///   `cannot move figures into /runs/basic: Permission denied`.
public func moveAtomically(_ source: URL, to destination: URL) throws {
    guard rename(source.path, destination.path) == 0 else {
        let reason = systemReason(errno)
        let place = destination.deletingLastPathComponent().path
        throw FileOutputError(path: destination.path, reason: reason,
                              description: "cannot move \(source.lastPathComponent) into \(place): \(reason)")
    }
}
