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

    public private(set) var nodes: [UInt64: Node]

    public init() {
        nodes = [Self.rootID: Node(id: Self.rootID, parent: Self.rootID, name: "", path: "", kind: .directory,
                                   mode: 0o755, uid: 0, gid: 0)]
    }

    mutating func reserve(_ more: Int) {
        if nodes.capacity < nodes.count + more { nodes.reserveCapacity(nodes.count + more) }
    }

    public static func nodeID(logIndex: UInt64) -> UInt64 { logIndex + firstLogNodeID }

    public var root: Node { nodes[Self.rootID]! }
    public var fileCount: Int { nodes.values.count { !$0.isDirectory } }
    public var directoryCount: Int { nodes.count - 1 - fileCount }

    public subscript(id: UInt64) -> Node? { nodes[id] }

    public func child(of parent: UInt64, named name: String) -> Node? {
        nodes[parent]?.children[name].flatMap { nodes[$0] }
    }

    /// The node at a relative path ("" or "." is the root); nil if any component is missing.
    public func lookup(_ path: String) -> Node? {
        lookupID(path.split(separator: "/")).flatMap { nodes[$0] }
    }

    func lookupID<S: Sequence>(_ parts: S) -> UInt64? where S.Element: StringProtocol {
        var id = Self.rootID
        for part in parts where part != "." {
            guard let next = nodes[id]?.children[String(part)] else { return nil }
            id = next
        }
        return id
    }

    /// Children of a directory in log order (the order they were created).
    public func children(of id: UInt64) -> [Node] {
        guard let dir = nodes[id] else { return [] }
        return dir.children.values.sorted().compactMap { nodes[$0] }
    }

    public enum Insertion: Equatable { case added, existed, conflict(String) }

    /// Adds a node for log entry `index` at `path` (already checked by `LogPath`).
    mutating func insert(path: String, index: UInt64, kind: Kind, mode: UInt32, uid: UInt32, gid: UInt32) -> Insertion {
        let parts = path.split(separator: "/").map(String.init)
        guard let name = parts.last else { return .conflict("empty path") }
        // Work with ids only: holding a copy of the parent node would share its children
        // dictionary and turn the insertion below into a full copy (quadratic replay).
        guard let parentID = lookupID(parts.dropLast()) else {
            return .conflict("parent directory of '\(path)' does not exist")
        }
        guard nodes[parentID]?.isDirectory == true else { return .conflict("parent of '\(path)' is a file") }
        if let existingID = nodes[parentID]?.children[name], let existingKind = nodes[existingID]?.kind {
            switch (existingKind, kind) {
            case (.directory, .directory), (.file, .file): return .existed
            case (.directory, .file): return .conflict("'\(path)' is logged as a file but is a directory")
            case (.file, .directory): return .conflict("'\(path)' is logged as a directory but is a file")
            }
        }
        let id = Self.nodeID(logIndex: index)
        nodes[id] = Node(id: id, parent: parentID, name: name, path: path, kind: kind, mode: mode & 0o7777, uid: uid, gid: gid)
        nodes[parentID]?.children[name] = id
        if kind == .directory { nodes[parentID]?.subdirectoryCount += 1 }
        return .added
    }
}
