import Foundation
// How a 2-D vector field points at a curve: the denoising chapter measures whether the arrows
// r(x) − x of a denoising autoencoder point back to the data it was trained on.

/// One arrow of a 2-D vector field against a curve.
public struct ArrowAgreement: Sendable, Equatable {
    /// Distance from the arrow's foot x to the nearest point of the curve.
    public var distance: Double
    /// Cosine between the arrow and the direction from x to that nearest point: 1 straight at the
    /// curve, 0 along it, −1 away from it (0 for an arrow of length 0).
    public var cosine: Double
    /// Distance from the arrow's tip to the nearest point of the curve: where r(x) lands.
    public var tipDistance: Double

    /// The mean of each field over `arrows` (all zero for no arrows).
    public static func mean(of arrows: [ArrowAgreement]) -> ArrowAgreement {
        let count = Double(max(arrows.count, 1))
        return ArrowAgreement(distance: arrows.map(\.distance).reduce(0, +) / count,
                              cosine: arrows.map(\.cosine).reduce(0, +) / count,
                              tipDistance: arrows.map(\.tipDistance).reduce(0, +) / count)
    }
}

/// The 2-D curves a denoising autoencoder learns in the denoising chapter.
public enum PlaneCurve: String, CaseIterable, Sendable {
    /// The unit circle.
    case circle
    /// A two-turn spiral whose radius grows from 0.3 to 1.7.
    case spiral

    /// The point at parameter t ∈ [0, 1].
    public func point(at t: Float) -> [Float] {
        let angle = self == .circle ? 2 * Float.pi * t : 4 * Float.pi * t
        let radius = self == .circle ? 1 : 0.3 + 1.4 * t
        return [radius * cos(angle), radius * sin(angle)]
    }

    /// `count` (at least 2) points at evenly spaced parameters from 0 to 1.
    public func samples(count: Int) -> [[Float]] {
        precondition(count >= 2, "PlaneCurve.samples: count \(count) is below 2")
        return (0..<count).map { point(at: Float($0) / Float(count - 1)) }
    }
}

/// The `side` × `side` grid of points evenly spaced over [−extent, extent]², row by row (x varies
/// fastest).
public func squareGrid(side: Int, extent: Float) -> [[Float]] {
    precondition(side >= 2, "squareGrid: side \(side) is below 2")
    let ticks = (0..<side).map { -extent + 2 * extent * Float($0) / Float(side - 1) }
    return ticks.flatMap { y in ticks.map { x in [x, y] } }
}

/// For each arrow `arrows[k]` drawn at `points[k]` (both 2-D), how it relates to a curve given by
/// densely sampled points `curve`; distances are to the nearest sample, so they are accurate to
/// about half the spacing of the samples.
public func arrowAgreement(
    points: [[Float]], arrows: [[Float]], curve: [[Float]]
) -> [ArrowAgreement] {
    precondition(points.count == arrows.count,
                 "arrowAgreement: \(points.count) points, \(arrows.count) arrows")
    precondition(!curve.isEmpty, "arrowAgreement: the curve has no points")
    /// The offset from `point` to the nearest curve sample, and its length.
    func nearest(_ point: [Double]) -> (offset: [Double], distance: Double) {
        var best: [Double] = [0, 0], bestDistance = Double.infinity
        for sample in curve {
            let offset = [Double(sample[0]) - point[0], Double(sample[1]) - point[1]]
            let distance = hypot(offset[0], offset[1])
            if distance < bestDistance { (best, bestDistance) = (offset, distance) }
        }
        return (best, bestDistance)
    }
    return zip(points, arrows).map { point, arrow in
        let foot = point.map(Double.init), step = arrow.map(Double.init)
        let (offset, distance) = nearest(foot)
        let lengths = hypot(step[0], step[1]) * distance
        let cosine = lengths > 0 ? (step[0] * offset[0] + step[1] * offset[1]) / lengths : 0
        return ArrowAgreement(distance: distance, cosine: cosine,
                              tipDistance: nearest([foot[0] + step[0], foot[1] + step[1]]).distance)
    }
}
