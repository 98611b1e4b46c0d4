import Testing
@testable import Figures

struct QuantileRangeTests {
    @Test func leavesOutTheExtremesAndAddsAMargin() {
        // 0…100 and one outlier at 10 000: keeping the central 90 % ignores the outlier.
        let values = (0...100).map(Double.init) + [10_000]
        let range = quantileRange(values, outside: 0.1, margin: 0)
        #expect(range == 5...95)  // ranks ⌊101 · 0.05⌋ = 5 and ⌊101 · 0.95⌋ = 95
        let widened = quantileRange(values, outside: 0.1)
        #expect(Swift.abs(widened.lowerBound - (5 - 0.05 * 90)) < 1e-9)
        #expect(Swift.abs(widened.upperBound - (95 + 0.05 * 90)) < 1e-9)
        // Nothing left out: the full span.
        #expect(quantileRange([3, 1, 2], outside: 0, margin: 0) == 1...3)
    }
}
