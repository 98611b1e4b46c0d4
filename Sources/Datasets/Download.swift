import FileOutput
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One file to download, with its published MD5 checksum.
public struct DownloadFile: Sendable, Equatable {
    /// File name, appended to the base URL and used as the name on disk.
    public let name: String
    /// The published MD5 digest, 32 lowercase hexadecimal digits.
    public let md5: String

    /// Creates a file entry.
    public init(name: String, md5: String) {
        self.name = name
        self.md5 = md5
    }
}

/// A mirror and the files to fetch from it into a sub-directory of the data directory.
public struct DownloadSource: Sendable {
    /// The set these files make up.
    public let kind: ImageDatasetKind
    /// The mirror; each file is fetched from `baseURL/name`.
    public let baseURL: URL
    /// The files and their checksums.
    public let files: [DownloadFile]

    /// Creates a source (tests point `baseURL` at a local server).
    public init(kind: ImageDatasetKind, baseURL: URL, files: [DownloadFile]) {
        self.kind = kind
        self.baseURL = baseURL
        self.files = files
    }

    /// Fashion-MNIST over HTTPS from the files committed to Zalando's GitHub repository (its
    /// official S3 mirror serves plain HTTP only), with the MD5s listed in the project's README.
    public static let fashionMNIST = DownloadSource(
        kind: .fashionMNIST,
        baseURL: URL(string: "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/")!,
        gzippedIDXChecksums: ["8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                              "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"]
    )

    /// MNIST over HTTPS from the mirror torchvision uses, with torchvision's MD5s.
    public static let mnist = DownloadSource(
        kind: .mnist,
        baseURL: URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
        gzippedIDXChecksums: ["f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                              "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"]
    )

    /// A set published as the four gzipped IDX files (`IDXFileName.all` + `.gz`), with their MD5s
    /// in that order.
    private init(kind: ImageDatasetKind, baseURL: URL, gzippedIDXChecksums: [String]) {
        self.init(kind: kind, baseURL: baseURL, files: zip(IDXFileName.all, gzippedIDXChecksums).map {
            DownloadFile(name: $0 + ".gz", md5: $1)
        })
    }
}

/// Downloads files, verifying each checksum before it is written.
///
/// Each file is fetched into memory, its MD5 compared with the published one, and only then written
/// under its name atomically (``FileOutput/writeAtomically(_:to:kind:)``), so a final name always
/// holds a verified file and a failed download leaves nothing behind.
public enum Downloader {
    /// Downloads every file of `source` into `dataDirectory/<kind>/` (for example
    /// `data/fashion-mnist/`), skipping files already present with the right checksum.
    /// `report` receives one line per file.
    public static func download(_ source: DownloadSource, into dataDirectory: String, report: (String) -> Void) throws {
        let directory = join(dataDirectory, source.kind.subdirectoryName)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DatasetError(path: directory, problem: "cannot create directory (\(describeFileError(error)))")
        }
        for file in source.files {
            let finalPath = join(directory, file.name)
            if let existing = FileManager.default.contents(atPath: finalPath), MD5.hex(of: existing) == file.md5 {
                report("\(finalPath): already present, checksum ok")
                continue
            }
            let bytes = try download(file, from: source.baseURL, to: directory)
            report("\(finalPath): downloaded \(bytes) bytes, MD5 \(file.md5) ok")
        }
    }

    /// Downloads `baseURL/file.name` to `directory/file.name`, verifying the MD5 before anything is
    /// written; returns the number of bytes. Throws a one-line `DatasetError` naming the URL or the
    /// file (HTTP error, truncated transfer, checksum mismatch, unwritable directory), leaving any
    /// earlier file under that name as it was.
    @discardableResult
    public static func download(_ file: DownloadFile, from baseURL: URL, to directory: String) throws -> Int {
        let url = baseURL.appendingPathComponent(file.name)
        let finalPath = join(directory, file.name)
        let data = try fetch(url)
        let digest = MD5.hex(of: data)
        guard digest == file.md5 else {
            throw DatasetError(path: url.absoluteString, problem: "checksum mismatch: MD5 \(digest), expected \(file.md5) (\(data.count) bytes); nothing saved")
        }
        do {
            try writeAtomically(data, to: URL(fileURLWithPath: finalPath))
        } catch {
            throw DatasetError(path: finalPath, problem: "cannot write downloaded file (\(describeFileError(error)))")
        }
        return data.count
    }

    /// Fetches `url` synchronously; throws on transport errors, non-200 statuses and bodies
    /// shorter than the announced `Content-Length`.
    private static func fetch(_ url: URL) throws -> Data {
        final class Outcome: @unchecked Sendable {
            var data: Data?
            var response: URLResponse?
            var error: Error?
        }
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: url) { data, response, error in
            outcome.data = data
            outcome.response = response
            outcome.error = error
            finished.signal()
        }
        task.resume()
        finished.wait()
        if let error = outcome.error {
            throw DatasetError(path: url.absoluteString, problem: "download failed (\(error.localizedDescription))")
        }
        guard let http = outcome.response as? HTTPURLResponse, let data = outcome.data else {
            throw DatasetError(path: url.absoluteString, problem: "download failed (no HTTP response)")
        }
        guard http.statusCode == 200 else {
            throw DatasetError(path: url.absoluteString, problem: "download failed (HTTP \(http.statusCode))")
        }
        if http.expectedContentLength > 0, Int64(data.count) < http.expectedContentLength {
            throw DatasetError(path: url.absoluteString, problem: "truncated download: \(data.count) of \(http.expectedContentLength) bytes")
        }
        return data
    }
}
