import FamfsCore

/// Sessions opened by one command, one per device.
final class SessionCache {
    private var sessions: [String: FamfsWriter] = [:]
    let bulk: Bool
    init(bulk: Bool = false) { self.bulk = bulk }
    func session(for p: FamfsPath) throws -> FamfsWriter {
        if let s = sessions[p.device] { return s }
        let s = try FamfsSession.open(p, bulk: bulk)
        sessions[p.device] = s
        return s
    }
}
