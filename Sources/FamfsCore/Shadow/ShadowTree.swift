#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import FamfsMemory
import SystemPackage

/// The reference's shadow tree: the namespace of a famfs written out as ordinary files, one
/// fmap YAML file per famfs file and a real directory per famfs directory, under `<shadow>/root`
/// (the original's FUSE daemon serves its files from such a tree; `famfs logplay --shadow` writes
/// one). Our daemon serves from the log itself, so the tree is an export: for tools and scripts
/// written for the original, and a readable dump of every map.
///
/// It is written from the log entries in order, as the reference does, so that duplicates and
/// conflicts count the way its scripts expect (a second FILE for the same path "existed"); an
/// entry the replay rules refuse (bad CRC or sequence number, a path that could escape the tree,
/// an extent at offset 0) is an error that is counted and skipped, never written.
public struct ShadowTree {
    public struct Report: Sendable, Equatable {
        public var entries: UInt64 = 0
        public var filesCreated: UInt64 = 0
        public var filesExisted: UInt64 = 0
        public var directoriesCreated: UInt64 = 0
        public var directoriesExisted: UInt64 = 0
        public var fileErrors: UInt64 = 0
        public var directoryErrors: UInt64 = 0
        public var badEntries: UInt64 = 0
        public var yamlChecked: UInt64 = 0
        public var yamlErrors: UInt64 = 0
        /// One line per problem, naming the path or log index.
        public var problems: [String] = []

        public var errorCount: UInt64 { badEntries + fileErrors + directoryErrors + yamlErrors }
    }

    /// `<shadow>/root`, where the namespace starts.
    public let root: String
    public let dryRun: Bool
    /// Re-read every YAML file written or found and check it parses back to the log's entry.
    public let checkYAML: Bool
    /// Called with each file's YAML before it is written (the reference prints it with -v).
    public var onFile: ((String) -> Void)?

