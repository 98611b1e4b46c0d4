import Foundation
import Testing
@testable import TensorEngine

@Suite("Principal angles")
struct PrincipalAnglesTests {
    @Test("A rotated basis of the same plane gives zero angles; a tilted plane gives the tilt")
    func angles() throws {
        // The plane of e₁ and e₂ in R⁴, as orthonormal rows.
        let plane = Tensor<Float>(shape: [2, 4], scalars: [1, 0, 0, 0, 0, 1, 0, 0])
        // Columns spanning the same plane, neither orthogonal nor of unit length.
        let same = Tensor<Float>(shape: [4, 2], scalars: [2, 1, 1, 3, 0, 0, 0, 0])
        #expect(try principalAngles(columnsOf: same, rowsOf: plane).allSatisfy { $0 < 0.05 })
        // e₁ and cos 30° e₂ + sin 30° e₃: one angle 0°, one 30°.
        let tilted = Tensor<Float>(shape: [4, 2], scalars: [1, 0, 0, Float(cos(Double.pi / 6)), 0, 0.5, 0, 0])
        let angles = try principalAngles(columnsOf: tilted, rowsOf: plane)
        #expect(angles.count == 2)
        #expect(Swift.abs(angles[0]) < 0.05 && Swift.abs(angles[1] - 30) < 0.05, "\(angles)")
        // An orthogonal plane: both 90°.
        let orthogonal = Tensor<Float>(shape: [4, 2], scalars: [0, 0, 0, 0, 1, 0, 0, 1])
        #expect(try principalAngles(columnsOf: orthogonal, rowsOf: plane).allSatisfy { Swift.abs($0 - 90) < 0.05 })
    }
}
