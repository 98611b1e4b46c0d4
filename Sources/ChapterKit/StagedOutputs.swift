import FileOutput
import Foundation

/// A run's output directory and the staging folder its files are written into until it succeeds.
///
/// What a successful run leaves in the output directory: `figures/` is replaced as a whole, so it
/// holds exactly this run's figures; `metrics.json` is replaced; the `*.safetensors` checkpoints are
/// exactly this run's (one an earlier run wrote and this one did not is removed); anything else in
/// the directory is left alone. A run that fails or is interrupted changes none of it.
struct StagedOutputs {
    /// The output directory.
    let directory: URL
    /// The output directory as the user named it, for messages.
    let displayPath: String
    /// `.staging-<pid>` inside the output directory (the same file system, so moves are renames).
    let staging: URL

    /// The prefix of staging folders; the process id follows.
    static let stagingPrefix = ".staging-"

    /// Creates the output and staging folders, after removing staging folders of runs that died.
    init(path: String, processIdentifier: Int32 = ProcessInfo.processInfo.processIdentifier) throws {
        displayPath = path
        directory = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        staging = directory.appendingPathComponent("\(Self.stagingPrefix)\(processIdentifier)", isDirectory: true)
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            Self.removeStaleStagingFolders(in: directory, currentProcess: processIdentifier)
            try manager.createDirectory(at: staging.appendingPathComponent("figures"), withIntermediateDirectories: true)
        } catch {
            throw ChapterError("cannot create output directory \(path): \(describeFileError(error))")
        }
        // Probe that the directory is really writable (permissions are checked on create, not mkdir -p).
        let probe = staging.appendingPathComponent(".probe")
        do {
            try writeAtomically(Data(), to: probe)
        } catch {
            throw ChapterError("cannot write into output directory \(path): \(describeFileError(error))")
        }
        try? manager.removeItem(at: probe)
    }

    /// Removes `.staging-<pid>` folders whose process is gone (killed runs) or is this process (a
    /// leftover from an earlier process with the same id). Returns the names removed.
    @discardableResult
    static func removeStaleStagingFolders(in directory: URL, currentProcess: Int32) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(stagingPrefix) {
            guard let owner = Int32(name.dropFirst(stagingPrefix.count)) else { continue }
            let ownerIsGone = owner == currentProcess || (kill(owner, 0) == -1 && errno == ESRCH)
            if ownerIsGone, (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil {
                removed.append(name)
            }
        }
        return removed
    }

    /// Where staged file `relativePath` goes until ``commit(checkpoints:move:)``.
    func stagedURL(_ relativePath: String) -> URL { staging.appendingPathComponent(relativePath) }

    /// Moves the staged outputs into place by renames, undoing the moves already made if one fails,
    /// then removes the staging folder (and with it the replaced files).
    ///
    /// `checkpoints` are the staged `*.safetensors` names; `move` is one `rename(2)` (a parameter so a
    /// test can make it fail half-way).
    func commit(checkpoints: Set<String>, move: (URL, URL) throws -> Void = StagedOutputs.rename) throws {
        let manager = FileManager.default
        let previous = staging.appendingPathComponent(".previous", isDirectory: true)
        try manager.createDirectory(at: previous, withIntermediateDirectories: true)
        let existing = Set((try? manager.contentsOfDirectory(atPath: directory.path)) ?? [])
        // Old versions are moved aside first rather than overwritten, so every step can be undone.
        var moves: [(from: URL, to: URL)] = []
        var replaced = ["figures"] + checkpoints.sorted() + ["metrics.json"]
        replaced += existing.filter { $0.hasSuffix(".safetensors") && !checkpoints.contains($0) }.sorted()
        for name in replaced where existing.contains(name) {
            moves.append((directory.appendingPathComponent(name), previous.appendingPathComponent(name)))
        }
        for name in ["figures"] + checkpoints.sorted() + ["metrics.json"] {
            moves.append((staging.appendingPathComponent(name), directory.appendingPathComponent(name)))
        }
        var done: [(from: URL, to: URL)] = []
        do {
            for step in moves {
                try move(step.from, step.to)
                done.append(step)
            }
        } catch {
            for step in done.reversed() { try? move(step.to, step.from) }
            throw error
        }
        try? manager.removeItem(at: staging)
    }

    /// Removes the staging folder, leaving the previous outputs as they were.
    func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }

    /// ``FileOutput/moveAtomically(_:to:)``, failing with a `ChapterError` of the same wording.
    static func rename(_ source: URL, _ destination: URL) throws {
        do {
            try moveAtomically(source, to: destination)
        } catch let error as FileOutputError {
            throw ChapterError(error.description)
        }
    }
}
