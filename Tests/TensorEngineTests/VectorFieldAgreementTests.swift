import Foundation
import Testing
@testable import TensorEngine

@Suite("Vector field against a curve")
struct VectorFieldAgreementTests {
    /// The unit circle, sampled at 3 600 points (0.1° apart).
    let circle = (0..<3600).map { index -> [Float] in
        let angle = 2 * Double.pi * Double(index) / 3600
        return [Float(cos(angle)), Float(sin(angle))]
    }

    @Test func arrowsAtAndAlongAndAwayFromTheCircle() {
        let agreement = arrowAgreement(
            points: [[2, 0], [0.5, 0], [0, -3], [1, 0]],
            arrows: [[-1, 0], [0, 0.5], [0, -1], [0, 0]],
            curve: circle)
        // From (2, 0) straight to the circle, landing on it.
        #expect(Swift.abs(agreement[0].distance - 1) < 1e-6)
        #expect(Swift.abs(agreement[0].cosine - 1) < 1e-6)
        #expect(agreement[0].tipDistance < 1e-6)
        // From (0.5, 0) sideways: cosine 0, the tip (0.5, 0.5) lies 1 − √½ inside the circle.
        #expect(Swift.abs(agreement[1].distance - 0.5) < 1e-6)
        #expect(Swift.abs(agreement[1].cosine) < 1e-6)
        #expect(Swift.abs(agreement[1].tipDistance - (1 - 0.5.squareRoot())) < 1e-5)
        // From (0, −3) further away: cosine −1, tip 3 away.
        #expect(Swift.abs(agreement[2].cosine + 1) < 1e-6)
        #expect(Swift.abs(agreement[2].tipDistance - 3) < 1e-6)
        // A zero arrow on the curve: distance 0 and a cosine of 0, not NaN.
        #expect(agreement[3] == ArrowAgreement(distance: 0, cosine: 0, tipDistance: 0))
    }

    @Test func oneResultPerArrowInOrder() {
        let points: [[Float]] = (0..<5).map { [Float($0), 0] }
        let agreement = arrowAgreement(points: points, arrows: points.map { _ in [0, 0] }, curve: [[0, 0]])
        #expect(agreement.map(\.distance) == [0, 1, 2, 3, 4])
    }
}

@Suite("Plane curves and grids")
struct PlaneCurveTests {
    @Test func circleAndSpiralPointsLieAtTheirRadii() {
        for point in PlaneCurve.circle.samples(count: 9) {
            #expect(Swift.abs(Double(point[0] * point[0] + point[1] * point[1]) - 1) < 1e-5)
        }
        let spiral = PlaneCurve.spiral.samples(count: 5)  // t = 0, ¼, ½, ¾, 1: radius 0.3 + 1.4 t
        for (index, point) in spiral.enumerated() {
            let radius = Double(hypot(point[0], point[1]))
            #expect(Swift.abs(radius - (0.3 + 1.4 * Double(index) / 4)) < 1e-5)
        }
        // Two turns: t = ½ is back on the positive x axis.
        #expect(Swift.abs(spiral[2][1]) < 1e-5 && spiral[2][0] > 0)
    }

    @Test func gridCoversTheSquareRowByRow() {
        let grid = squareGrid(side: 3, extent: 2)
        #expect(grid == [[-2, -2], [0, -2], [2, -2], [-2, 0], [0, 0], [2, 0],
                         [-2, 2], [0, 2], [2, 2]])
    }

    @Test func meanAgreementAveragesEachField() {
        let arrows = [ArrowAgreement(distance: 1, cosine: 1, tipDistance: 0),
                      ArrowAgreement(distance: 3, cosine: 0, tipDistance: 1)]
        #expect(ArrowAgreement.mean(of: arrows) == ArrowAgreement(distance: 2, cosine: 0.5,
                                                                   tipDistance: 0.5))
        #expect(ArrowAgreement.mean(of: []) == ArrowAgreement(distance: 0, cosine: 0, tipDistance: 0))
    }
}
