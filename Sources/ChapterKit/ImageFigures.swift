import Foundation
import Figures
import TensorEngine

// The image figures several chapters draw: labelled rows of 28 × 28 images, a retrieval grid with
// its query column set apart, and a decoder's pictures over a grid of 2-D codes.

/// The images σ(logits) in [0, 1] that a model's logits stand for, one array per row (for an image
/// grid); the logits are computed without recording gradients.
public func images(fromLogits logits: @autoclosure () -> Tensor<Float>) -> [[Float]] {
    withoutGradients { sigmoid(logits()).rowArrays }
}

extension ImageGrid {
    /// 28 × 28 grey images, one labelled row per entry (test images above reconstructions, …).
    public static func labelledRows(_ rows: [(label: String, images: [[Float]])], scale: Int = 3) -> ImageGrid {
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: scale, labelFontSize: 16)
        for row in rows { grid.addRow(label: row.label, images: row.images) }
        return grid
    }

    /// One row per query: the query image in a first column set apart by a gap, then what was found
    /// for it. The row is labelled (e.g. with the query's class); the columns read "query" and
    /// `resultsTitle`.
    public static func retrieval(_ rows: [(label: String, query: [Float], results: [[Float]])],
                                 resultsTitle: String) -> ImageGrid {
        var grid = labelledRows(rows.map { ($0.label, [$0.query] + $0.results) })
        let resultCount = rows.map(\.results.count).max() ?? 0
        grid.gapAfterColumn = 0
        grid.columnLabels = [.init("query", column: 0)]
            + (resultCount > 0 ? [.init(resultsTitle, columns: 1...resultCount)] : [])
        return grid
    }

    /// A decoder's images over `plane`, in its order (row by row from the top): each row labelled
    /// with its y value and each column with its x value, written with `format`.
    public static func plane(_ plane: PlaneGrid, images: [[Float]], format: String = "%.1f") -> ImageGrid {
        let steps = plane.xValues.count
        precondition(images.count == steps * steps, "ImageGrid.plane: \(images.count) images for a \(steps) × \(steps) grid")
        var grid = ImageGrid(imageWidth: 28, imageHeight: 28, scale: 2, labelFontSize: 13)
        for (row, y) in plane.yValues.enumerated() {
            grid.addRow(label: String(format: format, y), images: Array(images[(row * steps)..<((row + 1) * steps)]))
        }
        grid.columnLabels = plane.xValues.enumerated().map { .init(String(format: format, $1), column: $0) }
        return grid
    }
}
