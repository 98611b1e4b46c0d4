import Foundation
import Testing
@testable import TensorEngine

extension TensorEngineTests {
    @Suite("Truncated SVD")
    struct TruncatedSingularValueDecompositionTests {
        /// X = U S Vᵀ built by hand: orthonormal U [4, 2] and V [3, 2], singular values 5 and 2.
        static let data: Tensor<Float> = {
            let u: [[Float]] = [[0.5, 0.5], [0.5, -0.5], [0.5, 0.5], [0.5, -0.5]]
            let v: [[Float]] = [[0.6, 0], [0.8, 0], [0, -1]]
            let values: [Float] = [5, 2]
            let rows = u.map { left in
                (0..<3).map { column in (0..<2).reduce(0) { $0 + left[$1] * values[$1] * v[column][$1] } }
            }
            return Tensor(rows)
        }()

        @Test func recoversKnownSingularValuesAndSignFixedComponents() throws {
            let fit = try TruncatedSingularValueDecomposition(fitting: Self.data, componentCount: 2)
            #expect(maximumDifference(fit.singularValues, [5, 2]) < 1e-4)
            // Signs fixed so that each component's largest-magnitude entry is positive.
            #expect(maximumDifference(fit.components.scalars, [0.6, 0.8, 0, 0, 0, 1]) < 1e-4)
            // Rank 2 data: encoding then decoding gives the data back, without centring.
            let back = fit.decode(fit.encode(Self.data))
            #expect(maximumDifference(back.scalars, Self.data.scalars) < 1e-4)
            // Keeping one component gives the rank-1 part 5 u₁ v₁ᵀ.
            let first = fit.truncated(to: 1)
            #expect(first.singularValues == [fit.singularValues[0]])
            let rankOne = first.decode(first.encode(Self.data)).scalars
            #expect(maximumDifference(rankOne, [1.5, 2, 0, 1.5, 2, 0, 1.5, 2, 0, 1.5, 2, 0]) < 1e-4)
        }

        @Test func wideAndTallRoutesAgree() throws {
            // X (4 × 3) goes through the eigenvectors of XᵀX; its first two rows padded with two
            // zero columns (2 × 5, fewer rows than columns) through the thin SVD. Those rows span
            // X's row space with the same V, so both routes must find v₁ and v₂.
            let tall = try TruncatedSingularValueDecomposition(fitting: Self.data, componentCount: 2)
            let wideRows = Self.data.rowArrays.prefix(2).map { $0 + [0, 0] }
            let wide = try TruncatedSingularValueDecomposition(fitting: Tensor(Array(wideRows)),
                                                               componentCount: 2)
            for component in 0..<2 {
                let row = wide.components.rowArrays[component]
                #expect(maximumDifference(Array(row.prefix(3)), tall.components.rowArrays[component]) < 1e-4)
                #expect(maximumDifference(Array(row.suffix(2)), [0, 0]) < 1e-4)
            }
            // Singular values of the two rows: 5/√2 and 2/√2.
            #expect(maximumDifference(wide.singularValues, [5 / Float(2).squareRoot(), 2 / Float(2).squareRoot()]) < 1e-4)
        }
    }
}
