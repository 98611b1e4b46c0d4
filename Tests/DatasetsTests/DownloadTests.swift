import Foundation
import Testing
@testable import Datasets

@Suite struct MD5Tests {
    @Test func rfc1321TestVectors() {
        let vectors: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (message, digest) in vectors {
            #expect(MD5.hex(of: Array(message.utf8)) == digest)
        }
        // Fed in uneven pieces, the digest is the same.
        var pieces = MD5()
        let message = Array(String(repeating: "1234567890", count: 8).utf8)
        for chunk in [0..<3, 3..<64, 64..<65, 65..<80] { pieces.update(Array(message[chunk])) }
        #expect(pieces.finalizeHex() == "57edf4a22be3c955ac49da2e2107b67a")
    }
}

/// `python3 -m http.server`-style server on 127.0.0.1 with a port chosen by the OS; a request for
/// `/moved/NAME` is answered with a 302 redirect to `/NAME`, as GitHub's raw URLs answer.
final class LocalHTTPServer {
    let process = Process()
    let port: Int

    init(directory: String) throws {
        let script = """
        import functools, http.server, signal, sys
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *arguments): pass
            def do_GET(self):
                if self.path.startswith("/moved/"):
                    self.send_response(302)
                    self.send_header("Location", self.path[len("/moved"):])
                    self.end_headers()
                else:
                    super().do_GET()
        handler = functools.partial(Handler, directory=sys.argv[1])
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, directory]
        process.standardOutput = output
        try process.run()
        // The port is printed once the socket listens, so the server answers from then on.
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        port = Int(String(decoding: line, as: UTF8.self)) ?? 0
    }

    /// Kills the server with SIGKILL: a child spawned from a test thread can inherit a signal mask
    /// that blocks SIGTERM, and `terminate()` would then leave it running.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite struct DownloadTests {
    @Test func downloadsVerifyChecksumsAndNeverLeavePartialFiles() throws {
        let served = try makeTemporaryDirectory()
        let destination = try makeTemporaryDirectory()
        let good = (0..<5000).map { UInt8($0 % 251) }
        write(good, to: served + "/good.gz")
        write(Array(good.prefix(1000)), to: served + "/truncated.gz")
        write(good, to: served + "/wrong.gz")
        let goodMD5 = MD5.hex(of: good)

        let server = try LocalHTTPServer(directory: served)
        defer { server.stop() }
        #expect(server.port > 0)
        let base = URL(string: "http://127.0.0.1:\(server.port)/")!

        #expect(try Downloader.download(DownloadFile(name: "good.gz", md5: goodMD5), from: base, to: destination) == 5000)
        #expect(FileManager.default.contents(atPath: destination + "/good.gz") == Data(good))
        // Redirects are followed (GitHub's raw URLs redirect to raw.githubusercontent.com).
        let moved = try makeTemporaryDirectory()
        #expect(try Downloader.download(DownloadFile(name: "good.gz", md5: goodMD5), from: base.appendingPathComponent("moved/"), to: moved) == 5000)

        for (name, md5) in [("truncated.gz", goodMD5), ("wrong.gz", "00000000000000000000000000000000"), ("absent.gz", goodMD5)] {
            do {
                try Downloader.download(DownloadFile(name: name, md5: md5), from: base, to: destination)
                Issue.record("\(name) should have failed")
            } catch {
                let message = String(describing: error)
                #expect(message.hasPrefix("\(base.absoluteString)\(name): "))
                #expect(!message.contains("\n"))
                if name == "absent.gz" { #expect(message.contains("HTTP 404")) } else { #expect(message.contains("checksum mismatch")) }
            }
            #expect(!FileManager.default.fileExists(atPath: destination + "/" + name))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: destination)
        #expect(leftovers == ["good.gz"])

        // A folder that cannot be written is one line naming the file and the system's reason.
        let missing = destination + "/no/such/folder"
        #expect(throws: DatasetError(path: missing + "/good.gz", problem: "cannot write downloaded file (No such file or directory)")) {
            try Downloader.download(DownloadFile(name: "good.gz", md5: goodMD5), from: base, to: missing)
        }

        // A whole source lands in <data>/<kind>/, one report line per file, skipping verified files.
        let source = DownloadSource(kind: .mnist, baseURL: base, files: [DownloadFile(name: "good.gz", md5: goodMD5)])
        var lines: [String] = []
        try Downloader.download(source, into: destination) { lines.append($0) }
        try Downloader.download(source, into: destination) { lines.append($0) }
        #expect(lines.count == 2 && lines[1].hasSuffix("already present, checksum ok"))
        #expect(FileManager.default.fileExists(atPath: destination + "/mnist/good.gz"))
    }
}

@Suite struct DownloadSourceTests {
    @Test func officialSourcesAreFetchedOverHTTPSWithThePublishedChecksums() {
        let fashion = "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"
        let mnist = "https://ossci-datasets.s3.amazonaws.com/mnist/"
        #expect(DownloadSource.fashionMNIST.baseURL.absoluteString == fashion)
        #expect(DownloadSource.mnist.baseURL.absoluteString == mnist)
        for source in [DownloadSource.fashionMNIST, .mnist] {
            #expect(source.files.map(\.name) == IDXFileName.all.map { $0 + ".gz" })
            for file in source.files {
                #expect(source.baseURL.appendingPathComponent(file.name).absoluteString == source.baseURL.absoluteString + file.name)
                #expect(source.baseURL.appendingPathComponent(file.name).scheme == "https")
            }
        }
        // As published in Zalando's README and in torchvision's MNIST resources.
        #expect(DownloadSource.fashionMNIST.files.map(\.md5) == [
            "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
            "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310",
        ])
        #expect(DownloadSource.mnist.files.map(\.md5) == [
            "f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
            "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c",
        ])
    }
}
