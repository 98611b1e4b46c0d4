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

    @Test func firstDirectoryWithAllFilesWins() throws {
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
