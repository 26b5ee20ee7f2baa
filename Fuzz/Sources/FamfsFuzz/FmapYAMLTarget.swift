import FamfsCore
import FamfsFormat

/// The fmap YAML parser (what `libfamfsmap` and the CLI read from `user.famfs.fmap`) and the
/// `.alloc.cfg` reader that shares it. Whatever parses must emit YAML that parses back to the
/// same file, and emitting again must give the same bytes.
enum FmapYAMLTarget {
    static let target = FuzzTarget(name: "fmap-yaml") { data in
        let text = String(decoding: data, as: UTF8.self)
        if let meta = try? FmapYAML.parse(text) {
            let yaml = FmapYAML.emit(meta)
            let back = try? FmapYAML.parse(yaml)
            invariant(back == meta, "emit → parse changed the file: \(yaml.debugDescription)")
            if let back { invariant(FmapYAML.emit(back) == yaml, "emit is not stable") }
        }
        _ = try? InterleaveParameters.parseConfig(text)
    }
}
