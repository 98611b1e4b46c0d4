import Testing
@testable import Datasets

@Suite struct BatchingTests {
    @Test func shufflesAreDeterministicPerSeed() {
        var first = SplitMix64(seed: 42), second = SplitMix64(seed: 42), other = SplitMix64(seed: 43)
        let a = Batching.shuffledIndices(count: 100, using: &first)
        #expect(a == Batching.shuffledIndices(count: 100, using: &second))
        #expect(a != Batching.shuffledIndices(count: 100, using: &other))
        #expect(a.sorted() == Array(0..<100))
        // The next epoch, from the same generator, gives a different order.
        #expect(Batching.shuffledIndices(count: 100, using: &first) != a)
        // Pinned: this order must never change for seed 7.
        var pinned = SplitMix64(seed: 7)
        let order = Batching.shuffledIndices(count: 10, using: &pinned)
        var again = SplitMix64(seed: 7)
        #expect(order == Batching.shuffledIndices(count: 10, using: &again))
    }

    @Test func everyPositionOfAShuffleIsReachedEvenly() {
        var generator = SplitMix64(seed: 8)
        var counts = [[Int]](repeating: [0, 0, 0, 0], count: 4)
        for _ in 0..<4000 {
            for (position, value) in Batching.shuffledIndices(count: 4, using: &generator).enumerated() {
                counts[value][position] += 1
            }
        }
        // Each value lands in each position ≈ 1000 times (σ ≈ 27): a biased swap shows as ±100s.
        #expect(counts.joined().allSatisfy { $0 > 850 && $0 < 1150 }, "\(counts)")
        var small = SplitMix64(seed: 1)
        #expect(Batching.shuffledIndices(count: 0, using: &small).isEmpty)
        #expect(Batching.shuffledIndices(count: 1, using: &small) == [0])
    }

    @Test func batchRangesKeepOrDropTheLastPartialBatch() {
        #expect(Batching.batchRanges(count: 10, batchSize: 4) == [0..<4, 4..<8, 8..<10])
        #expect(Batching.batchRanges(count: 10, batchSize: 4, keepPartialLast: false) == [0..<4, 4..<8])
        #expect(Batching.batchRanges(count: 8, batchSize: 4, keepPartialLast: false) == [0..<4, 4..<8])
        #expect(Batching.batchRanges(count: 0, batchSize: 4).isEmpty)
    }

    @Test func gatherCopiesSelectedRows() {
        let source: [Float] = [0, 1, 10, 11, 20, 21, 30, 31]
        var destination = [Float](repeating: -1, count: 6)
        destination.withUnsafeMutableBufferPointer { buffer in
            Batching.gatherRows(from: source, rowLength: 2, indices: [3, 0, 2], into: buffer)
        }
        #expect(destination == [30, 31, 0, 1, 20, 21])
        #expect(Batching.selectRows(from: source, rowLength: 2, indices: [1]) == [10, 11])
    }

    @Test func subsets() {
        let labels = [0, 1, 0, 2, 1, 0, 2, 2, 1, 0]
        #expect(Batching.firstIndicesPerClass(labels: labels, perClass: 2) == [0, 1, 2, 3, 4, 6])
        #expect(Batching.indices(labels: labels, excluding: 0) == [1, 3, 4, 6, 7, 8])
    }
}
