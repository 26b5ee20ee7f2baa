#if !FUZZING
#if canImport(Glibc)
import Glibc
#endif

/// Without libFuzzer (`swift build`): runs each input file once through a target, to replay a
/// crash that `Fuzz/run.sh` saved, or a corpus, under the debugger.
///
///     FamfsFuzz <target> <file>...
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 3, let target = FuzzTarget.named(args[1]) else {
            printError("usage: FamfsFuzz <\(FuzzTarget.all.map(\.name).joined(separator: "|"))> <input file>...\n")
            exit(2)
        }
        var count = 0
        for path in args.dropFirst(2) {
            guard let bytes = readFile(path) else {
                printError("FamfsFuzz: cannot read '\(path)'\n")
                exit(1)
            }
            bytes.withUnsafeBytes { target.run($0) }
            count += 1
        }
        print("\(target.name): \(count) inputs, no invariant broken")
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }
}
#endif
