/// One bit per allocation unit of the device: set = in use. Rebuilt from the log, never stored.
public struct Bitmap: Sendable, Equatable {
    public private(set) var count: Int
    private var words: [UInt64]

    public init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    public func isSet(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    /// Sets bit `i`; returns false if it was already set (a collision).
    @discardableResult
    public mutating func set(_ i: Int) -> Bool {
        let mask: UInt64 = 1 << UInt64(i & 63)
        defer { words[i >> 6] |= mask }
        return words[i >> 6] & mask == 0
    }

    public mutating func clear(_ i: Int) { words[i >> 6] &= ~(1 << UInt64(i & 63)) }

    public var setCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Whether bits `[start, start+n)` are all clear.
    public func isClear(_ start: Int, _ n: Int) -> Bool {
        (start..<start + n).allSatisfy { !isSet($0) }
    }

    /// First index ≥ `from` and < `end` of a run of `n` clear bits, first-fit.
    public func firstClearRun(of n: Int, from: Int, end: Int) -> Int? {
        var i = from
        while i + n <= end {
            // Skip whole full words quickly.
            if i & 63 == 0, i + 64 <= end, words[i >> 6] == ~0 { i += 64; continue }
            if isSet(i) { i += 1; continue }
            var j = i
            while j < i + n, !isSet(j) { j += 1 }
            if j == i + n { return i }
            i = j + 1
        }
        return nil
    }

    /// Runs of clear bits in `[start, end)`, as (first, length).
    public func clearRuns(_ start: Int, _ end: Int) -> [(Int, Int)] {
        var runs: [(Int, Int)] = []
        var i = start
        while i < end {
            if isSet(i) { i += 1; continue }
            var j = i
            while j < end, !isSet(j) { j += 1 }
            runs.append((i, j - i))
            i = j
        }
        return runs
    }
}