    /// Prepares `shadow` as the reference does: a missing shadow directory is created when its
    /// parent exists; an existing one must be a directory; `root` below it is created if missing.
    public init(shadow: String, dryRun: Bool = false, checkYAML: Bool = false) throws(CoreError) {
        var st = stat()
        if stat(shadow, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw .notDirectory(path: shadow) }
        } else {
            let parent = Self.parent(of: shadow)
            var pst = stat()
            guard stat(parent, &pst) == 0, pst.st_mode & S_IFMT == S_IFDIR else {
                throw .invalidArgument("\(shadow): invalid shadow path (its parent \(parent) is not a directory)")
            }
            if !dryRun { try Self.makeDirectory(shadow, mode: 0o755) }
        }
        root = shadow.hasSuffix("/root") ? shadow : (shadow.hasSuffix("/") ? shadow + "root" : shadow + "/root")
        self.dryRun = dryRun
        self.checkYAML = checkYAML
        if !dryRun {
            if stat(root, &st) != 0 { try Self.makeDirectory(root, mode: 0o755) }
            guard access(root, W_OK) == 0 else {
                throw .system(operation: "write shadow tree in", path: root, errno: .permissionDenied)
            }
        }
    }

    /// Writes the tree for every committed entry of `volume`'s log, and the `.meta` stubs.
    public func export(from volume: FamfsVolume) throws(CoreError) -> Report {
        var report = Report()
        let sb = volume.superblock
        let header = try volume.readHeader()
        writeMetaStubs(superblock: sb, role: volume.role, report: &report)
        let log = volume.device.bytes(sb.logOffset, Int(sb.logLength))
        if let base = log.baseAddress { CacheControl.invalidate(base, log.count) }
        var index: UInt64 = 0
        while index < header.nextIndex {
            let off = Media.entryOffset(index)
            guard off + Media.logEntrySize <= log.count else { break }
            let raw = UnsafeRawBufferPointer(rebasing: log[off..<off + Media.logEntrySize])
            defer { index += 1 }
            let entry: LogEntry
            do { entry = try LogEntry.decode(raw, index: index) } catch {
                report.badEntries += 1
                report.problems.append("log entry \(index): \(error)")
                continue
            }
            report.entries += 1
            switch entry.body {
            case .file(let f): writeFile(f, index: index, report: &report)
            case .mkdir(let d): writeDirectory(d, index: index, report: &report)
            default: break
            }
        }
        return report
    }

    // MARK: entries

    private func writeFile(_ f: FileMeta, index: UInt64, report: inout Report) {
        do { try LogPath.check(f.path) } catch {
            report.fileErrors += 1
            report.problems.append("log entry \(index): \(error) (ignored)")
            return
        }
        if f.fmap.extents.contains(where: { $0.offset == 0 }) {
            report.fileErrors += 1
            report.problems.append("log entry \(index): \(f.path) has an extent at offset 0 (ignored)")
            return
        }
        place(f, at: root + "/" + f.path, report: &report)
    }

    /// One YAML file: created if missing, counted as existing otherwise; checked when asked.
    private func place(_ f: FileMeta, at path: String, report: inout Report) {
        let yaml = FmapYAML.emit(f)
        onFile?(yaml)
        if dryRun { return }
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFREG else {
                report.fileErrors += 1
                report.problems.append("\(path): something other than a file is where the shadow file should be")
                return
            }
            report.filesExisted += 1
        } else {
            do { try Self.writeNew(path, yaml) } catch {
                report.fileErrors += 1
                report.problems.append("\(error)")
                return
            }
            report.filesCreated += 1
        }
        if checkYAML { check(f, at: path, report: &report) }
    }

    private func check(_ f: FileMeta, at path: String, report: inout Report) {
        report.yamlChecked += 1
        do {
            let back = try FmapYAML.parse(try Self.readSmall(path))
            if back != f {
                report.yamlErrors += 1
                report.fileErrors += 1
                report.problems.append("\(path): shadow yaml does not read back as the log entry")
            }
        } catch {
            report.yamlErrors += 1
            report.fileErrors += 1
            report.problems.append("\(path): \(error)")
        }
    }

    private func writeDirectory(_ d: DirectoryMeta, index: UInt64, report: inout Report) {
        do { try LogPath.check(d.path) } catch {
            report.directoryErrors += 1
            report.problems.append("log entry \(index): \(error) (ignored)")
            return
        }
        if dryRun { return }
        let path = root + "/" + d.path
        var st = stat()
        if stat(path, &st) == 0 {
            if st.st_mode & S_IFMT == S_IFDIR { report.directoriesExisted += 1; return }
            report.directoryErrors += 1
            report.problems.append("\(path): a file exists where a directory should be")
            return
        }
        do {
            try Self.makeDirectory(path, mode: d.mode & 0o7777)
            // As the reference: owner set only when both ids are non-zero.
            if d.uid != 0 && d.gid != 0 { _ = chown(path, d.uid, d.gid) }
            report.directoriesCreated += 1
        } catch {
            report.directoryErrors += 1
            report.problems.append("\(error)")
        }
    }

    /// `.meta/.superblock` and `.meta/.log` as the reference's mkmeta writes them into a shadow tree.
    private func writeMetaStubs(superblock sb: Superblock, role: Role, report: inout Report) {
        if dryRun { return }
        let meta = root + "/.meta"
        var st = stat()
        if stat(meta, &st) != 0 {
            do { try Self.makeDirectory(meta, mode: 0o755) } catch {
                report.fileErrors += 1
                report.problems.append("\(error)")
                return
            }
        }
        let stubs = [MetaFiles.superblock, MetaFiles.log(logLength: sb.logLength, mode: role == .master ? 0o644 : 0o444)]
        for stub in stubs where stat(root + "/" + stub.path, &st) != 0 {
            do { try Self.writeNew(root + "/" + stub.path, FmapYAML.emit(stub)) } catch {
                report.fileErrors += 1
                report.problems.append("\(error)")
            }
        }
    }

    // MARK: small file-system helpers

    static func parent(of path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    static func makeDirectory(_ path: String, mode: UInt32) throws(CoreError) {
        guard mkdir(path, mode_t(mode)) == 0 || errno == EEXIST else {
            throw .system(operation: "mkdir", path: path, errno: Errno(rawValue: errno))
        }
    }

    static func writeNew(_ path: String, _ text: String) throws(CoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system(operation: "create shadow file", path: path, errno: Errno(rawValue: errno)) }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .system(operation: "write shadow file", path: path, errno: Errno(rawValue: errno)) }
            done += n
        }
        bytes.removeAll()
    }

    /// Shadow files are a few hundred bytes; anything past 64 KiB is not one of ours.
    static func readSmall(_ path: String) throws(CoreError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system(operation: "open shadow file", path: path, errno: Errno(rawValue: errno)) }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 65536)
        var got = 0
        while got < buf.count {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .system(operation: "read shadow file", path: path, errno: Errno(rawValue: errno)) }
            if n == 0 { break }
            got += n
        }
        return String(decoding: buf[..<got], as: UTF8.self)
    }
}
