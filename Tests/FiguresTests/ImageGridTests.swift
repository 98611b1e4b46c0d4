import Foundation
import Testing
@testable import Figures

@Suite struct ImageGridTests {
    @Test func grayscaleGridHasExactPixelsClampingAndPadding() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 2×2 images: values below 0, above 1, mid grey, NaN.
        var grid = ImageGrid(imageWidth: 2, imageHeight: 2, scale: 3, padding: 2, paddingValue: 0.25)
        grid.addRow(images: [[-0.5, 1.7, 0.5, .nan], [0, 1, 0.2, 0.8]])
        grid.addRow(images: [[1, 1, 1, 1]])
        let url = directory.appendingPathComponent("grid.png")
        try grid.write(to: url)
        let image = try DecodedPNG(contentsOf: url, channels: 1)
        #expect(image.width == 2 + 2 * (6 + 2))
        #expect(image.height == 2 + 2 * (6 + 2))
        let padding = UInt8((0.25 * 255).rounded())
        // Border and gaps are padding.
        #expect(image.value(0, 0) == padding)
        #expect(image.value(1, 5) == padding)
        #expect(image.value(8, 3) == padding)
        #expect(image.value(image.width - 1, image.height - 1) == padding)
        // First tile, each source pixel becomes a 3×3 block.
        for dy in 0..<3 {
            for dx in 0..<3 {
                #expect(image.value(2 + dx, 2 + dy) == 0)          // -0.5 clamped
                #expect(image.value(5 + dx, 2 + dy) == 255)        // 1.7 clamped
                #expect(image.value(2 + dx, 5 + dy) == 128)        // 0.5 → round(127.5)
                #expect(image.value(5 + dx, 5 + dy) == 0)          // NaN → 0
            }
        }
        // Second tile of the first row.
        #expect(image.value(10, 2) == 0)
        #expect(image.value(13, 2) == 255)
        #expect(image.value(10, 5) == 51)
        #expect(image.value(13, 5) == 204)
        // The second row has one image; the missing cell is padding.
        #expect(image.value(2, 10) == 255)
        #expect(image.value(10, 10) == padding)
    }

    @Test func colourGridStoresRGB() throws {
        var grid = ImageGrid(imageWidth: 1, imageHeight: 2, colorMode: .rgb, scale: 2, padding: 1)
        grid.addRow(images: [[1, 0, 0, 0, 0.5, 1] as [Float]])
        let image = try grid.render()
        #expect(image.channels == 3 && image.width == 4 && image.height == 6)
        #expect(Array(image[1, 1]) == [255, 0, 0])
        #expect(Array(image[2, 2]) == [255, 0, 0])
        #expect(Array(image[1, 3]) == [0, 128, 255])
        #expect(Array(image[0, 0]) == [255, 255, 255])
    }

    @Test func perImageNormalisationStretchesEachTile() throws {
        var grid = ImageGrid(imageWidth: 2, imageHeight: 1, padding: 0, normalization: .perImageMinMax)
        grid.addRow(images: [[-3.0, 5.0], [0.1, 0.2], [2.0, 2.0]])
        let image = try grid.render()
        #expect(image.pixels == [0, 255, 0, 255, 128, 128])
    }

    @Test func addRowsSplitsIntoColumns() throws {
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, padding: 1)
        grid.addRows(images: Array(repeating: [Float](repeating: 0.5, count: 784), count: 400), columns: 25)
        #expect(grid.rows.count == 16)
        let image = try grid.render()
        #expect(image.width == 1 + 25 * 29 && image.height == 1 + 16 * 29)
    }

    @Test func rowLabelsAreDrawnLeftOfTheTilesWhichStayExact() throws {
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 3, padding: 2)
        grid.addRow(label: "original", images: Array(repeating: [Float](repeating: 0, count: 784), count: 3))
        grid.addRow(label: "reconstruction", images: Array(repeating: [Float](repeating: 0.6, count: 784), count: 3))
        let image = try grid.render()
        let tilesWidth = 2 + 3 * (84 + 2)
        let labelWidth = image.width - tilesWidth
        #expect(labelWidth > 60)
        #expect(image.height == 2 + 2 * (84 + 2))
        var dark = 0
        for y in 0..<image.height { for x in 0..<labelWidth where image[x, y].first! < 100 { dark += 1 } }
        #expect(dark > 100)
        #expect(image[labelWidth + 2, 2].first == 0)
        #expect(image[labelWidth + 2 + 83, 2 + 86 + 83].first == 153)
        #expect(image[labelWidth + 1, 50].first == 255)
    }

    @Test func badInputThrowsNamingTheProblem() throws {
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28)
        #expect(throws: FigureError("ImageGrid: no images to draw")) { try grid.render() }
        grid.addRow(images: [[Float](repeating: 0, count: 784), [Float](repeating: 0, count: 783)])
        #expect(throws: FigureError("ImageGrid: row 0 image 1 has 783 values, expected 784 (28×28)")) { try grid.render() }
    }

    @Test func unwritablePathIsOneClearLine() throws {
        var grid = ImageGrid(imageWidth: 1, imageHeight: 1)
        grid.addRow(images: [[0.5]])
        let url = URL(fileURLWithPath: "/nonexistent-figures-dir/x/grid.png")
        #expect(throws: FigureError("cannot write figure /nonexistent-figures-dir/x/grid.png: No such file or directory")) {
            try grid.write(to: url)
        }
    }

    @Test func pngRoundTripIsDeterministic() throws {
        let raster = try RasterImage(width: 3, height: 2, channels: 3, pixels: Array(0..<18).map { UInt8($0 * 14) })
        let data = try raster.pngData()
        #expect(try raster.pngData() == data)
        #expect(try RasterImage(pngData: data) == raster)
        #expect(throws: FigureError.self) { try RasterImage(pngData: Data([1, 2, 3])) }
    }
}

