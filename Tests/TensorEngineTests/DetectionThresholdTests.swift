import Testing
@testable import TensorEngine

@Suite("Detection threshold")
struct DetectionThresholdTests {
    @Test("Quantiles interpolate between order statistics as NumPy's default does")
    func quantiles() {
        let values: [Double] = [4, 1, 3, 2]  // sorted 1, 2, 3, 4: position p·3
        #expect(quantile(values, 0) == 1)
        #expect(quantile(values, 1) == 4)
        #expect(quantile(values, 0.5) == 2.5)
        #expect(Swift.abs(quantile(values, 0.95) - 3.85) < 1e-12)
        #expect(quantile([7], 0.3) == 7)
    }

    @Test("Precision, recall and false alarms of flagging scores above the threshold")
    func detection() {
        let result = detectionResult(positives: [5, 6, 1, 7], negatives: [0, 2, 6, 1, 3], threshold: 4)
        #expect(result.recall == 0.75)           // 5, 6, 7 of 4 positives
        #expect(result.precision == 0.75)        // 3 of 4 flagged (the negative 6)
        #expect(result.falsePositiveRate == 0.2)  // 1 of 5 negatives
        // A score equal to the threshold is not flagged; with nothing flagged, precision is undefined.
        let none = detectionResult(positives: [4], negatives: [1], threshold: 4)
        #expect(none.recall == 0 && none.precision.isNaN && none.falsePositiveRate == 0)
    }
}
