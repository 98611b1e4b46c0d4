import Foundation
import Testing
@testable import FileOutput
#if canImport(Glibc)
import Glibc
#endif

/// A fresh empty directory under the system's temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("file-output-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The names in `directory`, sorted.
func names(in directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

/// Each test gets a fresh empty directory (Swift Testing makes one suite instance per test),
/// removed when the test ends.
@Suite final class AtomicFileTests {
    let directory: URL

    init() throws { directory = try temporaryDirectory() }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @Test("a write puts exactly the bytes at the path (none too), readable by others, and replaces an older file")
    func writesAndReplaces() throws {
        let url = directory.appendingPathComponent("out.bin")
        try writeAtomically(Data(), to: url)
        #expect(try Data(contentsOf: url).isEmpty)
        try writeAtomically(Data("old contents".utf8), to: url)
        let bytes = Data((0..<1000).map { UInt8($0 % 251) })
        try writeAtomically(bytes, to: url)
        #expect(try Data(contentsOf: url) == bytes)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o644)
        #expect(try names(in: directory) == ["out.bin"])
    }

    @Test("a missing directory is one line naming the kind, the path and the system's reason")
    func missingDirectory() throws {
        let url = directory.appendingPathComponent("no/such/figure.png")
        #expect(throws: FileOutputError(path: url.path, reason: "No such file or directory",
                                        description: "cannot write figure \(url.path): No such file or directory")) {
            try writeAtomically(Data("x".utf8), to: url, kind: "figure")
        }
        #expect(try names(in: directory).isEmpty)
    }

    @Test("a directory that is a file is refused with the system's reason")
    func parentIsAFile() throws {
        let blocker = directory.appendingPathComponent("blocker")
        try writeAtomically(Data("keep".utf8), to: blocker)
        let url = blocker.appendingPathComponent("out.txt")
        let error = try #require(throws: FileOutputError.self) { try writeAtomically(Data("x".utf8), to: url) }
        #expect(error.description == "cannot write file \(url.path): Not a directory")
        #expect(error.localizedDescription == error.description)
        #expect(describeFileError(error) == "Not a directory")
        #expect(try Data(contentsOf: blocker) == Data("keep".utf8))
    }

    @Test("a directory without write permission keeps the existing file and leaves no temporary file")
    func unwritableDirectory() throws {
        // Root ignores permission bits, so there this case is covered by the file-size limit below.
        guard getuid() != 0 else { return }
        defer { chmod(directory.path, 0o755) }
        let url = directory.appendingPathComponent("metrics.json")
        try writeAtomically(Data("previous".utf8), to: url)
        chmod(directory.path, 0o555)
        #expect(throws: FileOutputError(path: url.path, reason: "Permission denied",
                                        description: "cannot write file \(url.path): Permission denied")) {
            try writeAtomically(Data("new".utf8), to: url)
        }
        #expect(try Data(contentsOf: url) == Data("previous".utf8))
        #expect(try names(in: directory) == ["metrics.json"])
    }

    @Test("a write that fails half-way (file size limit) keeps the existing file and leaves no temporary file")
    func failureHalfWayKeepsThePreviousFile() async throws {
        // The limit is per process, so the failing write runs in a child process. Exit status 2: no
        // error thrown; 3: the wrong message; 4: the old file changed; 5: a temporary file left behind.
        await #expect(processExitsWith: .success) { [path = directory.path as String] in
            let directory = URL(fileURLWithPath: path)
            let url = directory.appendingPathComponent("model.safetensors")
            do { try writeAtomically(Data("previous".utf8), to: url) } catch { exit(1) }
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: 64, rlim_max: 64)
            guard setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit) == 0 else { exit(1) }
            do {
                try writeAtomically(Data(repeating: 7, count: 4096), to: url, kind: "checkpoint")
                exit(2)
            } catch let error as FileOutputError {
                guard error.description == "cannot write checkpoint \(url.path): File too large" else { exit(3) }
            } catch { exit(3) }
            guard (try? Data(contentsOf: url)) == Data("previous".utf8) else { exit(4) }
            guard (try? names(in: directory)) == ["model.safetensors"] else { exit(5) }
            exit(0)
        }
    }

    @Test("a move renames a folder into place; a failed one names both places and the reason")
    func movesAndReportsFailure() throws {
        let staged = directory.appendingPathComponent("staged", isDirectory: true)
        try FileManager.default.createDirectory(at: staged, withIntermediateDirectories: true)
        try writeAtomically(Data("a".utf8), to: staged.appendingPathComponent("a.png"))
        let destination = directory.appendingPathComponent("figures", isDirectory: true)
        try moveAtomically(staged, to: destination)
        #expect(try names(in: destination) == ["a.png"])
        #expect(try names(in: directory) == ["figures"])
        let missing = directory.appendingPathComponent("gone")
        let target = directory.appendingPathComponent("no/such/place")
        #expect(throws: FileOutputError(path: target.path, reason: "No such file or directory",
                                        description: "cannot move gone into \(directory.path)/no/such: No such file or directory")) {
            try moveAtomically(missing, to: target)
        }
    }

    @Test("Foundation's file errors become the system's reason")
    func foundationErrors() throws {
        let missing = directory.appendingPathComponent("missing.json")
        let readError = try #require(throws: (any Error).self) { try Data(contentsOf: missing) }
        #expect(describeFileError(readError) == "No such file or directory")
        // Foundation wraps this one as "unknown write error" with the POSIX error underneath.
        let blocker = directory.appendingPathComponent("blocker")
        try writeAtomically(Data(), to: blocker)
        let createError = try #require(throws: (any Error).self) {
            try FileManager.default.createDirectory(at: blocker.appendingPathComponent("inner"), withIntermediateDirectories: true)
        }
        #expect(describeFileError(createError) == "Not a directory")
        let posix = NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))
        #expect(describeFileError(posix) == "No space left on device")
    }
}
