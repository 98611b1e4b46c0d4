import CPNG
import Foundation
import Testing
@testable import Figures

/// A PNG decoded independently of `Figures`, straight through libpng's simplified read API.
struct DecodedPNG {
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]

    init(contentsOf url: URL, channels wanted: Int) throws {
        try self.init(data: Data(contentsOf: url), channels: wanted, source: url.path)
    }

    init(data: Data, channels wanted: Int, source: String = "PNG data") throws {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        var buffer: [UInt8] = []
        let ok: Bool = data.withUnsafeBytes { bytes in
            guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else { return false }
            image.format = wanted == 1 ? png_uint_32(PNG_FORMAT_GRAY) : png_uint_32(PNG_FORMAT_FLAG_COLOR)
            buffer = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height) * wanted)
            return buffer.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) != 0 }
        }
        guard ok else {
            png_image_free(&image)
            throw FigureError("test decode failed for \(source)")
        }
        width = Int(image.width)
        height = Int(image.height)
        channels = wanted
        pixels = buffer
    }

    func value(_ x: Int, _ y: Int, _ channel: Int = 0) -> UInt8 { pixels[(y * width + x) * channels + channel] }

    /// Grey level of a pixel (mean of its channels).
    func grey(_ x: Int, _ y: Int) -> Int {
        (0..<channels).map { Int(value(x, y, $0)) }.reduce(0, +) / channels
    }

    /// Pixels in the rectangle (fractions of the image) darker than `threshold`.
    func darkPixels(x: ClosedRange<Double>, y: ClosedRange<Double>, threshold: Int = 110) -> Int {
        count(x: x, y: y) { $0 < threshold }
    }

    /// Pixels in the rectangle that are not (near) white.
    func inkedPixels(x: ClosedRange<Double>, y: ClosedRange<Double>) -> Int {
        count(x: x, y: y) { $0 < 235 }
    }

    /// The share of pixels in the rectangle (fractions of the image) whose grey level is below
    /// `threshold`, estimated on every `step`-th pixel of every `step`-th row.
    func share(x: ClosedRange<Double> = 0...1, y: ClosedRange<Double> = 0...1, below threshold: Int, step: Int = 3) -> Double {
        var counted = 0, total = 0
        pixels.withUnsafeBufferPointer { buffer in
            for py in stride(from: Int(y.lowerBound * Double(height)), to: Int(y.upperBound * Double(height)), by: step) {
                for px in stride(from: Int(x.lowerBound * Double(width)), to: Int(x.upperBound * Double(width)), by: step) {
                    let start = (py * width + px) * channels
                    var sum = 0
                    for channel in 0..<channels { sum += Int(buffer[start + channel]) }
                    if sum < threshold * channels { counted += 1 }
                    total += 1
                }
            }
        }
        return Double(counted) / Double(max(total, 1))
    }

    private func count(x: ClosedRange<Double>, y: ClosedRange<Double>, _ predicate: (Int) -> Bool) -> Int {
        var total = 0
        for py in Int(y.lowerBound * Double(height))..<Int(y.upperBound * Double(height)) {
            for px in Int(x.lowerBound * Double(width))..<Int(x.upperBound * Double(width)) where predicate(grey(px, py)) {
                total += 1
            }
        }
        return total
    }
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("figures-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    return url
}

/// Writes `chart` twice, checks the bytes are identical and the missing-directory error, and
/// returns the decoded image plus checks common to every chart.
func checkChart(_ chart: some Chart, width: Int = 800, height: Int = 600, legendOutside: Bool = false, yTextRegion: ClosedRange<Double> = 0.0...0.09,
                sourceLocation: SourceLocation = #_sourceLocation) throws -> DecodedPNG {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let first = directory.appendingPathComponent("a.png"), second = directory.appendingPathComponent("b.png")
    try chart.write(to: first, width: width, height: height)
    try chart.write(to: second, width: width, height: height)
    #expect(try Data(contentsOf: first) == Data(contentsOf: second), "two renders differ", sourceLocation: sourceLocation)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.png", "b.png"],
            "temporary files left behind", sourceLocation: sourceLocation)

    let missing = directory.appendingPathComponent("no-such-directory/chart.png")
    do {
        try chart.write(to: missing, width: width, height: height)
        Issue.record("writing into a missing directory did not throw", sourceLocation: sourceLocation)
    } catch let error as FigureError {
        #expect(error.description == "cannot write figure \(missing.path): No such file or directory", sourceLocation: sourceLocation)
    }

    let image = try DecodedPNG(contentsOf: first, channels: 3)
    #expect(image.width == width * 2 && image.height == height * 2, sourceLocation: sourceLocation)
    // The plotting area has data in it.
    #expect(image.inkedPixels(x: 0.2...0.7, y: 0.2...0.8) > 2_000, "plot area blank", sourceLocation: sourceLocation)
    // Tick labels and axis label on the left, tick labels and axis label at the bottom.
    #expect(image.darkPixels(x: yTextRegion, y: 0.1...0.9) > 200, "no y-axis text", sourceLocation: sourceLocation)
    #expect(image.darkPixels(x: 0.1...0.9, y: 0.9...1.0) > 200, "no x-axis text", sourceLocation: sourceLocation)
    // Title at the top.
    #expect(image.darkPixels(x: 0.3...0.7, y: 0.0...0.05) > 200, "no title", sourceLocation: sourceLocation)
    if legendOutside {
        #expect(image.darkPixels(x: 0.85...1.0, y: 0.05...0.4) > 100, "no legend text", sourceLocation: sourceLocation)
    }
    return image
}
