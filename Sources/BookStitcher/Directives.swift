import Foundation

/// A `{{kind:arguments}}` directive in chapter prose (or in a manifest key-result template).
///
/// | Directive | Output |
/// | --- | --- |
/// | `{{listing:anchor}}`, `{{listing:File.swift:anchor}}` | the anchored extract of the chapter's `main.swift` (or `File.swift`) as a ```` ```swift ```` block (alone on its line) |
/// | `{{listing:Sources/Module/File.swift:anchor}}` | the same from a library file (path from the repository root, under `Sources/`), under a line naming the file |
/// | `{{metric:name}}`, `{{metric:name:%.4f}}` | `metrics.name` formatted with a printf format (default `%g`) |
/// | `{{percent:name}}`, `{{percent:name:%.1f}}` | `metrics.name × 100`, formatted (default `%.1f`), then a `%` sign (unless the format has its own `%%`) |
/// | `{{text:name}}` | `texts.name`, verbatim |
/// | `{{run:field}}`, `{{run:field:%.0f}}` | a top-level field of metrics.json (`seed`, `epochs`, `seconds`, …) |
/// | `{{figure:name\|caption}}`, `{{figure:name\|caption\|alt text}}` | the numbered image and caption (alone on its line) |
/// | `{{ref:name}}`, `{{ref:short/name}}` | `Figure N.M` of a figure in this chapter or in chapter `short` |
public enum Directive: Equatable, Sendable {
    /// A code listing from `file` between the markers of `anchor`: a file name in the chapter
    /// directory (default `main.swift`), or a library path `Sources/<Module>/…/<File>.swift` from the
    /// repository root (see `isLibraryListing`).
    case listing(file: String, anchor: String)
    /// A value of the run's `metrics`, printed with `format`.
    case metric(name: String, format: String)
    /// A value of the run's `metrics` times 100, printed with `format` and followed by `%`.
    case percent(name: String, format: String)
    /// A string of the run's `texts`, inserted verbatim.
    case text(name: String)
    /// A top-level field of the run record, printed with `format` when given (numbers only).
    case run(field: String, format: String?)
    /// A figure `runs/<short>/figures/<name>.png`, with a caption and alt text.
    case figure(name: String, caption: String, altText: String)
    /// A reference to a figure's number; `chapter` is the short name of another chapter, if any.
    case reference(chapter: String?, name: String)

    /// The directive kinds, for near-miss suggestions on an unknown kind.
    public static let kinds = ["listing", "metric", "percent", "text", "run", "figure", "ref"]

    /// The default printf format of `{{metric:…}}`.
    public static let defaultMetricFormat = "%g"
    /// The default printf format of `{{percent:…}}` (the `%` sign is appended after formatting).
    public static let defaultPercentFormat = "%.1f"

    /// Parses the inside of `{{…}}`. Throws a message naming the problem when the directive is malformed.
    public static func parse(_ body: String) throws -> Directive {
        guard let colon = body.firstIndex(of: ":") else {
            let kind = body.trimmingCharacters(in: .whitespaces)
            if kinds.contains(kind) {
                throw DirectiveError("directive '{{\(body)}}' needs arguments after '\(kind):'")
            }
            throw DirectiveError("unknown directive kind '\(kind)'" + NearMiss.hint(for: kind, among: kinds))
        }
        let kind = String(body[..<colon])
        let arguments = String(body[body.index(after: colon)...])
        func split(_ text: String) -> (String, String?) {
            guard let separator = text.firstIndex(of: ":") else { return (text, nil) }
            return (String(text[..<separator]), String(text[text.index(after: separator)...]))
        }
        func requireName(_ name: String, _ what: String) throws -> String {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                throw DirectiveError("malformed \(what) name '\(name)' in '{{\(body)}}'")
            }
            return name
        }
        switch kind {
        case "listing":
            let (first, rest) = split(arguments)
            if let rest {
                try validateListingFile(first)
                return .listing(file: first, anchor: try requireName(rest, "anchor"))
            }
            return .listing(file: "main.swift", anchor: try requireName(first, "anchor"))
        case "metric", "percent":
            let (name, format) = split(arguments)
            let checkedName = try requireName(name, kind)
            let chosenFormat = format ?? (kind == "metric" ? defaultMetricFormat : defaultPercentFormat)
            try NumberFormatting.validate(chosenFormat)
            return kind == "metric"
                ? .metric(name: checkedName, format: chosenFormat)
                : .percent(name: checkedName, format: chosenFormat)
        case "text":
            return .text(name: try requireName(arguments, "text"))
        case "run":
            let (field, format) = split(arguments)
            if let format { try NumberFormatting.validate(format) }
            return .run(field: try requireName(field, "run field"), format: format)
        case "figure":
            let parts = arguments.components(separatedBy: "|")
            guard parts.count == 2 || parts.count == 3 else {
                throw DirectiveError("figure directive must be '{{figure:name|caption}}' or '{{figure:name|caption|alt text}}'")
            }
            let caption = parts[1].trimmingCharacters(in: .whitespaces)
            guard !caption.isEmpty else {
                throw DirectiveError("figure '\(parts[0])' needs a caption")
            }
            let altText = parts.count == 3 ? parts[2].trimmingCharacters(in: .whitespaces) : caption
            return .figure(name: try requireName(parts[0], "figure"), caption: caption, altText: altText)
        case "ref":
            let pieces = arguments.components(separatedBy: "/")
            switch pieces.count {
            case 1: return .reference(chapter: nil, name: try requireName(pieces[0], "figure"))
            case 2: return .reference(chapter: try requireName(pieces[0], "chapter"), name: try requireName(pieces[1], "figure"))
            default: throw DirectiveError("malformed reference '{{\(body)}}' (use '{{ref:name}}' or '{{ref:chapter/name}}')")
            }
        default:
            throw DirectiveError("unknown directive kind '\(kind)'" + NearMiss.hint(for: kind, among: kinds))
        }
    }

    /// The folder of the repository that library listings may come from.
    public static let librarySourcesPrefix = "Sources/"

    /// Whether `file` of a listing names a library file (`Sources/…`) rather than a chapter file.
    public static func isLibraryListing(_ file: String) -> Bool {
        file.hasPrefix(librarySourcesPrefix)
    }

    /// Accepts a listing's file: a `.swift` file name in the chapter directory, or a path under `Sources/`
    /// with at least a module folder, without `.`, `..` or empty components. Anything else is refused
    /// so that a listing cannot read outside the chapter or the library.
    private static func validateListingFile(_ file: String) throws {
        let usage = "a listing comes from 'File.swift' in the chapter directory or 'Sources/<Module>/<File>.swift' in the library"
        guard file.hasSuffix(".swift") else {
            throw DirectiveError("listing file '\(file)' is not a .swift file; \(usage)")
        }
        guard !file.hasPrefix("/") else {
            throw DirectiveError("listing file '\(file)' is an absolute path; \(usage)")
        }
        let components = file.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) {
            throw DirectiveError("listing file '\(file)' may not contain '..', '.' or empty path components; \(usage)")
        }
        guard components.count == 1 || (isLibraryListing(file) && components.count >= 3) else {
            throw DirectiveError("listing file '\(file)' is outside the chapter directory and Sources/; \(usage)")
        }
    }

    /// Whether the directive produces block content and so must stand alone on its line.
    var isBlock: Bool {
        switch self {
        case .listing, .figure: return true
        default: return false
        }
    }
}