/// The gap that sets columns apart and the column-label row.
@Suite struct ImageGridColumnTests {
    @Test func gapAfterAColumnShiftsTheLaterColumnsByItsWidth() throws {
        var grid = ImageGrid(imageWidth: 2, imageHeight: 2, scale: 1, padding: 1, paddingValue: 0.5)
        grid.addRow(images: [[Float](repeating: 0, count: 4), [Float](repeating: 1, count: 4), [Float](repeating: 0, count: 4)])
        grid.gapAfterColumn = 0
        grid.columnGapWidth = 5
        let image = try grid.render()
        #expect(image.width == 1 + 3 * 3 + 5 && image.height == 1 + 3)
        let padding = UInt8((0.5 * 255).rounded())
        #expect(image[1, 1].first == 0)                                            // column 0 where it was
        #expect((3..<9).allSatisfy { image[$0, 1].first == padding })              // padding and the gap
        #expect(image[9, 1].first == 255 && image[10, 2].first == 255)           // column 1, 5 pixels later
        #expect(image[12, 1].first == 0)                                           // column 2 follows at the normal spacing
    }

    @Test func columnLabelsSitInARowAboveTheirColumns() throws {
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, padding: 2)
        grid.addRow(label: "Coat", images: Array(repeating: [Float](repeating: 0.5, count: 784), count: 5))
        grid.gapAfterColumn = 0
        grid.columnLabels = [.init("query", column: 0), .init("nearest", columns: 1...4)]
        let image = try grid.render()
        let labelRow = Int((14 * 1.5).rounded(.up))
        #expect(image.height == labelRow + 2 + 56 + 2)
        let tiles = 2 + 5 * 58 + 12
        let labelColumn = image.width - tiles
        #expect(labelColumn > 20)
        // Tiles start below the label row; above them is text, and nothing but white beside the text.
        #expect(image[labelColumn + 2, labelRow + 2].first == 128)
        #expect(image[labelColumn + 2, labelRow + 1].first == 255)
        func darkPixels(columns: Range<Int>) -> Int {
            var count = 0
            for y in 0..<labelRow { for x in columns where image[x, y].first! < 128 { count += 1 } }
            return count
        }
        let queryColumn = (labelColumn + 2)..<(labelColumn + 2 + 56)
        let gap = (labelColumn + 60)..<(labelColumn + 72)
        let rest = (labelColumn + 72)..<image.width
        #expect(darkPixels(columns: queryColumn) > 20)
        #expect(darkPixels(columns: rest) > 20)
        #expect(darkPixels(columns: gap) == 0)
    }

    @Test func badColumnOptionsThrowNamingTheProblem() {
        var grid = ImageGrid(imageWidth: 1, imageHeight: 1)
        grid.addRow(images: [[0.5], [0.5], [0.5]])
        grid.gapAfterColumn = 2
        #expect(throws: FigureError("ImageGrid: gapAfterColumn must be between 0 and 1 for 3 columns, got 2")) { try grid.render() }
        grid.gapAfterColumn = 0
        grid.columnGapWidth = -1
        #expect(throws: FigureError("ImageGrid: columnGapWidth must not be negative, got -1")) { try grid.render() }
        grid.columnGapWidth = 4
        grid.columnLabels = [.init("all", columns: 0...3)]
        #expect(throws: FigureError("ImageGrid: column label \"all\" spans columns 0…3 but the grid has 3 columns")) { try grid.render() }
    }
}
