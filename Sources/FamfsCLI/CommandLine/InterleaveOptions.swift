import FamfsCommandLine
import FamfsCore
import FamfsFormat

/// `-N/--nstrips`, `-B/--nbuckets`, `-C/--chunksize` (creat and cp). Any of them → interleaved,
/// with the 2 MiB chunk default. With none, the host's default policy applies: the reference's
/// `.alloc.cfg` keys in `$FAMFS_ALLOC_CFG`, else `/etc/famfs/alloc.cfg`, else contiguous.
struct InterleaveOptions {
    static let defaultConfigPath = "/etc/famfs/alloc.cfg"

    static let nstripsOption = OptionSpec.value("N", "nstrips", "n", help: "Strips per interleaved file.")
    static let nbucketsOption = OptionSpec.value("B", "nbuckets", "n", help: "Buckets the device is divided into.")
    static let chunksizeOption = OptionSpec.value("C", "chunksize", "size", help: "Interleave chunk size (k/m/g; default 2m).")
    static let options = [nstripsOption, nbucketsOption, chunksizeOption]

    var nstrips: String?
    var nbuckets: String?
    var chunksize: String?

    init(_ a: ParsedArguments) {
        nstrips = a.value(Self.nstripsOption)
        nbuckets = a.value(Self.nbucketsOption)
        chunksize = a.value(Self.chunksizeOption)
    }

    func parameters(command: String) throws -> InterleaveParameters {
        guard nstrips != nil || nbuckets != nil || chunksize != nil else { return try Self.configuredDefault(command: command) }
        var p = InterleaveParameters(nbuckets: 0, nstrips: 0, chunkSize: InterleaveParameters.defaultChunkSize)
        if let nstrips { p.nstrips = try parseSizeArgument(nstrips, option: "-N") }
        if let nbuckets { p.nbuckets = try parseSizeArgument(nbuckets, option: "-B") }
        if let chunksize { p.chunkSize = try parseSizeArgument(chunksize, option: "-C") }
        if p.nstrips > UInt64(Media.maxStrips) {
            Output.err("famfs \(command) error: nstrips(\(p.nstrips)) > \(Media.maxStrips) ")
            throw ExitCode(1)
        }
        return p
    }

    /// The host's default policy. A config file that exists but is not valid is an error:
    /// silently allocating otherwise than the administrator asked would be worse.
    static func configuredDefault(command: String) throws -> InterleaveParameters {
        let path = environmentValue("FAMFS_ALLOC_CFG") ?? defaultConfigPath
        guard let text = Files.text(path) else { return .contiguous }
        do {
            return try InterleaveParameters.parseConfig(text)
        } catch {
            Output.err("famfs \(command): \(path): \(error)")
            throw ExitCode(1)
        }
    }
}
