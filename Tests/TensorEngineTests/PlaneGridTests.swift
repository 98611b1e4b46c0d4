import Testing
@testable import TensorEngine

@Suite("Plane grid")
struct PlaneGridTests {
    @Test("Codes run left to right, then top (highest y) to bottom, and span both ranges")
    func layout() {
        let grid = PlaneGrid(x: -1...1, y: 0...4, steps: 3)
        #expect(grid.xValues == [-1, 0, 1])
        #expect(grid.yValues == [4, 2, 0])
        #expect(grid.codes.shape == [9, 2])
        #expect(grid.codes.rowArrays == [[-1, 4], [0, 4], [1, 4], [-1, 2], [0, 2], [1, 2], [-1, 0], [0, 0], [1, 0]])
    }
}