/// A malformed directive; the message names the problem.
public struct DirectiveError: Error, Equatable {
    /// What is wrong.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }
}

/// A piece of a line of prose: literal text, or a directive with its source text.
enum LineSegment: Equatable {
    /// Literal text, copied through.
    case literal(String)
    /// A parsed directive and its source, `{{…}}` included.
    case directive(Directive, source: String)
}

/// Splits prose lines into literal text and directives.
enum DirectiveScanner {
    /// Splits `line` at each `{{…}}`. A `{{` without a closing `}}` on the same line, or a malformed
    /// directive, is reported through `report` (and the rest of the line is kept as literal text).
    static func segments(of line: String, report: (String) -> Void) -> [LineSegment] {
        var segments: [LineSegment] = []
        var rest = Substring(line)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex {
                segments.append(.literal(String(rest[..<open.lowerBound])))
            }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                report("unclosed directive '\(rest[open.lowerBound...].prefix(40))' (missing '}}' on this line)")
                segments.append(.literal(String(rest[open.lowerBound...])))
                return segments
            }
            let body = String(afterOpen[..<close.lowerBound])
            let source = "{{\(body)}}"
            if body.contains("{{") {
                report("unclosed directive before '\(source.prefix(40))'")
                segments.append(.literal(source))
            } else {
                do {
                    segments.append(.directive(try Directive.parse(body), source: source))
                } catch {
                    report((error as? DirectiveError)?.message ?? "\(error)")
                    segments.append(.literal(source))
                }
            }
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty {
            segments.append(.literal(String(rest)))
        }
        return segments
    }
}

/// printf-style formatting of a Double, restricted to formats that are safe to apply to one Double.
public enum NumberFormatting {
    /// Checks that `format` holds exactly one conversion of a Double (`%f`, `%e`, `%g`, `%a` and capitals,
    /// or `%d` / `%i`, which print the rounded value) with optional flags, width and precision; `%%` is
    /// allowed anywhere.
    public static func validate(_ format: String) throws {
        _ = try normalized(format)
    }

    /// Formats `value` with `format` (see `validate(_:)`).
    public static func format(_ value: Double, with format: String) throws -> String {
        String(format: try normalized(format), value)
    }

    /// `format` with `%d` / `%i` rewritten to `%.0f`, after validation.
    private static func normalized(_ format: String) throws -> String {
        var result = ""
        var conversions = 0
        var index = format.startIndex
        while index < format.endIndex {
            let character = format[index]
            index = format.index(after: index)
            guard character == "%" else {
                result.append(character)
                continue
            }
            var specification = "%"
            while index < format.endIndex, "-+ #0123456789.".contains(format[index]) {
                specification.append(format[index])
                index = format.index(after: index)
            }
            guard index < format.endIndex else {
                throw DirectiveError("malformed number format '\(format)' (incomplete conversion)")
            }
            let conversion = format[index]
            index = format.index(after: index)
            if conversion == "%" && specification == "%" {
                result += "%%"
                continue
            }
            conversions += 1
            switch conversion {
            case "f", "F", "e", "E", "g", "G", "a", "A":
                result += specification + String(conversion)
            case "d", "i":
                guard !specification.contains(".") else {
                    throw DirectiveError("malformed number format '\(format)' (no precision with %\(conversion))")
                }
                result += specification + ".0f"
            default:
                throw DirectiveError("unsupported number format '\(format)' (use %f, %e, %g or %d conversions)")
            }
        }
        guard conversions == 1 else {
            throw DirectiveError("number format '\(format)' must have exactly one conversion such as %.4f")
        }
        return result
    }
}
