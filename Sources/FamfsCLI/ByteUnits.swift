/// Sizes as people read them, for progress lines and `famfs status`: 1536 → "1.5 KiB".
func binaryUnits(_ n: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var v = Double(n)
    var u = 0
    while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
    if u == 0 { return "\(n) B" }
    let tenths = Int64((v * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) \(units[u])"
}
