import Foundation
import Testing
@testable import Datasets

@Suite struct IDXReaderTests {
    @Test func plainAndGzippedFixturesParse() throws {
        let directory = try makeTemporaryDirectory()
        let plain = write(idxImageBytes(count: 2, rows: 2, columns: 3), to: directory + "/images")
        let zipped = try gzip(plain)
        for path in [plain, zipped] {
            let images = try IDXReader.readImages(atPath: path)
            #expect(images.count == 2 && images.rows == 2 && images.columns == 3)
            #expect(images.pixels == (0..<12).map { Float($0) / 255 })
        }
        let labelsPath = write(idxLabelBytes([3, 0, 7]), to: directory + "/labels")
        #expect(try IDXReader.readLabels(atPath: try gzip(labelsPath)).labels == [3, 0, 7])
        #expect(try IDXReader.readLabels(atPath: labelsPath).count == 3)
    }

    @Test func tinySetLoadsThroughImageDataset() throws {
        let directory = try makeTemporaryDirectory()
        try writeTinySet(in: directory, gzipped: true)
        let set = try ImageDataset(.fashionMNIST, directory: directory)
        #expect(set.train.count == 3 && set.test.count == 2 && set.train.featureCount == 6)
        #expect(set.train.labels == [0, 9, 4])
        #expect(set.train.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(set.classNames[9] == "Ankle boot")
    }

    func error(_ body: () throws -> Void) -> String {
        do { try body() } catch { return String(describing: error) }
        return "no error"
    }

    @Test func corruptionCasesGiveOneLineMessages() throws {
        let directory = try makeTemporaryDirectory()
        let good = idxImageBytes(count: 2, rows: 2, columns: 3)

        let badMagic = write([0, 0, 0x0d, 3] + Array(good[4...]), to: directory + "/bad-magic")
        #expect(error { _ = try IDXReader.readImages(atPath: badMagic) } == "\(badMagic): bad magic number 0x00000d03 (expected 0x00000803 for an IDX3 image file)")
        let labelsAsImages = write(idxLabelBytes([1, 2]), to: directory + "/labels-as-images")
        #expect(error { _ = try IDXReader.readImages(atPath: labelsAsImages) } == "\(labelsAsImages): wrong dimensions: header declares 1 dimensions, an IDX3 image file has 3 (magic 0x00000801)")

        let wrongDimensions = write([0, 0, 8, 2] + bigEndian(2) + bigEndian(6) + Array(good[16...]), to: directory + "/wrong-dims")
        #expect(error { _ = try IDXReader.readImages(atPath: wrongDimensions) }.hasPrefix("\(wrongDimensions): wrong dimensions: header declares 2 dimensions"))
        let zeroRows = write([0, 0, 8, 3] + bigEndian(2) + bigEndian(0) + bigEndian(3), to: directory + "/zero-rows")
        #expect(error { _ = try IDXReader.readImages(atPath: zeroRows) }.contains("wrong dimensions 0×3"))

        let truncated = write(Array(good.dropLast(5)), to: directory + "/truncated")
        #expect(error { _ = try IDXReader.readImages(atPath: truncated) } == "\(truncated): truncated: header promises 2 images of 2×3 (12 bytes) but only 7 bytes follow")
        let truncatedGzip = try gzip(write(good, to: directory + "/truncated-gzip"))
        let compressed = try Data(contentsOf: URL(fileURLWithPath: truncatedGzip))
        try compressed.prefix(compressed.count - 12).write(to: URL(fileURLWithPath: truncatedGzip))
        #expect(error { _ = try IDXReader.readImages(atPath: truncatedGzip) }.hasPrefix("\(truncatedGzip): truncated gzip stream"))

        let notGzip = write([0x1f, 0x8b, 8, 0] + [UInt8](repeating: 0xff, count: 40), to: directory + "/not-gzip.gz")
        #expect(error { _ = try IDXReader.readImages(atPath: notGzip) }.hasPrefix("\(notGzip): not gzip-decodable"))

        let otherSize = directory + "/other-size"
        try writeTinySet(in: otherSize, gzipped: false)
        write(idxImageBytes(count: 2, rows: 3, columns: 2), to: otherSize + "/" + IDXFileName.testImages)
        #expect(error { _ = try ImageDataset(.mnist, directory: otherSize) } == "\(otherSize)/t10k-images-idx3-ubyte: wrong dimensions: test images are 3×2 but training images are 2×3")

        let missing = directory + "/missing.gz"
        #expect(error { _ = try IDXReader.readLabels(atPath: missing) } == "\(missing): file not found")

        let images = write(good, to: directory + "/images")
        let labels = write(idxLabelBytes([1, 2, 3]), to: directory + "/labels")
        #expect(error { _ = try ImageSplit(imagesPath: images, labelsPath: labels) } == "\(labels): count mismatch: 3 labels but \(images) has 2 images")

        for message in [error { _ = try IDXReader.readImages(atPath: notGzip) }, error { _ = try IDXReader.readImages(atPath: badMagic) }] {
            #expect(!message.contains("\n"))
        }
    }

    @Test(.tags(.installedData)) func installedFashionMNISTLoads() throws {
        let set = try ImageDataset(.fashionMNIST, directory: DataLocation.debianFashionMNISTDirectory)
        #expect(set.train.count == 60_000 && set.test.count == 10_000)
        #expect(set.train.rows == 28 && set.train.columns == 28)
        #expect(set.train.pixels.count == 60_000 * 784 && set.test.labels.count == 10_000)
        #expect(set.train.countsPerClass(classCount: 10) == [Int](repeating: 6_000, count: 10))
        #expect(set.test.countsPerClass(classCount: 10) == [Int](repeating: 1_000, count: 10))
        #expect(set.train.pixels.min() == 0 && set.train.pixels.max() == 1)
    }
}
