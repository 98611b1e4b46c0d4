import Foundation
import Testing
@testable import Datasets

/// Files that promise one size and hold another: the reader stops at the promise.
@Suite struct BoundedReadingTests {
    func error(_ body: () throws -> Void) -> String {
        do { try body() } catch { return String(describing: error) }
        return "no error"
    }

    @Test func handBuiltGzipOfZerosDecodes() throws {
        // The fixture behind the bomb test, checked on a small size: 3 runs make 1 + 774 zero labels.
        let directory = try makeTemporaryDirectory()
        let path = write(gzipOfZeros(after: [0, 0, 8, 1] + bigEndian(775), runs: 3), to: directory + "/zeros.gz")
        let labels = try IDXReader.readLabels(atPath: path)
        #expect(labels.count == 775 && labels.labels.allSatisfy { $0 == 0 })
        // Seventeen runs: one to reach a byte boundary, then the 13-byte pattern of eight runs twice.
        let longer = write(gzipOfZeros(after: [0, 0, 8, 1] + bigEndian(1 + 258 * 17), runs: 17), to: directory + "/longer.gz")
        #expect(try IDXReader.readLabels(atPath: longer).count == 1 + 258 * 17)
    }

    @Test func gzipBombIsRefusedQuicklyInLittleMemory() async throws {
        // Runs in a child process so that its peak resident size is the decoder's alone; the child
        // writes what it saw to `reportPath`, for the message when it fails.
        let directory = try makeTemporaryDirectory()
        let reportPath = directory + "/report"
        await #expect(processExitsWith: .success) { [directory = directory as String, reportPath = reportPath as String] in
            let path = directory + "/train-labels-idx1-ubyte.gz"
            // 10 000 labels promised; the stream inflates to 1 + 258 × 4 161 791 bytes ≥ 1 GiB.
            let bomb = gzipOfZeros(after: [0, 0, 8, 1] + bigEndian(10_000), runs: 4_161_791)
            write(bomb, to: path)
            var message = "no error"
            let elapsed = ContinuousClock().measure {
                do { _ = try IDXReader.readLabels(atPath: path) } catch { message = String(describing: error) }
            }
            let peak = peakResidentBytes()
            // The old reader inflated all of it: over 1 GB resident. 200 MB is the test process itself
            // (about 55 MB here) plus the 7 MB file with a wide margin, far below the gigabyte.
            let expected = "\(path): more data than the header's 10000 labels (10000 bytes): not an IDX file, or a corrupt one"
            let passed = message == expected && peak > 0 && peak < 200_000_000 && elapsed < .seconds(5)
            let report = "\(passed ? "ok" : "failed"): a \(bomb.count)-byte bomb gave \"\(message)\" in \(elapsed), peak resident \(peak) bytes"
            write(Array(report.utf8), to: reportPath)
            exit(passed ? EXIT_SUCCESS : EXIT_FAILURE)
        }
        let report = (try? String(contentsOfFile: reportPath, encoding: .utf8)) ?? "no report"
        #expect(report.hasPrefix("ok: "), "\(report)")
    }

    @Test func smallFilesWithMoreThanPromisedAreRefused() throws {
        let directory = try makeTemporaryDirectory()
        let plain = write(idxLabelBytes([1, 2]) + [UInt8](repeating: 7, count: 5), to: directory + "/labels")
        #expect(error { _ = try IDXReader.readLabels(atPath: plain) } == "\(plain): corrupt: header promises 2 labels (2 bytes) but 7 bytes follow")
        let zipped = try gzip(plain)
        #expect(error { _ = try IDXReader.readLabels(atPath: zipped) } == "\(zipped): more data than the header's 2 labels (2 bytes): not an IDX file, or a corrupt one")
        let images = try gzip(write(idxImageBytes(count: 2, rows: 2, columns: 3) + [9], to: directory + "/images"))
        #expect(error { _ = try IDXReader.readImages(atPath: images) } == "\(images): more data than the header's 2 images of 2×3 (12 bytes): not an IDX file, or a corrupt one")
        let truncated = try gzip(write(idxLabelBytes([1, 2]).dropLast(), to: directory + "/short-labels"))
        #expect(error { _ = try IDXReader.readLabels(atPath: truncated) } == "\(truncated): truncated: header promises 2 labels (2 bytes) but only 1 bytes follow")
    }

    @Test func impossiblePromisesAreRefusedBeforeReading() throws {
        let directory = try makeTemporaryDirectory()
        let max = 0xFFFF_FFFF
        let overflowing = write([0, 0, 8, 3] + bigEndian(max) + bigEndian(max) + bigEndian(max), to: directory + "/overflow")
        #expect(error { _ = try IDXReader.readImages(atPath: overflowing) }
                == "\(overflowing): corrupt: header promises \(max) images of \(max)×\(max), more bytes than any file can hold")
        // 4 294 967 295 images of 65 535×1 pixels: 281 TB of bytes, more than any machine's memory.
        let huge = try gzip(write([0, 0, 8, 3] + bigEndian(max) + bigEndian(0xFFFF) + bigEndian(1), to: directory + "/huge"))
        let message = error { _ = try IDXReader.readImages(atPath: huge) }
        #expect(message.hasPrefix("\(huge): too large: header promises \(max) images of 65535×1 (\(max * 0xFFFF) bytes), more than this machine's memory ("), "\(message)")
        // Uncompressed, the file's size shows the truth at once.
        let plainHuge = write([0, 0, 8, 3] + bigEndian(1 << 31) + bigEndian(28) + bigEndian(28), to: directory + "/plain-huge")
        #expect(error { _ = try IDXReader.readImages(atPath: plainHuge) }
                == "\(plainHuge): truncated: header promises 2147483648 images of 28×28 (\((1 << 31) * 784) bytes) but only 0 bytes follow")
        #expect(error { _ = try IDXReader.readImages(atPath: directory) } == "\(directory): cannot read file (not a regular file)")
        let shortGzip = write([0x1f, 0x8b, 8, 0, 0], to: directory + "/short.gz")
        #expect(error { _ = try IDXReader.readLabels(atPath: shortGzip) } == "\(shortGzip): truncated gzip file (5 bytes)")
    }

    @Test func readerGrowsPastAWrongSizeClaimAndStopsAtTheLimit() throws {
        let directory = try makeTemporaryDirectory()
        let content = (0..<300_000).map { UInt8($0 % 251) }
        let path = try gzip(write(content, to: directory + "/content"))
        var compressed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        compressed.replaceSubrange((compressed.count - 4)..., with: [1, 0, 0, 0])  // ISIZE claims 1 byte
        write(compressed, to: path)
        let reader = try DecompressingReader(path: path)
        #expect(reader.isCompressed && reader.claimedSize == 1)
        // The buffer grows from 64 KiB by doubling, up to the limit, then finds more data.
        #expect(try reader.readToEnd(limit: 199_999) == nil)
        #expect(reader.deliveredCount == 200_000)
        // Read to its end, the stream's true length fails zlib's check against the lying trailer.
        #expect(error { _ = try DecompressingReader(path: path).readToEnd(limit: 1_000_000) } == "\(path): not gzip-decodable (incorrect length check)")
        let honest = try gzip(directory + "/content")
        #expect(try DecompressingReader(path: honest).readToEnd(limit: 300_000) == content)
        let plain = try DecompressingReader(path: directory + "/content")
        #expect(!plain.isCompressed && plain.claimedSize == 300_000)
        #expect(try plain.read(upTo: 3) == [0, 1, 2])
        #expect(try plain.readToEnd(limit: 299_997) == Array(content[3...]))
        #expect(try plain.isAtEnd())
    }

    @Test func boundedWholeFileReads() throws {
        let directory = try makeTemporaryDirectory()
        let path = write(Array("12345".utf8), to: directory + "/five")
        #expect(try BoundedFile.read(atPath: path, maximumByteCount: 5) { "\($0) bytes" } == Data("12345".utf8))
        #expect(error { _ = try BoundedFile.read(atPath: path, maximumByteCount: 4) { "\($0) bytes, over 4" } } == "\(path): 5 bytes, over 4")
        #expect(error { _ = try BoundedFile.read(atPath: directory + "/none", maximumByteCount: 4) { "\($0)" } } == "\(directory)/none: file not found")
        #expect(error { _ = try BoundedFile.read(atPath: directory, maximumByteCount: 4) { "\($0)" } } == "\(directory): cannot read file (not a regular file)")
        #expect(BoundedFile.describe(byteCount: 1_073_741_824) == "1073741824 bytes (1073.7 MB)")
    }
}
