import Foundation

/// One split (train or test) of an image set: images and labels that agree in count.
public struct ImageSplit: Sendable {
    /// Number of images (and labels).
    public let count: Int
    /// Rows per image.
    public let rows: Int
    /// Columns per image.
    public let columns: Int
    /// `count × rows × columns` pixels, row-major, in [0, 1].
    public let pixels: [Float]
    /// One label per image.
    public let labels: [Int]

    /// Pixels per image: `rows × columns`.
    public var featureCount: Int { rows * columns }

    /// Creates a split from images and labels already read; throws when their counts differ or
    /// the split is empty. Any other count is accepted, so a subset of a set works.
    public init(images: IDXImages, labels: IDXLabels, imagesPath: String, labelsPath: String) throws {
        guard images.count == labels.count else {
            throw DatasetError(path: labelsPath, problem: "count mismatch: \(labels.count) labels but \(imagesPath) has \(images.count) images")
        }
        guard images.count > 0 else {
            throw DatasetError(path: imagesPath, problem: "empty: the header promises 0 images; a split needs at least one")
        }
        self.count = images.count
        self.rows = images.rows
        self.columns = images.columns
        self.pixels = images.pixels
        self.labels = labels.labels
    }

    /// Reads and validates an images file and a labels file (gzipped or not).
    public init(imagesPath: String, labelsPath: String) throws {
        let images = try IDXReader.readImages(atPath: imagesPath)
        let labels = try IDXReader.readLabels(atPath: labelsPath)
        try self.init(images: images, labels: labels, imagesPath: imagesPath, labelsPath: labelsPath)
    }

    /// Number of images per class, indexed by label (length `classCount`).
    public func countsPerClass(classCount: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels where label >= 0 && label < classCount { counts[label] += 1 }
        return counts
    }
}

/// A whole image set — Fashion-MNIST or MNIST — with its train and test splits.
public struct ImageDataset: Sendable {
    /// Which set this is.
    public let kind: ImageDatasetKind
    /// The directory the files were read from.
    public let directory: String
    /// The training split (60 000 images in both published sets; any number in a subset).
    public let train: ImageSplit
    /// The test split (10 000 images in both published sets; any number in a subset).
    public let test: ImageSplit

    /// Class names indexed by label.
    public var classNames: [String] { kind.classNames }

    /// Loads the four IDX files of `kind` from `directory` (each `name.gz` or `name`).
    ///
    /// Checks both splits have the same image size and every label is below the number of
    /// classes (10); throws a one-line `DatasetError` otherwise.
    public init(_ kind: ImageDatasetKind, directory: String) throws {
        guard let paths = DataLocation.idxFiles(in: directory) else {
            let missing = IDXFileName.all.filter { name in
                !["", ".gz"].contains { FileManager.default.fileExists(atPath: join(directory, name + $0)) }
            }
            throw DatasetError(path: directory, problem: "missing \(kind.displayName) file(s) \(missing.joined(separator: ", ")) (.gz or uncompressed)")
        }
        let train = try ImageSplit(imagesPath: paths[0], labelsPath: paths[1])
        let test = try ImageSplit(imagesPath: paths[2], labelsPath: paths[3])
        guard train.rows == test.rows, train.columns == test.columns else {
            throw DatasetError(path: paths[2], problem: "wrong dimensions: test images are \(test.rows)×\(test.columns) but training images are \(train.rows)×\(train.columns)")
        }
        let classCount = kind.classNames.count
        for (split, labelsPath) in [(train, paths[1]), (test, paths[3])] {
            if let bad = split.labels.first(where: { $0 >= classCount }) {
                throw DatasetError(path: labelsPath, problem: "corrupt: label \(bad) outside 0..<\(classCount)")
            }
        }
        self.kind = kind
        self.directory = directory
        self.train = train
        self.test = test
    }

    /// Locates `kind` through `location` (flag, environment, `./data`, Debian path) and loads it.
    public init(_ kind: ImageDatasetKind, location: DataLocation) throws {
        try self.init(kind, directory: location.locate(kind))
    }
}
