// An axis range that leaves out the extremes, so that a few outliers do not squeeze the rest of a
// scatter plot into a blob (the text chapter's map).

/// The range from the `outside / 2` to the `1 − outside / 2` quantile of `values` (nearest rank
/// below), widened by `margin` of its width at each end. `outside` = 0.1 keeps the central 90 %.
public func quantileRange(_ values: [Double], outside: Double,
                          margin: Double = 0.05) -> ClosedRange<Double> {
    precondition(!values.isEmpty && (0..<1).contains(outside),
                 "quantileRange: \(values.count) values, outside fraction \(outside)")
    let sorted = values.sorted(), last = Double(values.count - 1)
    let (low, high) = (sorted[Int(last * outside / 2)], sorted[Int(last * (1 - outside / 2))])
    return (low - margin * (high - low))...(high + margin * (high - low))
}
