/// The fmap YAML of the reference's shadow files (`famfs_emit_file_yaml` in the original's
/// `src/famfs_yaml.c`; docs/FORMAT.md, "Shadow YAML"): what `user.famfs.fmap` returns and what
/// `famfs getmap` can print. Emitted byte-exact, the path
/// quoted as libyaml quotes it; parsed strictly (unknown file keys and count mismatches are
/// errors, as in the reference).
public enum FmapYAML {
    public static func emit(_ f: FileMeta) -> String {
        var s = "---\nfile:\n"
        // "  path:" leaves libyaml at column 7; a folded value continues at indent 4.
        s += "  path:" + YAMLScalarWriter.value(f.path, column: 7, indent: 4) + "\n"
        s += "  size: \(f.size)\n"
        s += "  flags: \(f.flags)\n"
        s += "  mode: 0\(String(f.mode, radix: 8))\n"
        s += "  uid: \(f.uid)\n"
        s += "  gid: \(f.gid)\n"
        s += "  nextents: \(f.fmap.storedExtentCount)\n"
        switch f.fmap {
        case .simple(let extents):
            s += "  simple_ext_list:\n"
            for e in extents { s += extent(e, indent: "  ") }
        case .interleaved(let ie):
            s += "  striped_ext_list:\n"
            s += "  - nstrips: \(ie.strips.count)\n"
            s += "    chunk_size: \(hex(ie.chunkSize))\n"
            s += "    simple_ext_list:\n"
            for e in ie.strips { s += extent(e, indent: "    ") }
        }
        return s + "...\n"
    }

    private static func extent(_ e: SimpleExtent, indent: String) -> String {
        "\(indent)- devindex: \(e.devIndex)\n\(indent)  offset: \(hex(e.offset))\n\(indent)  length: \(hex(e.length))\n"
    }

    private static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    // MARK: parsing

    public static func parse(_ text: String) throws(FormatError) -> FileMeta {
        var lines = MiniYAML.lines(text)
        guard let doc = try MiniYAML.document(&lines) else { throw .yaml(line: 0, reason: "no document") }
        guard case .map(let top) = doc.value, let fileNode = top.first(where: { $0.key == "file" }) else {
            throw .yaml(line: doc.line, reason: "no 'file' mapping")
        }
        guard case .map(let fields) = fileNode.node.value else {
            throw .yaml(line: fileNode.node.line, reason: "'file' is not a mapping")
        }
        var path: String?, size: UInt64?, flags: UInt64 = 0, mode: UInt64 = 0, uid: UInt64 = 0, gid: UInt64 = 0
        var nextents: UInt64?
        var fmap: Fmap?
        for field in fields {
            let n = field.node
            switch field.key {
            case "path": path = try n.scalar()
            case "size": size = try n.number()
            case "flags": flags = try n.number()
            case "mode": mode = try n.number()
            case "uid": uid = try n.number()
            case "gid": gid = try n.number()
            case "nextents": nextents = try n.number()
            case "simple_ext_list": fmap = .simple(try extents(n))
            case "striped_ext_list": fmap = try striped(n)
            default: throw .yaml(line: n.line, reason: "unknown key '\(field.key)' in file")
            }
        }
        guard let path, let size, let nextents, let fmap else {
            throw .yaml(line: fileNode.node.line, reason: "file needs path, size, nextents and an extent list")
        }
        guard nextents == UInt64(fmap.storedExtentCount) else {
            throw .yaml(line: fileNode.node.line, reason: "nextents \(nextents) but \(fmap.storedExtentCount) extents listed")
        }
        guard flags <= UInt32.max, mode <= UInt32.max, uid <= UInt32.max, gid <= UInt32.max else {
            throw .yaml(line: fileNode.node.line, reason: "flags, mode, uid or gid out of range")
        }
        return FileMeta(path: path, size: size, mode: UInt32(mode), uid: UInt32(uid), gid: UInt32(gid),
                        fmap: fmap, flags: UInt32(flags))
    }

    private static func extents(_ n: MiniYAML.Node) throws(FormatError) -> [SimpleExtent] {
        guard case .seq(let items) = n.value else { throw .yaml(line: n.line, reason: "extent list is not a sequence") }
        guard (1...Media.maxSimpleExtents).contains(items.count) else {
            throw .yaml(line: n.line, reason: "\(items.count) extents (1 to \(Media.maxSimpleExtents) allowed)")
        }
        var out: [SimpleExtent] = []
        for item in items {
            guard case .map(let kv) = item.value else { throw .yaml(line: item.line, reason: "extent is not a mapping") }
            var dev: UInt64 = 0, off: UInt64?, len: UInt64?
            for f in kv {
                switch f.key {
                case "devindex": dev = try f.node.number()
                case "offset": off = try f.node.number()
                case "length": len = try f.node.number()
                default: throw .yaml(line: f.node.line, reason: "unknown extent key '\(f.key)'")
                }
            }
            guard let off, let len else { throw .yaml(line: item.line, reason: "extent needs offset and length") }
            out.append(SimpleExtent(devIndex: dev, offset: off, length: len))
        }
        return out
    }

    private static func striped(_ n: MiniYAML.Node) throws(FormatError) -> Fmap {
        guard case .seq(let items) = n.value, items.count == 1, case .map(let kv) = items[0].value else {
            throw .yaml(line: n.line, reason: "striped_ext_list must hold exactly one striped extent")
        }
        var nstrips: UInt64?, chunk: UInt64?, strips: [SimpleExtent]?
        for f in kv {
            switch f.key {
            case "nstrips": nstrips = try f.node.number()
            case "chunk_size": chunk = try f.node.number()
            case "simple_ext_list": strips = try extents(f.node)
            default: throw .yaml(line: f.node.line, reason: "unknown striped extent key '\(f.key)'")
            }
        }
        guard let nstrips, let chunk, let strips else {
            throw .yaml(line: items[0].line, reason: "striped extent needs nstrips, chunk_size and simple_ext_list")
        }
        guard nstrips == UInt64(strips.count) else {
            throw .yaml(line: items[0].line, reason: "nstrips \(nstrips) but \(strips.count) strips listed")
        }
        return .interleaved(InterleavedExtent(chunkSize: chunk, strips: strips))
    }
}
