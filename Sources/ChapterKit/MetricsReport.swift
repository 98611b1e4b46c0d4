import Foundation

/// The contents of a run's `metrics.json`, which the book quotes from.
struct MetricsReport {
    let chapter: String
    let seed: UInt64
    let epochs: Int
    let quick: Bool
    let dataset: String
    let threads: Int
    let seconds: Double
    let samplesPerSecond: Double
    let metrics: [(String, Double)]
    let texts: [(String, String)]

    /// The compiler version that built this run.
    static var swiftVersion: String {
        #if compiler(>=6.4)
        return "6.4 or later"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #else
        return "6.1 or earlier"
        #endif
    }

    /// Pretty-printed JSON with keys in a fixed order; non-finite numbers become null.
    func json() -> Data {
        func number(_ value: Double) -> String {
            guard value.isFinite else { return "null" }
            if value == value.rounded() && Swift.abs(value) < 1e15 { return String(Int64(value)) }
            return "\(value)"
        }
        func string(_ value: String) -> String {
            let data = try? JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes])
            let array = data.flatMap { String(data: $0, encoding: .utf8) } ?? "[\"\"]"
            return String(array.dropFirst().dropLast())
        }
        var lines = ["{"]
        lines.append("  \"chapter\": \(string(chapter)),")
        lines.append("  \"seed\": \(seed),")
        lines.append("  \"epochs\": \(epochs),")
        lines.append("  \"quick\": \(quick),")
        lines.append("  \"dataset\": \(string(dataset)),")
        lines.append("  \"threads\": \(threads),")
        lines.append("  \"seconds\": \(number((seconds * 10).rounded() / 10)),")
        lines.append("  \"samples_per_second\": \(number(samplesPerSecond.rounded())),")
        lines.append("  \"swift_version\": \(string(Self.swiftVersion)),")
        let metricLines = metrics.map { "    \(string($0.0)): \(number($0.1))" }
        lines.append("  \"metrics\": {\n" + metricLines.joined(separator: ",\n") + "\n  },")
        let textLines = texts.map { "    \(string($0.0)): \(string($0.1))" }
        lines.append("  \"texts\": {\n" + textLines.joined(separator: ",\n") + "\n  }")
        lines.append("}")
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }
}
