#if canImport(Glibc)
import Glibc
#endif

/// One fuzz target: a parser fed arbitrary bytes, with the invariants that must hold whatever
/// the bytes are. A broken invariant traps, which libFuzzer reports as a crash with the input.
struct FuzzTarget: Sendable {
    /// As `Fuzz/run.sh` names it (which also sets each target's longest input).
    let name: String
    let run: @Sendable (UnsafeRawBufferPointer) -> Void

    static let all: [FuzzTarget] = [
        SuperblockTarget.target, LogHeaderTarget.target, LogEntryTarget.target, FmapYAMLTarget.target,
        FuseRequestTarget.target, ControlMessageTarget.target,
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// Traps with a message: an invariant of the code under test does not hold for this input.
func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz invariant broken: \(message())") }
}

/// A message on standard error.
func printError(_ message: String) {
    var bytes = Array(message.utf8)
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        bytes.removeFirst(n)
    }
}
