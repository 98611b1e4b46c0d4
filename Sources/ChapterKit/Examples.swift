import Datasets
import TensorEngine

/// A labelled set of examples as one row-major matrix: images, bag-of-words documents or 2-D points.
public struct Examples: Sendable {
    /// `count × featureCount` values, row-major.
    public let features: [Float]
    /// Values per example (784 for a 28×28 image).
    public let featureCount: Int
    /// One class label per example.
    public let labels: [Int]
    /// The number of examples.
    public var count: Int { labels.count }

    /// Examples from a flat feature array and labels.
    public init(features: [Float], featureCount: Int, labels: [Int]) {
        precondition(features.count == featureCount * labels.count,
                     "Examples: \(features.count) values are not \(labels.count) rows of \(featureCount)")
        self.features = features
        self.featureCount = featureCount
        self.labels = labels
    }

    /// An image split as examples (one row of pixels in [0, 1] per image).
    public init(_ split: ImageSplit) {
        self.init(features: split.pixels, featureCount: split.featureCount, labels: split.labels)
    }

    /// The examples at `indices`, in that order.
    public func selecting(_ indices: [Int]) -> Examples {
        Examples(features: Batching.selectRows(from: features, rowLength: featureCount, indices: indices),
                 featureCount: featureCount, labels: indices.map { labels[$0] })
    }

    /// The first `count` examples.
    public func prefix(_ count: Int) -> Examples { selecting(Array(0..<min(count, self.count))) }

    /// The examples whose label is not `excludedClass`.
    public func excluding(class excludedClass: Int) -> Examples {
        selecting(Batching.indices(labels: labels, excluding: excludedClass))
    }

    /// Every example as one [count, featureCount] tensor (for evaluation and codes).
    public var matrix: Tensor<Float> {
        features.withUnsafeBufferPointer { Tensor(shape: [count, featureCount], copying: $0) }
    }

    /// Rows `indices` as one contiguous [indices.count, featureCount] tensor, with no per-row allocation.
    public func batch(_ indices: some Collection<Int>) -> Tensor<Float> {
        Tensor(shape: [indices.count, featureCount]) { destination in
            Batching.gatherRows(from: features, rowLength: featureCount, indices: indices, into: destination)
        }
    }

    /// Example `index` as an array (an image for a figure).
    public func row(_ index: Int) -> [Float] { Array(features[(index * featureCount)..<((index + 1) * featureCount)]) }
}

/// A mini-batch: the inputs as a tensor and their labels.
public struct Batch {
    /// [size, features].
    public let inputs: Tensor<Float>
    /// The label of each row.
    public let labels: [Int]
    /// The number of examples.
    public var size: Int { labels.count }
}
