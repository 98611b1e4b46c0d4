import Foundation

/// The image sets that share the four MNIST IDX file names.
public enum ImageDatasetKind: String, CaseIterable, Sendable {
    /// Zalando's Fashion-MNIST, the default image set.
    case fashionMNIST = "fashion-mnist"
    /// LeCun, Cortes and Burges's handwritten digits.
    case mnist = "mnist"

    /// The name for messages: "Fashion-MNIST" or "MNIST".
    public var displayName: String {
        switch self {
        case .fashionMNIST: return "Fashion-MNIST"
        case .mnist: return "MNIST"
        }
    }

    /// Names of the ten classes, indexed by label.
    public var classNames: [String] {
        switch self {
        case .fashionMNIST:
            return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        case .mnist:
            return (0...9).map(String.init)
        }
    }

    /// The sub-directory of a data directory holding this set (`fashion-mnist` or `mnist`);
    /// `make data` writes `data/fashion-mnist/` and `data/mnist/`.
    public var subdirectoryName: String { rawValue }

    /// The command that installs this set, quoted in "not found" messages.
    public var installCommand: String {
        switch self {
        case .fashionMNIST: return "sudo apt-get install dataset-fashion-mnist (or make data)"
        case .mnist: return "make data"
        }
    }
}

/// The four IDX files of a set, under their standard names.
public enum IDXFileName {
    /// Training images: `train-images-idx3-ubyte`.
    public static let trainImages = "train-images-idx3-ubyte"
    /// Training labels: `train-labels-idx1-ubyte`.
    public static let trainLabels = "train-labels-idx1-ubyte"
    /// Test images: `t10k-images-idx3-ubyte`.
    public static let testImages = "t10k-images-idx3-ubyte"
    /// Test labels: `t10k-labels-idx1-ubyte`.
    public static let testLabels = "t10k-labels-idx1-ubyte"
    /// All four, in the order train images, train labels, test images, test labels.
    public static let all = [trainImages, trainLabels, testImages, testLabels]
}

/// Where data is looked for, with the process environment passed in so tests can inject it.
///
/// Search order for a set of kind `k` (first directory holding all four files wins):
/// 1. `--data DIR`: `DIR/<k>/`, then `DIR` itself (for either set). Given explicitly, nothing
///    else is tried: missing files are an error, never a silent fallback.
/// 2. `$AUTOENCODER_DATA`: `$AUTOENCODER_DATA/<k>/`, then `$AUTOENCODER_DATA` (Fashion-MNIST only).
/// 3. `./data`: `./data/<k>/`, then `./data` (Fashion-MNIST only).
/// 4. Fashion-MNIST only: `/usr/share/datasets/fashion-mnist` (Debian package `dataset-fashion-mnist`).
///
/// `<k>` is `fashion-mnist` or `mnist`. MNIST's files have the same names as Fashion-MNIST's, so
/// MNIST is looked for directly in a data directory only when the user named both the set and the
/// directory (`--dataset mnist --data DIR`); the default places hold Fashion-MNIST at their top.
/// Each file may be gzipped (`name.gz`, preferred when both exist) or uncompressed (`name`).
public struct DataLocation: Sendable {
    /// The environment variable naming a data directory.
    public static let environmentVariable = "AUTOENCODER_DATA"
    /// Where Debian's `dataset-fashion-mnist` installs Fashion-MNIST.
    public static let debianFashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// The `--data DIR` flag, if given.
    public var dataFlag: String?
    /// The environment variables (normally `ProcessInfo.processInfo.environment`).
    public var environment: [String: String]
    /// The directory `./data` is relative to.
    public var currentDirectory: String

    /// Creates a location from explicit inputs (what the tests do).
    public init(dataFlag: String?, environment: [String: String], currentDirectory: String) {
        self.dataFlag = dataFlag
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// Creates a location from the `--data` flag and this process's environment and working directory.
    public static func fromProcess(dataFlag: String?) -> DataLocation {
        DataLocation(
            dataFlag: dataFlag,
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath
        )
    }

    /// The directories tried for `kind`, in order (see the type's documentation).
    public func candidateDirectories(for kind: ImageDatasetKind) -> [String] {
        func inside(_ base: String) -> [String] {
            let nested = join(base, kind.subdirectoryName)
            return kind == .fashionMNIST ? [nested, base] : [nested]
        }
        if let dataFlag { return [join(dataFlag, kind.subdirectoryName), dataFlag] }
        var directories: [String] = []
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            directories += inside(fromEnvironment)
        }
        directories += inside(join(currentDirectory, "data"))
        if kind == .fashionMNIST { directories.append(Self.debianFashionMNISTDirectory) }
        return directories
    }

    /// The first candidate directory holding all four IDX files of `kind`.
    ///
    /// Throws a one-line `DatasetError` listing every path tried and the install command; with an
    /// explicit `--data DIR` the error names that directory.
    public func locate(_ kind: ImageDatasetKind) throws -> String {
        let candidates = candidateDirectories(for: kind)
        for directory in candidates where Self.idxFiles(in: directory) != nil {
            return directory
        }
        let tried = candidates.joined(separator: ", ")
        if let dataFlag {
            throw DatasetError(path: dataFlag, problem: "--data directory has no \(kind.displayName) IDX files (tried \(tried)); install with: \(kind.installCommand)")
        }
        throw DatasetError(path: nil, problem: "\(kind.displayName) not found; tried \(tried); install with: \(kind.installCommand)")
    }

    /// The paths of the four IDX files in `directory` (each `name.gz` or `name`), in the order of
    /// `IDXFileName.all`, or `nil` when any is missing.
    public static func idxFiles(in directory: String) -> [String]? {
        var paths: [String] = []
        for name in IDXFileName.all {
            let compressed = join(directory, name + ".gz"), plain = join(directory, name)
            if FileManager.default.fileExists(atPath: compressed) {
                paths.append(compressed)
            } else if FileManager.default.fileExists(atPath: plain) {
                paths.append(plain)
            } else {
                return nil
            }
        }
        return paths
    }
}

/// `directory/name` without doubling the slash.
func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
