#if canImport(Glibc)
import Glibc
#endif

/// Numbers as the original reads them: `strtoull(s, &end, 0)` (decimal, 0x hex, 0 octal), then for
/// sizes an optional k/m/g/t multiplier. Unlike the original, trailing junk is an error, not zero.
enum Numbers {
    static func parse(_ s: String, sizeSuffix: Bool) -> UInt64? {
        var text = Substring(s)
        var multiplier: UInt64 = 1
        if sizeSuffix, let last = text.last {
            switch last {
            case "k", "K": multiplier = 1 << 10
            case "m", "M": multiplier = 1 << 20
            case "g", "G": multiplier = 1 << 30
            case "t", "T": multiplier = 1 << 40
            default: break
            }
            if multiplier > 1 { text = text.dropLast() }
        }
        let value: UInt64?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            value = UInt64(text.dropFirst(2), radix: 16)
        } else if text.count > 1 && text.hasPrefix("0") {
            value = UInt64(text.dropFirst(), radix: 8)
        } else {
            value = UInt64(text, radix: 10)
        }
        guard let value else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// The original's exit value for a count or a negative return code: |n|, at most 127.
    static func exitValue(_ n: Int64) -> Int32 { Int32(min(n.magnitude, 127)) }
}
