import FamfsFormat

/// The tree of directories and files the log describes: a cache rebuilt from the log, which is
/// the only truth. Node ids are stable on every host: the root is 1, a logged node's id is its
/// log index plus `firstLogNodeID` (ids in between are left to the daemon's own nodes).
public struct Namespace: Sendable {
    public static let rootID: UInt64 = 1
    public static let firstLogNodeID: UInt64 = 16

    public enum Kind: Sendable, Equatable {
        case directory
        case file(FileMeta)
    }

    public struct Node: Sendable, Equatable {
        public let id: UInt64
        public let parent: UInt64
        public let name: String
        /// Path relative to the mount point ("" for the root).
        public let path: String
        public let kind: Kind
        public let mode: UInt32
        public let uid: UInt32
        public let gid: UInt32
        /// Children by name (directories only).
        public internal(set) var children: [String: UInt64] = [:]
        /// How many of the children are directories (a directory's link count is 2 + this).
        public internal(set) var subdirectoryCount = 0

        public var isDirectory: Bool { kind == .directory }
        public var file: FileMeta? { if case .file(let f) = kind { return f } else { return nil } }
        public var size: UInt64 { file?.size ?? 0 }
    }

    /// Node `id` lives at `slots[id]`: ids are small and dense (log indexes plus a constant), so
    /// an array indexed by id replaces hashing on every lookup and insert of replay.
    private var slots: [Node?]
    public private(set) var fileCount = 0
    public private(set) var directoryCount = 0

    public init() {
        slots = [Node?](repeating: nil, count: Int(Self.firstLogNodeID))
        slots[Int(Self.rootID)] = Node(id: Self.rootID, parent: Self.rootID, name: "", path: "", kind: .directory,
                                       mode: 0o755, uid: 0, gid: 0)
    }

    /// Every node by id (O(n): for tests and tools, not for serving).
    public var nodes: [UInt64: Node] {
        var out: [UInt64: Node] = [:]
        for case let node? in slots { out[node.id] = node }
        return out
    }

    public var count: Int { 1 + fileCount + directoryCount }

    mutating func reserve(_ more: Int) {
        // Geometric growth: a daemon applies entries one at a time, and reserving exactly one
        // more slot each time would copy the whole array on every append.
        let want = slots.count + more
        if slots.capacity < want { slots.reserveCapacity(max(want, 2 * slots.capacity)) }
    }

    public static func nodeID(logIndex: UInt64) -> UInt64 { logIndex + firstLogNodeID }

    public var root: Node { slots[Int(Self.rootID)]! }

    public subscript(id: UInt64) -> Node? { id < UInt64(slots.count) ? slots[Int(id)] : nil }

    public func child(of parent: UInt64, named name: String) -> Node? {
        self[parent]?.children[name].flatMap { self[$0] }
    }

    /// The node at a relative path ("" or "." is the root); nil if any component is missing.
    public func lookup(_ path: String) -> Node? {
        lookupID(path.split(separator: "/")).flatMap { self[$0] }
    }

    func lookupID<S: Sequence>(_ parts: S) -> UInt64? where S.Element: StringProtocol {
        var id = Self.rootID
        for part in parts where part != "." {
            guard let next = self[id]?.children[String(part)] else { return nil }
            id = next
        }
        return id
    }

    /// Children of a directory in log order (the order they were created).
    public func children(of id: UInt64) -> [Node] {
        guard let dir = self[id] else { return [] }
        return dir.children.values.sorted().compactMap { self[$0] }
    }

    public enum Insertion: Equatable { case added, existed, conflict(String) }

    /// Adds a node for log entry `index` at `path` (already checked by `LogPath`). The path is
    /// walked in place (no array of components) and the parent is changed in its slot, never
    /// copied: a copy would share the children dictionary and make the insert a full copy.
    mutating func insert(path: String, index: UInt64, kind: Kind, mode: UInt32, uid: UInt32, gid: UInt32) -> Insertion {
        // The components as `split(separator: "/")` gives them: empty ones are left out; "."
        // is skipped on the way down (as `lookupID` does) but may name the new node.
        var parentID = Self.rootID
        var name: Substring? = nil
        var parentMissing = false
        var rest = path[...]
        while !rest.isEmpty {
            let part: Substring
            if let slash = rest.utf8.firstIndex(of: UInt8(ascii: "/")) {
                part = rest[..<slash]
                rest = rest[rest.utf8.index(after: slash)...]
            } else {
                part = rest
                rest = rest[rest.endIndex...]
            }
            if part.isEmpty { continue }
            if let previous = name, !parentMissing, previous != "." {
                if let next = self[parentID]?.children[String(previous)] { parentID = next } else { parentMissing = true }
            }
            name = part
        }
        guard let name else { return .conflict("empty path") }
        guard !parentMissing else { return .conflict("parent directory of '\(path)' does not exist") }
        guard self[parentID]?.isDirectory == true else { return .conflict("parent of '\(path)' is a file") }
        let key = String(name)
        if let existingID = self[parentID]?.children[key], let existingKind = self[existingID]?.kind {
            switch (existingKind, kind) {
            case (.directory, .directory), (.file, .file): return .existed
            case (.directory, .file): return .conflict("'\(path)' is logged as a file but is a directory")
            case (.file, .directory): return .conflict("'\(path)' is logged as a directory but is a file")
            }
        }
        let id = Self.nodeID(logIndex: index)
        let slot = Int(id)
        if slot >= slots.count { slots.append(contentsOf: repeatElement(nil, count: slot + 1 - slots.count)) }
        slots[slot] = Node(id: id, parent: parentID, name: key, path: path, kind: kind, mode: mode & 0o7777, uid: uid, gid: gid)
        slots[Int(parentID)]!.children[key] = id
        if kind == .directory {
            slots[Int(parentID)]!.subdirectoryCount += 1
            directoryCount += 1
        } else {
            fileCount += 1
        }
        return .added
    }
}
