import Foundation

/// A scalar value from the top level of a run's `metrics.json`.
public enum RunValue: Equatable, Sendable, Decodable {
    /// A JSON `true` / `false`.
    case boolean(Bool)
    /// A JSON number without a fractional part.
    case integer(Int)
    /// Any other JSON number.
    case number(Double)
    /// A JSON string.
    case string(String)
    /// An object, array or null: present but not insertable.
    case other

    /// Decodes the first of boolean, integer, number and string that fits, else `.other`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .other
        }
    }

    /// The value as a Double, for numeric formats.
    var numericValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// The value's default text: integers plainly, numbers with `%g`, strings verbatim, booleans as `true`/`false`.
    var defaultText: String? {
        switch self {
        case .boolean(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .number(let value): return String(format: "%g", value)
        case .string(let value): return value
        case .other: return nil
        }
    }
}

/// A chapter run's record, read from `runs/<short>/metrics.json`.
public struct RunRecord: Equatable, Sendable {
    /// Every top-level scalar field (`seed`, `epochs`, `seconds`, `swift_version`, …), for `{{run:…}}`.
    public var fields: [String: RunValue]
    /// The `metrics` object, for `{{metric:…}}` and `{{percent:…}}`.
    public var metrics: [String: Double]
    /// The `texts` object (empty when absent), for `{{text:…}}`.
    public var texts: [String: String]

    /// Creates a run record.
    public init(fields: [String: RunValue], metrics: [String: Double], texts: [String: String]) {
        self.fields = fields
        self.metrics = metrics
        self.texts = texts
    }

    /// Whether the run was a quick (smoke) run: `"quick": true`.
    public var isQuick: Bool { fields["quick"] == .boolean(true) }

    /// The fields the page footer needs; each must be present in every metrics.json.
    static let requiredFields = ["chapter", "seed", "epochs", "quick", "dataset", "seconds", "swift_version"]

    /// The shape of metrics.json, decoded strictly for `metrics` and `texts`.
    private struct RawRecord: Decodable {
        var metrics: [String: Double]
        var texts: [String: String]?
    }

    /// Parses `data` (the contents of metrics.json), reporting problems under `displayPath`.
    static func parse(_ data: Data, displayPath: String, expectedChapter: String, diagnostics: DiagnosticCollector) -> RunRecord? {
        let decoder = JSONDecoder()
        let raw: RawRecord
        let fields: [String: RunValue]
        do {
            raw = try decoder.decode(RawRecord.self, from: data)
            fields = try decoder.decode([String: RunValue].self, from: data)
        } catch {
            diagnostics.report(path: displayPath, "cannot read run record: \(BookManifest.describe(decodingError: error))")
            return nil
        }
        var valid = true
        for field in requiredFields where fields[field] == nil {
            diagnostics.report(path: displayPath, "run record lacks the '\(field)' field")
            valid = false
        }
        if let chapter = fields["chapter"], chapter != .string(expectedChapter) {
            diagnostics.report(path: displayPath, "run record is for chapter '\(chapter.defaultText ?? "?")', expected '\(expectedChapter)'")
            valid = false
        }
        return valid ? RunRecord(fields: fields, metrics: raw.metrics, texts: raw.texts ?? [:]) : nil
    }
}
