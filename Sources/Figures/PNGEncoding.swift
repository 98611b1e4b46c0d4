import CPNG
import Foundation

/// An 8-bit raster image held in memory: grey (1 channel), grey + alpha (2), RGB (3) or RGBA (4),
/// rows top to bottom, channels interleaved, no row padding.
///
/// PNG encoding and decoding go through libpng's simplified `png_image_*` API, which reports errors
/// as return values (libpng's default `longjmp` error handling cannot unwind Swift frames).
/// Encoding writes no time stamp, so the same pixels always give the same bytes.
public struct RasterImage: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Channels per pixel: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
    public let channels: Int
    /// The samples, `width * height * channels` bytes, row-major with interleaved channels.
    public var pixels: [UInt8]

    /// Creates an image from raw samples.
    /// - Throws: `FigureError` if the size is not positive, `channels` is not 1...4, or
    ///   `pixels.count != width * height * channels`.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else { throw FigureError("RasterImage: size must be positive, got \(width)×\(height)") }
        guard (1...4).contains(channels) else { throw FigureError("RasterImage: channels must be 1...4, got \(channels)") }
        guard pixels.count == width * height * channels else {
            throw FigureError("RasterImage: expected \(width * height * channels) samples for \(width)×\(height)×\(channels), got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Decodes a PNG held in memory, keeping the file's colour type (grey or RGB, with or without alpha),
    /// converted to 8 bits per sample.
    /// - Throws: `FigureError` carrying libpng's message if the data is not a readable PNG.
    public init(pngData: Data) throws {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        var samples: [UInt8] = []
        var channels = 0
        let succeeded: Bool = pngData.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress,
                  png_image_begin_read_from_memory(&image, base, bytes.count) != 0 else { return false }
            let hasColor = image.format & png_uint_32(PNG_FORMAT_FLAG_COLOR) != 0
            let hasAlpha = image.format & png_uint_32(PNG_FORMAT_FLAG_ALPHA) != 0
            channels = (hasColor ? 3 : 1) + (hasAlpha ? 1 : 0)
            image.format = (hasColor ? png_uint_32(PNG_FORMAT_FLAG_COLOR) : 0) | (hasAlpha ? png_uint_32(PNG_FORMAT_FLAG_ALPHA) : 0)
            samples = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height) * channels)
            return samples.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) != 0 }
        }
        guard succeeded else {
            let message = libpngMessage(image)
            png_image_free(&image)
            throw FigureError("cannot decode PNG: \(message)")
        }
        try self.init(width: Int(image.width), height: Int(image.height), channels: channels, pixels: samples)
    }

    /// Reads and decodes a PNG file.
    /// - Throws: `FigureError` naming the path if the file cannot be read or decoded.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FigureError("cannot read figure \(url.path): \(error.localizedDescription)")
        }
        do { try self.init(pngData: data) } catch let error as FigureError {
            throw FigureError("\(url.path): \(error.description)")
        }
    }

    /// The samples of the pixel at column `x`, row `y` (`channels` values).
    public subscript(x: Int, y: Int) -> ArraySlice<UInt8> {
        let start = (y * width + x) * channels
        return pixels[start..<(start + channels)]
    }

    /// Encodes the image as PNG (8 bits per sample, no time stamp, deterministic).
    /// - Throws: `FigureError` carrying libpng's message if encoding fails.
    public func pngData() throws -> Data {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = [png_uint_32(PNG_FORMAT_GRAY), png_uint_32(PNG_FORMAT_FLAG_ALPHA),
                        png_uint_32(PNG_FORMAT_FLAG_COLOR),
                        png_uint_32(PNG_FORMAT_FLAG_COLOR) | png_uint_32(PNG_FORMAT_FLAG_ALPHA)][channels - 1]
        var size = 0
        let sized = pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard sized != 0 else { throw encodingFailure(&image) }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { destination in
            pixels.withUnsafeBytes { png_image_write_to_memory(&image, destination.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard written != 0 else { throw encodingFailure(&image) }
        return Data(output[0..<size])
    }

    /// Encodes the image as PNG and writes it atomically to `url`; the directory must exist.
    /// - Throws: `FigureError` whose one-line description names the path and the reason.
    public func write(to url: URL) throws {
        try writeFigure(pngData(), to: url)
    }

    private func encodingFailure(_ image: inout png_image) -> FigureError {
        let message = libpngMessage(image)
        png_image_free(&image)
        return FigureError("cannot encode PNG: \(message)")
    }
}

/// The NUL-terminated message libpng stored in a `png_image`.
private func libpngMessage(_ image: png_image) -> String {
    withUnsafeBytes(of: image.message) { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
