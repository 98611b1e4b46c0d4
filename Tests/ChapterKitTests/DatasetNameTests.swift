import Foundation
import Testing
@testable import ChapterKit

/// metrics.json names the data set a chapter read: `--dataset` by default, or what the chapter says.
struct DatasetNameTests {
    func dataset(arguments: [String], name: String?) throws -> String? {
        let directory = temporaryDirectory()
        let status = executeChapter("test", options: TestOptions.self, arguments: ["--output", directory.path] + arguments) { _, run in
            run.datasetName = name
            run.record("value", 1)
        }
        #expect(status == 0)
        let data = try Data(contentsOf: directory.appendingPathComponent("metrics.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["dataset"] as? String
    }

    @Test func defaultIsTheDatasetFlag() throws {
        #expect(try dataset(arguments: [], name: nil) == "fashion-mnist")
        #expect(try dataset(arguments: ["--dataset", "mnist"], name: nil) == "mnist")
    }

    @Test func aChapterNamesWhatItRead() throws {
        #expect(try dataset(arguments: [], name: "WordNet 3.0 noun glosses") == "WordNet 3.0 noun glosses")
    }
}
