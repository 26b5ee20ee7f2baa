/// A command's refusal of one path it was given (or a file it reached from one): which path, and
/// why. Printed as `<path>: <reason>`, after the command's prefix.
struct PathError: Error, CustomStringConvertible, Equatable {
    var path: String
    var reason: String

    init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    var description: String { "\(path): \(reason)" }
}
