import CCairo
import Foundation

/// A grid of small images (originals, noisy inputs, reconstructions, samples, learned features),
/// one row per `addRow` call, with optional row labels to the left of each row, optional column labels
/// above the columns, and an optional wider gap that sets the first columns apart (e.g. a query column).
///
/// Pixel values are in [0, 1]: values outside are clamped, NaN becomes 0, and a value `v` is stored
/// as the byte `round(v · 255)`. Each image is upscaled by an integer factor (nearest neighbour)
/// and surrounded by `padding` pixels of the padding grey level, including around the border.
/// Rows may hold different numbers of images; missing cells are padding. Grey-scale grids are
/// written as 8-bit grey PNGs, colour grids as 8-bit RGB. Labels are drawn with Cairo (DejaVu Sans)
/// into the pixel buffer, then the whole grid is encoded with libpng.
///
/// ```swift
/// var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
/// grid.addRow(label: "original", images: originals)        // [[Float]], 784 values each
/// grid.addRow(label: "reconstruction", images: reconstructions)
/// try grid.write(to: url)
///
/// var retrieval = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3)
/// retrieval.gapAfterColumn = 0                                        // the query column stands apart
/// retrieval.columnLabels = [.init("query", column: 0), .init("8 nearest training images", columns: 1...8)]
/// ```
public struct ImageGrid: Sendable {
    /// How each image's samples are laid out.
    public enum ColorMode: Sendable {
        /// One value per pixel, row-major: `imageWidth * imageHeight` values.
        case grayscale
        /// Interleaved red, green, blue per pixel, row-major: `imageWidth * imageHeight * 3` values.
        case rgb
    }

    /// How an image's values are mapped to [0, 1] before conversion to bytes.
    public enum Normalization: Sendable {
        /// Values are used as they are, clamped to [0, 1].
        case clamp
        /// Each tile is stretched so its own minimum becomes 0 and its maximum 1 (for learned
        /// features / weights); a constant tile becomes 0.5. NaN values are ignored for the
        /// extremes and drawn as 0.
        case perImageMinMax
    }

    /// One row of the grid.
    public struct Row: Sendable {
        /// Text drawn to the left of the row, or `nil`.
        public var label: String?
        /// The row's images, each `imageWidth * imageHeight` (× 3 for colour) values in [0, 1].
        public var images: [[Float]]
    }

    /// Text above one column, or centred over a span of columns.
    public struct ColumnLabel: Sendable {
        /// The text.
        public var text: String
        /// The columns it labels (0-based, inclusive).
        public var columns: ClosedRange<Int>

        /// A label centred over `columns`.
        public init(_ text: String, columns: ClosedRange<Int>) {
            self.text = text
            self.columns = columns
        }

        /// A label over the single column `column`.
        public init(_ text: String, column: Int) {
            self.init(text, columns: column...column)
        }
    }

    /// Width of every image in source pixels.
    public var imageWidth: Int
    /// Height of every image in source pixels.
    public var imageHeight: Int
    /// Grey-scale or RGB images.
    public var colorMode: ColorMode
    /// Integer upscaling factor (nearest neighbour), at least 1.
    public var scale: Int
    /// Pixels of padding between images and around the grid, at least 0.
    public var padding: Int
    /// Grey level in [0, 1] of padding, empty cells and the label column (default 1, white).
    public var paddingValue: Float
    /// How image values are mapped to [0, 1].
    public var normalization: Normalization
    /// Row-label font size in pixels.
    public var labelFontSize: Double
    /// Labels drawn in a row above the images (same font as the row labels); empty for no label row.
    public var columnLabels: [ColumnLabel] = []
    /// The 0-based column after which a wider gap sets the grid apart (0 separates the first column),
    /// or `nil` for evenly spaced columns.
    public var gapAfterColumn: Int?
    /// Width of that gap in output pixels, on top of the normal padding (default 12).
    public var columnGapWidth = 12
    /// The rows added so far.
    public private(set) var rows: [Row] = []

