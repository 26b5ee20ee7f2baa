import FamfsCommandLine

/// `pcq`'s command line: the original's options (getopt string "+b:s:S:n:N:f:t:s:u:g:CdpcwDiPh?v"
/// plus its long names). `-P` takes its value here (the original's string lacks the ':' and
/// crashes on `-P p`).
enum PcqOptions {
    static let create = OptionSpec.flag("C", "create", help: "Create a producer/consumer queue.")
    static let bsize = OptionSpec.value("b", "bsize", "bucketsize",
                                        help: "Size of messages including sequence number and crc (a power of 2; k/m/g suffixes).")
    static let nbuckets = OptionSpec.value("n", "nbuckets", "nbuckets", help: "Number of buckets in the queue (k/m/g suffixes).")
    static let uid = OptionSpec.value("u", "uid", "uid", help: "Owner of the queue's files (with --create).")
    static let gid = OptionSpec.value("g", "gid", "gid", help: "Group of the queue's files (with --create).")
    static let setperm = OptionSpec.value("P", "setperm", "p|c|b|n",
                                          help: "Make this host the (p)roducer, (c)onsumer, (b)oth or (n)either: chmod the two files 0644/0444. Run it alone.")
    static let nmessages = OptionSpec.value("N", "nmessages", "n", help: "Number of messages to send and/or receive (k/m/g suffixes).")
    static let time = OptionSpec.value("t", "time", "seconds", help: "Run for this many seconds.")
    static let seed = OptionSpec.value("S", "seed", "seed", help: "Fill every payload from this seed (the consumer checks it).")
    static let producer = OptionSpec.flag("p", "producer", help: "Run the producer.")
    static let consumer = OptionSpec.flag("c", "consumer", help: "Run the consumer (with -p: two threads in this process).")
    static let status = OptionSpec.value("s", "status", "interval", help: "Print a status line every interval seconds.")
    static let info = OptionSpec.flag("i", "info", help: "Print the state of a queue (maps both files read-only).")
    static let drain = OptionSpec.flag("d", "drain", help: "Consume until the queue is empty, then exit.")
    static let dontflush = OptionSpec.flag("D", "dontflush", help: "Do not issue processor cache flushes and invalidates.")
    static let statusfile = OptionSpec.value("f", "statusfile", "file",
                                             help: "Write the sum of messages sent and received (or minus the error count) to file.")
    static let verbose = OptionSpec.flag("v", nil, help: "Verbose (twice: more).")
    static let wait = OptionSpec.flag("w", nil, help: "Accepted and ignored, as by the original.", hidden: true)

    static let spec = CommandSpec(
        name: "pcq",
        abstract: "Run a producer/consumer queue test.",
        discussion: """
            A producer/consumer queue is a pair of famfs files: <queue> holds the producer index and the \
            buckets, <queue>.consumer the consumer index. The producer maps its file writable and the consumer \
            file read-only; the consumer does the opposite. Run one producer on one host and one consumer on \
            another (or both in one process with -pc). Every message carries a sequence number and a CRC, \
            which the consumer checks. Examples: pcq --create --bsize 1024 --nbuckets 4K /mnt/famfs/q; \
            pcq --producer -N 1000 /mnt/famfs/q; pcq --consumer -N 1000 /mnt/famfs/q; pcq --info /mnt/famfs/q; \
            pcq --drain /mnt/famfs/q. Exit status: 0, the number of errors (at most 127), 1 for a usage or \
            setup error, 255 when a message fails its CRC or sequence check.
            """,
        options: [create, bsize, nbuckets, uid, gid, setperm, nmessages, time, seed, producer, consumer, status,
                  info, drain, dontflush, statusfile, verbose, wait],
        positionals: [PositionalSpec("queue", help: "The queue's (producer) file in a famfs mount.", arity: .optional)],
        helpShorts: ["h", "?"])
}
