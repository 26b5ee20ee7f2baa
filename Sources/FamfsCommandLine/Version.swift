/// The version every famfs program reports with `--version` (and the man pages carry). The one
/// place it is defined; the install script reads it from `famfs --version`.
public enum FamfsVersion {
    public static let string = "0.9.0"

    /// `famfs 0.9.0` — what `--version` prints.
    public static func line(program: String) -> String { "\(program) \(string)\n" }
}