    /// Creates an empty grid.
    /// - Parameters:
    ///   - imageWidth: Width of each image in source pixels.
    ///   - imageHeight: Height of each image in source pixels.
    ///   - colorMode: `.grayscale` (default) or `.rgb` (interleaved RGB values).
    ///   - scale: Integer upscaling factor (default 1).
    ///   - padding: Padding in output pixels between and around images (default 2).
    ///   - paddingValue: Grey level of the padding (default 1, white).
    ///   - normalization: `.clamp` (default) or `.perImageMinMax`.
    ///   - labelFontSize: Row-label font size in output pixels (default 14).
    public init(imageWidth: Int, imageHeight: Int, colorMode: ColorMode = .grayscale, scale: Int = 1,
                padding: Int = 2, paddingValue: Float = 1, normalization: Normalization = .clamp,
                labelFontSize: Double = 14) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.colorMode = colorMode
        self.scale = scale
        self.padding = padding
        self.paddingValue = paddingValue
        self.normalization = normalization
        self.labelFontSize = labelFontSize
    }

    /// Appends a row of images (Float or Double values), with an optional label on its left.
    /// Sizes are checked when the grid is rendered.
    public mutating func addRow<Value: BinaryFloatingPoint>(label: String? = nil, images: [[Value]]) {
        rows.append(Row(label: label, images: images.map { $0.map { Float($0) } }))
    }

    /// Appends `images` as consecutive rows of `columns` images each (the last row may be shorter),
    /// e.g. 400 learned features as 16 rows of 25.
    public mutating func addRows<Value: BinaryFloatingPoint>(images: [[Value]], columns: Int) {
        guard columns > 0 else {
            addRow(images: images)
            return
        }
        for start in stride(from: 0, to: images.count, by: columns) {
            addRow(images: Array(images[start..<min(start + columns, images.count)]))
        }
    }

    private var channels: Int { colorMode == .grayscale ? 1 : 3 }

    private func validate() throws {
        guard imageWidth > 0, imageHeight > 0 else {
            throw FigureError("ImageGrid: image size must be positive, got \(imageWidth)×\(imageHeight)")
        }
        guard scale >= 1 else { throw FigureError("ImageGrid: scale must be at least 1, got \(scale)") }
        guard padding >= 0 else { throw FigureError("ImageGrid: padding must not be negative, got \(padding)") }
        guard !rows.isEmpty, rows.contains(where: { !$0.images.isEmpty }) else {
            throw FigureError("ImageGrid: no images to draw")
        }
        let expected = imageWidth * imageHeight * channels
        for (rowIndex, row) in rows.enumerated() {
            for (column, image) in row.images.enumerated() where image.count != expected {
                throw FigureError("ImageGrid: row \(rowIndex) image \(column) has \(image.count) values, expected \(expected) (\(imageWidth)×\(imageHeight)\(channels == 3 ? "×3" : ""))")
            }
        }
        let columns = columnCount
        if let gapAfterColumn, !(0..<(columns - 1)).contains(gapAfterColumn) {
            throw FigureError("ImageGrid: gapAfterColumn must be between 0 and \(columns - 2) for \(columns) columns, got \(gapAfterColumn)")
        }
        guard columnGapWidth >= 0 else { throw FigureError("ImageGrid: columnGapWidth must not be negative, got \(columnGapWidth)") }
        for label in columnLabels where label.columns.lowerBound < 0 || label.columns.upperBound >= columns {
            throw FigureError("ImageGrid: column label \"\(label.text)\" spans columns \(label.columns.lowerBound)…\(label.columns.upperBound) but the grid has \(columns) columns")
        }
    }

    /// The number of columns: the longest row's image count.
    private var columnCount: Int { rows.map(\.images.count).max() ?? 0 }

    /// Where the tiles go: the label column's width, the label row's height, and each column's left edge.
    private struct Layout {
        let labelColumn: Int
        let labelRow: Int
        let columnLefts: [Int]
        let width: Int
        let height: Int
    }

    private func layout(tileWidth: Int, tileHeight: Int) throws -> Layout {
        let columns = columnCount
        let labels = rows.map { $0.label ?? "" }
        let labelColumn = labels.contains { !$0.isEmpty } ? try labelColumnWidth(labels) : 0
        let labelRow = columnLabels.isEmpty ? 0 : Int((labelFontSize * 1.5).rounded(.up))
        let gap = gapAfterColumn == nil ? 0 : columnGapWidth
        let columnLefts = (0..<columns).map { column in
            labelColumn + padding + column * (tileWidth + padding) + (column > (gapAfterColumn ?? columns) ? gap : 0)
        }
        return Layout(labelColumn: labelColumn, labelRow: labelRow, columnLefts: columnLefts,
                      width: labelColumn + padding + columns * (tileWidth + padding) + gap,
                      height: labelRow + padding + rows.count * (tileHeight + padding))
    }

    /// Renders the grid into a raster (1 channel for grey-scale grids, 3 for colour).
    /// - Throws: `FigureError` for an empty grid, a non-positive size or scale, or an image with
    ///   the wrong number of values (naming its row and column).
    public func render() throws -> RasterImage {
        try validate()
        let tileWidth = imageWidth * scale, tileHeight = imageHeight * scale
        let layout = try layout(tileWidth: tileWidth, tileHeight: tileHeight)
        var pixels: [UInt8]
        if layout.labelColumn > 0 || layout.labelRow > 0 {
            pixels = try renderLabels(layout: layout, tileWidth: tileWidth, tileHeight: tileHeight)
        } else {
            pixels = [UInt8](repeating: byte(paddingValue), count: layout.width * layout.height * channels)
        }
        for (rowIndex, row) in rows.enumerated() {
            let top = layout.labelRow + padding + rowIndex * (tileHeight + padding)
            for (column, image) in row.images.enumerated() {
                blit(tileBytes(image), into: &pixels, gridWidth: layout.width, left: layout.columnLefts[column], top: top)
            }
        }
        return try RasterImage(width: layout.width, height: layout.height, channels: channels, pixels: pixels)
    }

    /// The grid encoded as PNG.
    public func pngData() throws -> Data { try render().pngData() }

    /// Renders the grid and writes it atomically as a PNG; the directory must exist.
    /// - Throws: `FigureError` for invalid input, or naming the path and reason if it cannot be written.
    public func write(to url: URL) throws { try writeFigure(pngData(), to: url) }

    // MARK: Pixels

    private func byte(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return 0 }
        return UInt8((min(max(value, 0), 1) * 255).rounded())
    }

    private func tileBytes(_ image: [Float]) -> [UInt8] {
        switch normalization {
        case .clamp:
            return image.map(byte)
        case .perImageMinMax:
            let finite = image.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max() else { return image.map { _ in 0 } }
            guard high > low else { return image.map { $0.isNaN ? 0 : 128 } }
            return image.map { byte(($0 - low) / (high - low)) }
        }
    }

    private func blit(_ tile: [UInt8], into pixels: inout [UInt8], gridWidth: Int, left: Int, top: Int) {
        for sourceY in 0..<imageHeight {
            for sourceX in 0..<imageWidth {
                let source = (sourceY * imageWidth + sourceX) * channels
                for dy in 0..<scale {
                    let rowStart = ((top + sourceY * scale + dy) * gridWidth + left + sourceX * scale) * channels
                    for dx in 0..<scale {
                        for channel in 0..<channels {
                            pixels[rowStart + dx * channels + channel] = tile[source + channel]
                        }
                    }
                }
            }
        }
    }

    // MARK: Labels

    private func labelColumnWidth(_ labels: [String]) throws -> Int {
        let canvas = try Canvas(width: 1, height: 1, scale: 1)
        let widest = labels.map { canvas.textWidth($0, size: labelFontSize) }.max() ?? 0
        return Int(widest.rounded(.up)) + Int(labelFontSize * 1.25) + padding
    }

    /// A background-filled buffer with the row labels drawn right-aligned in the label column and the
    /// column labels centred over their columns in the label row.
    private func renderLabels(layout: Layout, tileWidth: Int, tileHeight: Int) throws -> [UInt8] {
        let width = layout.width, height = layout.height
        let canvas = try Canvas(width: width, height: height, scale: 1)
        let grey = Double(byte(paddingValue)) / 255
        canvas.fillRectangle(x: 0, y: 0, width: Double(width), height: Double(height),
                             color: Color(red: grey, green: grey, blue: grey))
        let ink = grey < 0.5 ? Color(hex: 0xF2F2F2) : Palette.ink
        for (rowIndex, row) in rows.enumerated() {
            let centre = Double(layout.labelRow + padding + rowIndex * (tileHeight + padding)) + Double(tileHeight) / 2
            canvas.text(row.label ?? "", x: Double(layout.labelColumn - Int(labelFontSize * 0.5)), y: centre,
                        size: labelFontSize, color: ink, horizontal: .right, vertical: .middle)
        }
        for label in columnLabels {
            let left = layout.columnLefts[label.columns.lowerBound], right = layout.columnLefts[label.columns.upperBound] + tileWidth
            canvas.text(label.text, x: Double(left + right) / 2, y: Double(layout.labelRow + padding) / 2,
                        size: labelFontSize, color: ink, horizontal: .center, vertical: .middle)
        }
        let rgb = try canvas.rasterImage().pixels
        guard channels == 1 else { return rgb }
        return (0..<(width * height)).map { rgb[$0 * 3 + 1] }
    }
}
