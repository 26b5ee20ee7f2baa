import FamfsCore
import Foundation
import ArgumentParser

/// The one place commands print: results to stdout, one-line errors to stderr.
enum Output {
    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data(s.utf8))
    }
    static func err(_ s: String) {
        FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
    }
    /// Prints `prefix: error` and returns the ExitCode to throw.
    static func fail(_ prefix: String, _ error: Error, code: Int32 = 1) -> ExitCode {
        err("\(prefix): \(error)")
        return ExitCode(code)
    }
}

/// Exit status the reference uses: `min(|rc|, 127)`.
func exitValue(_ rc: Int) -> Int32 { Int32(min(abs(rc), 127)) }

func isRoot() -> Bool { geteuid() == 0 }
