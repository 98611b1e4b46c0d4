/// Suggestions of known names close to a misspelt one ("did you mean 'test_loss'?").
public enum NearMiss {
    /// The Levenshtein edit distance between `first` and `second` (insertions, deletions and substitutions),
    /// compared case-insensitively.
    public static func editDistance(_ first: String, _ second: String) -> Int {
        let source = Array(first.lowercased())
        let target = Array(second.lowercased())
        if source.isEmpty { return target.count }
        if target.isEmpty { return source.count }
        var previousRow = Array(0...target.count)
        var currentRow = [Int](repeating: 0, count: target.count + 1)
        for sourceIndex in 1...source.count {
            currentRow[0] = sourceIndex
            for targetIndex in 1...target.count {
                let substitution = previousRow[targetIndex - 1] + (source[sourceIndex - 1] == target[targetIndex - 1] ? 0 : 1)
                currentRow[targetIndex] = min(previousRow[targetIndex] + 1, currentRow[targetIndex - 1] + 1, substitution)
            }
            swap(&previousRow, &currentRow)
        }
        return previousRow[target.count]
    }

    /// The candidates within a small edit distance of `name` (at most a third of its length, at least 2),
    /// or that contain it / are contained in it, closest first, at most `limit` of them.
    public static func suggestions(for name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let threshold = max(2, name.count / 3)
        let scored = Set(candidates).compactMap { candidate -> (name: String, distance: Int)? in
            let distance = editDistance(name, candidate)
            let lowerName = name.lowercased()
            let lowerCandidate = candidate.lowercased()
            let related = !lowerName.isEmpty && (lowerCandidate.contains(lowerName) || lowerName.contains(lowerCandidate))
            guard distance <= threshold || related else { return nil }
            return (candidate, distance)
        }
        return scored
            .sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
            .prefix(limit)
            .map(\.name)
    }

    /// A parenthesised hint to append to an "unknown …" message:
    /// ` (did you mean 'a' or 'b'?)` when there are near misses, otherwise ` (known: 'x', 'y')`
    /// listing up to eight known names, ` (none defined)` when there are none.
    public static func hint(for name: String, among candidates: [String]) -> String {
        let close = suggestions(for: name, among: candidates)
        if !close.isEmpty {
            return " (did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?)"
        }
        if candidates.isEmpty {
            return " (none defined)"
        }
        let known = candidates.sorted()
        let shown = known.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
        return " (known: \(shown)\(known.count > 8 ? ", …" : ""))"
    }
}
