#if canImport(Glibc)
import Glibc
#endif
import FamfsCore
import FamfsFormat

/// The original's numeric option values (`strtol`/`strtoull` with its size suffixes), refused
/// with one line naming the option.
/// `-m/--mode`, `-u/--uid`, `-g/--gid` as the reference parses them (`strtol(…, 8)` / `strtol(…, 0)`).
func parseOctal(_ s: String, option: String) throws -> UInt32 {
    guard let v = UInt32(s, radix: 8), v <= 0o7777 else {
        throw ValidationError("\(option): '\(s)' is not an octal mode")
    }
    return v
}

func parseID(_ s: String, option: String) throws -> UInt32 {
    guard let v = MiniYAML.parseNumber(s), v <= UInt64(UInt32.max) else {
        throw ValidationError("\(option): '\(s)' is not a number")
    }
    return UInt32(v)
}

func parseSizeArgument(_ s: String, option: String) throws -> UInt64 {
    guard let v = parseSize(s) else { throw ValidationError("\(option): '\(s)' is not a size (number with optional k/m/g)") }
    return v
}

func currentUmask() -> UInt32 {
    let m = umask(0o022)
    umask(m)
    return UInt32(m)
}

/// Thread counts (`-t`): the reference takes 0…256 (0 = in the calling thread).
func parseThreadCount(_ s: String?, command: String, function: String) throws -> Int {
    guard let s else { return max(onlineProcessors(), 4) }
    guard let v = Int(s), (0...256).contains(v) else {
        Output.err("\(function): bad threadct: \(s)")
        throw ExitCode(1)
    }
    return v
}
