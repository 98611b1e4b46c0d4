import Testing
import ChapterKit
import Figures
import TensorEngine

@Suite("Image figures")
struct ImageFiguresTests {
    let image = [Float](repeating: 0.5, count: 784)

    @Test("Labelled rows keep their order, labels and images")
    func labelledRows() throws {
        let grid = ImageGrid.labelledRows([("test images", [image, image]), ("epoch 1", [image])])
        #expect(grid.rows.map(\.label) == ["test images", "epoch 1"])
        #expect(grid.rows.map(\.images.count) == [2, 1])
        #expect(try grid.render().width > 0)
    }

    @Test("A retrieval grid sets the query column apart and labels both parts")
    func retrieval() throws {
        let grid = ImageGrid.retrieval([("Coat", image, [image, image, image]), ("Bag", image, [image, image])],
                                       resultsTitle: "nearest")
        #expect(grid.gapAfterColumn == 0)
        #expect(grid.columnLabels.map(\.text) == ["query", "nearest"])
        #expect(grid.columnLabels.map(\.columns) == [0...0, 1...3])
        #expect(grid.rows.map(\.images.count) == [4, 3])
        let plain = ImageGrid.labelledRows([("Coat", [image, image, image, image]), ("Bag", [image, image, image])])
        #expect(try grid.render().width > plain.render().width)  // the gap
    }

    @Test("A plane figure labels rows with y (top = highest) and columns with x")
    func plane() throws {
        let plane = PlaneGrid(x: -1...1, y: 0...2, steps: 3)
        let images = (0..<9).map { [Float](repeating: Float($0) / 8, count: 784) }
        let grid = ImageGrid.plane(plane, images: images)
        #expect(grid.rows.map(\.label) == ["2.0", "1.0", "0.0"])
        #expect(grid.columnLabels.map(\.text) == ["-1.0", "0.0", "1.0"])
        #expect(grid.rows[1].images[2] == images[5])
        #expect(try grid.render().width > 0)
    }
}
