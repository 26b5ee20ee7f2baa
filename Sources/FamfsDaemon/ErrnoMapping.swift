import FamfsCore
import SystemPackage

extension CoreError {
    /// The one Core → errno mapping the daemon uses for replies.
    var replyErrno: Errno { errno }
}
