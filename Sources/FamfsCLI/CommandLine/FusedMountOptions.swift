/// The original daemon's command line, `famfs_fused [-f] [-d] [-s] -o <opts> <mountpoint>`, whose
/// comma-separated `-o` list (libfuse style) names the device and the mount's settings. Scripts
/// written for the original start the daemon this way; `famfs mount` here passes named options.
struct FusedMountOptions: Equatable {
    var daxdev: String?
    var shadow: String?
    var fsname: String?
    var timeout: Double?
    var cache: String?
    var allowOther = false
    var defaultPermissions = false
    var readOnly = false

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses every `-o` value given, in order (later values win, as with libfuse).
    init(_ lists: [String]) throws(Failure) {
        for list in lists {
            for item in list.split(separator: ",", omittingEmptySubsequences: true) {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0])
                let value = parts.count > 1 ? String(parts[1]) : nil
                func needValue() throws(Failure) -> String {
                    guard let value, !value.isEmpty else { throw Failure(description: "-o \(key) needs a value (\(key)=...)") }
                    return value
                }
                switch key {
                case "daxdev": daxdev = try needValue()
                // `source=` is the older spelling of the shadow directory.
                case "shadow", "source": shadow = try needValue()
                case "fsname": fsname = try needValue()
                case "timeout":
                    let v = try needValue()
                    guard let t = Double(v), t.isFinite, t >= 0, t <= 1e9 else {
                        throw Failure(description: "-o timeout=\(v): not a number of seconds from 0 to 1e9")
                    }
                    timeout = t
                case "cache":
                    let v = try needValue()
                    guard ["always", "normal", "never"].contains(v) else {
                        throw Failure(description: "-o cache=\(v): takes always, normal or never")
                    }
                    cache = v
                case "allow_other": allowOther = true
                case "default_permissions": defaultPermissions = true
                case "ro": readOnly = true
                case "rw": readOnly = false
                default: throw Failure(description: "unknown mount option '-o \(item)'")
                }
            }
        }
    }

    /// The device to serve: `daxdev=`, else `fsname=` (the original passes the device as both).
    var device: String? { daxdev ?? fsname }

    /// The kernel's entry cache time: `timeout=`, else `cache=` as the original maps it.
    var cacheTimeout: Double? {
        if let timeout { return timeout }
        switch cache {
        case "always": return 86_400
        case "normal": return 1
        case "never": return 0
        default: return nil
        }
    }
}
