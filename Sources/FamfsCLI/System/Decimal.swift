#if canImport(Glibc)
import Glibc
#endif

/// `printf("%.Nf", v)`: fixed-point text as C prints it (the reference's fsck output is parsed
/// by scripts, so the rounding must be printf's).
func fixed(_ value: Double, digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    let n = withVaList([value]) { vsnprintf(&buf, buf.count, "%.\(digits)f", $0) }
    guard n >= 0 else { return "\(value)" }
    return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
