// `make data`: downloads Fashion-MNIST and MNIST over HTTPS into ./data (data/fashion-mnist/ and
// data/mnist/), verifying each file's published MD5 before giving it its final name. Fashion-MNIST
// comes from Zalando's GitHub repository, MNIST from the mirror torchvision uses.
//
// Usage: download-data [DIRECTORY] [--dataset fashion-mnist|mnist|all]
import Datasets
import Foundation

var directory = "data"
var sources = [DownloadSource.fashionMNIST, DownloadSource.mnist]
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--dataset":
        switch arguments.popFirst() {
        case "fashion-mnist": sources = [.fashionMNIST]
        case "mnist": sources = [.mnist]
        case "all": break
        case let other:
            FileHandle.standardError.write(Data("download-data: unknown --dataset \(other ?? "(missing)"); use fashion-mnist, mnist or all\n".utf8))
            exit(2)
        }
    case "-h", "--help":
        print("usage: download-data [DIRECTORY] [--dataset fashion-mnist|mnist|all]  (default: data, all)")
        exit(0)
    default:
        directory = argument
    }
}

do {
    for source in sources {
        try Downloader.download(source, into: directory) { print($0) }
    }
} catch {
    FileHandle.standardError.write(Data("download-data: \(error)\n".utf8))
    exit(1)
}
