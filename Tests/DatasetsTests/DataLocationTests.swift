import Foundation
import Testing
@testable import Datasets

@Suite struct DataLocationTests {
    @Test func searchOrderWithoutFlag() {
        let location = DataLocation(dataFlag: nil, environment: ["AUTOENCODER_DATA": "/env"], currentDirectory: "/work")
        #expect(location.candidateDirectories(for: .fashionMNIST) == [
            "/env/fashion-mnist", "/env", "/work/data/fashion-mnist", "/work/data", "/usr/share/datasets/fashion-mnist",
        ])
        #expect(location.candidateDirectories(for: .mnist) == ["/env/mnist", "/work/data/mnist"])
        let withoutEnvironment = DataLocation(dataFlag: nil, environment: [:], currentDirectory: "/work")
        #expect(withoutEnvironment.candidateDirectories(for: .mnist) == ["/work/data/mnist"])
    }

    @Test func explicitFlagIsTheOnlyPlaceTried() throws {
        let root = try makeTemporaryDirectory()
        let location = DataLocation(dataFlag: root, environment: ["AUTOENCODER_DATA": "/env"], currentDirectory: "/work")
        #expect(location.candidateDirectories(for: .fashionMNIST) == [root + "/fashion-mnist", root])
        do {
            _ = try location.locate(.fashionMNIST)
            Issue.record("expected an error: no silent fallback to the Debian path")
        } catch {
            #expect(String(describing: error) == "\(root): --data directory has no Fashion-MNIST IDX files (tried \(root)/fashion-mnist, \(root)); install with: sudo apt-get install dataset-fashion-mnist (or make data)")
        }
    }

    @Test(.tags(.installedData)) func firstDirectoryWithAllFilesWins() throws {
        let root = try makeTemporaryDirectory()
        try writeTinySet(in: root + "/data/mnist", gzipped: false)
        try writeTinySet(in: root + "/env/fashion-mnist", gzipped: true)
        let location = DataLocation(dataFlag: nil, environment: ["AUTOENCODER_DATA": root + "/env"], currentDirectory: root)
        #expect(try location.locate(.fashionMNIST) == root + "/env/fashion-mnist")
        #expect(try location.locate(.mnist) == root + "/data/mnist")
        #expect(try ImageDataset(.mnist, location: location).train.count == 3)
        // Without the environment variable, ./data has no Fashion-MNIST, so the Debian path wins.
        let plain = DataLocation(dataFlag: nil, environment: [:], currentDirectory: root)
        #expect(try plain.locate(.fashionMNIST) == DataLocation.debianFashionMNISTDirectory)
        // Files directly in the --data directory count for Fashion-MNIST.
        try writeTinySet(in: root + "/flat", gzipped: false)
        #expect(try DataLocation(dataFlag: root + "/flat", environment: [:], currentDirectory: "/").locate(.fashionMNIST) == root + "/flat")
    }

    @Test func explicitMNISTDirectoryIsReadDirectlyAndMayHoldASubset() throws {
        let root = try makeTemporaryDirectory()
        let location = DataLocation(dataFlag: root, environment: [:], currentDirectory: "/work")
        #expect(location.candidateDirectories(for: .mnist) == [root + "/mnist", root])
        do {
            _ = try ImageDataset(.mnist, location: location)
            Issue.record("expected an error: an explicit --data without the files")
        } catch {
            #expect(String(describing: error) == "\(root): --data directory has no MNIST IDX files (tried \(root)/mnist, \(root)); install with: make data")
        }
        // 50 training and 10 test images of 28×28, directly in DIR: a subset of MNIST.
        let labels = { (count: Int) in (0..<count).map { UInt8($0 % 10) } }
        write(idxImageBytes(count: 50, rows: 28, columns: 28), to: root + "/" + IDXFileName.trainImages)
        write(idxLabelBytes(labels(50)), to: root + "/" + IDXFileName.trainLabels)
        write(idxImageBytes(count: 10, rows: 28, columns: 28), to: root + "/" + IDXFileName.testImages)
        let testLabels = write(idxLabelBytes(labels(10)), to: root + "/" + IDXFileName.testLabels)
        _ = try gzip(testLabels)  // one file gzipped, as a user's mix may be
        try FileManager.default.removeItem(atPath: testLabels)
        let subset = try ImageDataset(.mnist, location: location)
        #expect(subset.directory == root)
        #expect(subset.train.count == 50 && subset.test.count == 10 && subset.train.featureCount == 784)
        #expect(subset.test.labels == labels(10).map { Int($0) })
        // Without --data, a data directory's top level stays Fashion-MNIST's: MNIST is not read there.
        #expect(throws: DatasetError.self) { try DataLocation(dataFlag: nil, environment: ["AUTOENCODER_DATA": root], currentDirectory: root).locate(.mnist) }
        // A DIR/mnist sub-directory comes first.
        try writeTinySet(in: root + "/mnist", gzipped: false)
        #expect(try ImageDataset(.mnist, location: location).train.count == 3)
    }

    @Test func emptySplitIsRefused() throws {
        let root = try makeTemporaryDirectory()
        try writeTinySet(in: root, gzipped: false)
        let images = write(idxImageBytes(count: 0, rows: 2, columns: 3), to: root + "/" + IDXFileName.testImages)
        write(idxLabelBytes([]), to: root + "/" + IDXFileName.testLabels)
        #expect(throws: DatasetError(path: images, problem: "empty: the header promises 0 images; a split needs at least one")) {
            try ImageDataset(.fashionMNIST, directory: root)
        }
    }

    @Test func nothingFoundListsEveryPathTried() throws {
        let root = try makeTemporaryDirectory()
        let location = DataLocation(dataFlag: nil, environment: ["AUTOENCODER_DATA": root + "/env"], currentDirectory: root)
        do {
            _ = try location.locate(.mnist)
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error) == "MNIST not found; tried \(root)/env/mnist, \(root)/data/mnist; install with: make data")
        }
    }
}
