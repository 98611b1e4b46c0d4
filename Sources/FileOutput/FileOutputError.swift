import Foundation

/// The error of every operation in `FileOutput`: one line naming what could not be written or moved,
/// its path, and the operating system's reason, e.g. `cannot write figure /x/y.png: No such file or
/// directory`.
public struct FileOutputError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    /// The path that could not be written (or the destination of a failed move).
    public let path: String
    /// The operating system's reason, e.g. `Permission denied`.
    public let reason: String
    /// The whole one-line message.
    public let description: String

    /// The message, so `localizedDescription` shows it instead of Foundation's generic wording.
    public var errorDescription: String? { description }
}

/// The operating system's reason for a failed file operation, without Foundation's wrapping:
/// `No such file or directory`, `Permission denied`, … For a ``FileOutputError`` its `reason`.
public func describeFileError(_ error: Error) -> String {
    if let error = error as? FileOutputError { return error.reason }
    let nsError = error as NSError
    // On Linux the underlying error is a `POSIXError`, which `as? NSError` does not match.
    if let underlying = (nsError.userInfo[NSUnderlyingErrorKey] as? Error).map({ $0 as NSError }),
       underlying.domain == NSPOSIXErrorDomain {
        return systemReason(Int32(underlying.code))
    }
    if nsError.domain == NSPOSIXErrorDomain { return systemReason(Int32(nsError.code)) }
    switch nsError.code {
    case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "No such file or directory"
    case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "Permission denied"
    case NSFileWriteOutOfSpaceError: return "No space left on device"
    default: return nsError.localizedDescription
    }
}

/// `strerror(code)` as a Swift string.
func systemReason(_ code: Int32) -> String { String(cString: strerror(code)) }
