#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsCore

/// The one place commands print: results to stdout, one-line errors to stderr. Unbuffered, so
/// the order of the two streams is the order of the calls.
enum Output {
    static func out(_ s: String) {
        Terminal.write(s, to: STDOUT_FILENO)
    }
    static func err(_ s: String) {
        Terminal.write(s.hasSuffix("\n") ? s : s + "\n", to: STDERR_FILENO)
    }
    /// Prints `prefix: error` and returns the ExitCode to throw.
    static func fail(_ prefix: String, _ error: Error, code: Int32 = 1) -> ExitCode {
        err("\(prefix): \(error)")
        return ExitCode(code)
    }
}

/// One-line error for a failed command: `famfs <cmd>: <message>`.
func fail(_ command: String, _ error: Error, code: Int32 = 1) -> ExitCode {
    if let e = error as? ExitCode { return e }
    return Output.fail("famfs \(command)", error, code: code)
}

/// Exit status the reference uses: `min(|rc|, 127)`.
func exitValue(_ rc: Int) -> Int32 { Int32(min(abs(rc), 127)) }

func isRoot() -> Bool { geteuid() == 0 }
