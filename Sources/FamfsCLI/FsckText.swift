import FamfsCore
import FamfsFormat

/// fsck's report as the original prints it (see the reference images' `*.fsck.txt` in
/// Tests/Fixtures): scripts parse the `Free space:` and `Device capacity:` rows with
/// `awk '{print $3}'`, so the layout is kept to the space.
enum FsckText {
    static func render(_ r: FsckReport, human: Bool, verbose: Bool) -> String {
        let sb = r.superblock
        var s = "Famfs Superblock:\n"
        s += "  Filesystem UUID:   \(sb.fsUUID)\n"
        s += "  Device UUID:       \(sb.deviceUUID)\n"
        s += "  System UUID:       \(sb.systemUUID)\n"
        s += "  role of this node: \(r.role.fsckName)\n"
        s += "  alloc_unit:        0x\(String(sb.allocationUnit, radix: 16))\n"
        s += "  OMF major version: \(sb.omfMajor)\n"
        s += "  OMF minor version: \(sb.omfMinor)\n"
        s += "  sizeof superblock: \(Media.superblockSize)\n"
        s += "  log size (bytes):  \(sb.logLength)\n"
        s += "  primary: \(sb.daxdevNameString)   \(sb.deviceSize)\n"
        s += "\nLog stats:\n"
        s += "  # of log entries in use: \(r.logEntriesUsed) of \(r.logSlots)\n"
        s += "  Log size in use:          \(r.logBytesInUse)\n"
        s += "  Log size (total bytes)    \(r.logLength)\n"
        if r.collisions > 0 {
            s += "ERROR: \(r.collisions) ALLOCATION COLLISIONS FOUND\n"
        } else {
            s += "  No allocation errors found\n"
        }
        s += "\nCapacity:\n"
        func size(_ v: UInt64) -> String { human ? fixed(Double(v) / Double(1 << 30), digits: 2) + "G" : "\(v)" }
        s += "  Device capacity:        \(size(r.deviceCapacity))\n"
        s += "  Bitmap capacity:        \(size(r.bitmapCapacity))\n"
        s += "  Sum of file sizes:      \(size(r.sumOfFileSizes))\n"
        s += human ? "  Allocated space:        \(size(r.allocatedBytes))\n" : "  Allocated bytes:        \(size(r.allocatedBytes))\n"
        s += "  Free space:             \(size(r.freeBytes))\n"
        s += "  Space amplification:     \(r.sumOfFileSizes == 0 ? "inf" : fixed(r.spaceAmplification, digits: 2))\n"
        s += "  Percent used:            \(fixed(r.percentUsed, digits: 1))%\n"
        if !r.buckets.isEmpty {
            s += "\nStripe bucket info:\n"
            for b in r.buckets {
                s += "  Bucket \(b.index): offset 0x\(String(b.offset, radix: 16))\n"
                s += "    Size:            \(size(b.size))\n"
                s += "    In use:          \(size(b.inUse))\n"
                s += "    Free:            \(size(b.free))\n"
                s += "    Free fragments:  \(b.freeFragments)\n"
                s += "    Largest frag:    \(size(b.largestFragment))\n"
                s += "    Smallest frag:   \(size(b.smallestFragment))\n"
            }
        }
        s += "\nFamfs log:\n"
        s += "  \(r.logEntriesUsed) of \(r.logSlots) entries used\n"
        s += "  \(r.badEntries) bad log entries detected\n"
        s += "  \(r.files) files\n"
        s += "  \(r.directories) directories\n"
        if verbose {
            s += "\nVerbose:\n"
            // The original's -v prints these two first; scripts grep for them.
            s += "  log_offset:        \(r.superblock.logOffset)\n"
            s += "  log_len:           \(r.superblock.logLength)\n"
            s += "  log header size:        \(Media.logHeaderSize)\n"
            s += "  log entry size:         \(Media.logEntrySize)\n"
            s += "  mkdir entry size:       92\n"
            s += "  file_meta size:         520\n"
            s += "  fmap size:              \(Fmap.size)\n"
            s += "  interleaved_ext size:   \(InterleavedExtent.size)\n"
            s += "  simple_ext size:        \(SimpleExtent.size)\n"
            s += "  last_log_index:         \(r.logSlots - 1)\n"
            for p in r.problems { s += "  \(p)\n" }
        }
        return s
    }

    /// `--json`: the numbers of the text report, keys in this order (README "JSON output").
    static func json(_ r: FsckReport) -> String {
        var o: [(String, JSONValue)] = [
            ("device", .string(r.devicePath)), ("fs_uuid", .string(r.superblock.fsUUID.description)),
            ("device_uuid", .string(r.superblock.deviceUUID.description)), ("system_uuid", .string(r.superblock.systemUUID.description)),
            ("role", .string(r.role.rawValue)), ("version", .number(r.superblock.version)), ("log_length", .number(r.logLength)),
            ("log_entries_used", .number(r.logEntriesUsed)), ("log_slots", .number(r.logSlots)), ("collisions", .number(r.collisions)),
            ("bad_entries", .number(r.badEntries)), ("files", .number(r.files)), ("directories", .number(r.directories)),
            ("sum_of_file_sizes", .number(r.sumOfFileSizes)), ("allocated_bytes", .number(r.allocatedBytes)),
            ("free_bytes", .number(r.freeBytes)), ("device_capacity", .number(r.deviceCapacity)), ("bitmap_capacity", .number(r.bitmapCapacity)),
            ("problems", .array(r.problems.map { .string($0) })),
        ]
        if !r.buckets.isEmpty {
            o.append(("buckets", .array(r.buckets.map {
                .object([("index", .number($0.index)), ("offset", .number($0.offset)), ("size", .number($0.size)),
                         ("in_use", .number($0.inUse)), ("free", .number($0.free)), ("free_fragments", .number($0.freeFragments)),
                         ("largest_fragment", .number($0.largestFragment)), ("smallest_fragment", .number($0.smallestFragment))])
            })))
        }
        return JSONValue.object(o).pretty
    }
}
