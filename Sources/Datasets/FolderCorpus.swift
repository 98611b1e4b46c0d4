import Foundation

/// A folder-per-topic collection of `.txt` files (the 20 Newsgroups layout):
/// `DIR/topicA/*.txt`, `DIR/topicB/*.txt`, … given by `--corpus DIR`.
///
/// Topics are the sub-directory names sorted alphabetically (label = position); within a topic,
/// files are read in alphabetical order. Hidden entries and non-`.txt` files are ignored; files
/// are decoded as UTF-8 with invalid bytes replaced.
public enum FolderCorpus {
    /// Loads every topic folder of `directory`. Throws a one-line `DatasetError` when the directory
    /// is missing, has no topic folders, or a topic folder has no `.txt` files.
    public static func load(directory: String) throws -> TextCorpus {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(path: directory, problem: "corpus directory not found")
        }
        let topics = try visibleEntries(of: directory).filter { entry in
            var isFolder: ObjCBool = false
            return fileManager.fileExists(atPath: join(directory, entry), isDirectory: &isFolder) && isFolder.boolValue
        }
        guard !topics.isEmpty else {
            throw DatasetError(path: directory, problem: "empty corpus: no topic folders (expected DIR/topic/*.txt)")
        }
        var documents: [String] = []
        var labels: [Int] = []
        for (label, topic) in topics.enumerated() {
            let folder = join(directory, topic)
            let files = try visibleEntries(of: folder).filter { $0.hasSuffix(".txt") }
            guard !files.isEmpty else {
                throw DatasetError(path: folder, problem: "empty topic folder: no .txt files")
            }
            for file in files {
                let path = join(folder, file)
                guard let data = fileManager.contents(atPath: path) else {
                    throw DatasetError(path: path, problem: "cannot read file")
                }
                documents.append(String(decoding: data, as: UTF8.self))
                labels.append(label)
            }
        }
        return TextCorpus(topicNames: topics, documents: documents, labels: labels)
    }

    /// Sorted names in `directory`, without hidden ones.
    private static func visibleEntries(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw DatasetError(path: directory, problem: "cannot list directory (\(error.localizedDescription))")
        }
    }
}
