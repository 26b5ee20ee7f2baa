#if canImport(Glibc)
import Glibc
#endif
import FamfsCommandLine
import FamfsQueue
import Synchronization
import SystemSupport

/// `pcq`: the original's producer/consumer queue test over famfs files, with its command line,
/// messages, status file and exit codes (see PcqSpec for the differences).
func usage() -> String { HelpText.render(PcqOptions.spec) }

func refuse(_ f: PcqFailure) -> Never {
    Out.err(f.message)
    if f.showsUsage { Out.line(usage()) }
    Out.exitNow(f.status)
}

/// Everything runs in a function: the top-level form of this code crashes the release
/// compiler (Swift 6.3, CopyPropagation on `Pcq_main`).
func pcqMain() -> Never {
    installSignalHandlers()
    let invocation = Program(PcqOptions.spec).invocation(CommandLine.arguments)
    if let status = Terminal.finish(invocation) { exit(status) }
    guard case .run(_, let args) = invocation else { exit(1) }
    let status: Int32
    do {
        status = try run(PcqRequest(args, program: CommandLine.arguments.first ?? "pcq"))
    } catch {
        refuse(error)
    }
    Out.flush()
    exit(status)
}

pcqMain()

/// What the command line asks for, after the original's consistency checks (same order, same
/// messages).
struct PcqRequest {
    enum Permission: String { case producer = "p", consumer = "c", both = "b", neither = "n" }

    var create = false, producer = false, consumer = false, info = false, drain = false, flushes = true
    var bucketSize: UInt64 = 0, nbuckets: UInt64 = 0, nmessages: UInt64 = 0, runtime: UInt64 = 0
    var seed: UInt64 = 0, statusInterval: UInt64 = 0
    var uid: UInt32?, gid: UInt32?
    var permission: Permission?
    var statusFile: String?
    var verbose = 0
    var queue = ""

    init(_ a: ParsedArguments, program: String) throws(PcqFailure) {
        typealias O = PcqOptions
        func number(_ option: OptionSpec, size: Bool) throws(PcqFailure) -> UInt64? {
            guard let s = a.value(option) else { return nil }
            guard let v = Numbers.parse(s, sizeSuffix: size) else {
                throw PcqFailure(message: "\(program): --\(option.long ?? "") '\(s)' is not a number", status: 1, showsUsage: true)
            }
            return v
        }
        // The original prints these as it parses them.
        for (key, value) in a.occurrences {
            if key == O.bsize.key, let v = value.flatMap({ Numbers.parse($0, sizeSuffix: true) }) { Out.line("bucket_size=\(v)") }
            if key == O.nbuckets.key, let v = value.flatMap({ Numbers.parse($0, sizeSuffix: true) }) { Out.line("nbuckets=\(v)") }
        }
        create = a.flag(O.create)
        producer = a.flag(O.producer)
        consumer = a.flag(O.consumer)
        info = a.flag(O.info)
        drain = a.flag(O.drain)
        flushes = !a.flag(O.dontflush)
        verbose = a.count(O.verbose)
        bucketSize = try number(O.bsize, size: true) ?? 0
        nbuckets = try number(O.nbuckets, size: true) ?? 0
        nmessages = try number(O.nmessages, size: true) ?? 0
        runtime = try number(O.time, size: false) ?? 0
        seed = try number(O.seed, size: false) ?? 0
        statusInterval = try number(O.status, size: false) ?? 0
        func id(_ option: OptionSpec) throws(PcqFailure) -> UInt32? {
            guard let v = try number(option, size: false) else { return nil }
            guard v <= UInt64(UInt32.max) else { throw PcqFailure(message: "\(program): --\(option.long ?? "") \(v) is too large", status: 1) }
            return v == 0 ? nil : UInt32(v)
        }
        uid = try id(O.uid)
        gid = try id(O.gid)
        statusFile = a.value(O.statusfile)
        if let p = a.value(O.setperm) {
            guard let perm = Permission(rawValue: p) else {
                throw PcqFailure(message: "main: invalid --setperm arg (\(p))", status: 1, showsUsage: true)
            }
            permission = perm
        }

        if info && (create || producer || consumer || drain) {
            throw PcqFailure(message: "\(program): info not compatible with operating on a pcq\n", status: 1, showsUsage: true)
        }
        if create && (bucketSize == 0 || nbuckets == 0) {
            throw PcqFailure(message: "\(program): create requires bsize and nbuckets\n", status: 1, showsUsage: true)
        }
        if !create && (uid != nil || gid != nil) {
            throw PcqFailure(message: "main: uid/gid only apply with --create", status: 1, showsUsage: true)
        }
        if drain && (producer || nmessages != 0 || runtime != 0) {
            throw PcqFailure(message: "\(program): drain can't be used with producer, time or nmessages options\n",
                             status: 1, showsUsage: true)
        }
        if runtime != 0 && nmessages != 0 {
            throw PcqFailure(message: "main: the --nmessages and --time args cannot be used together\n", status: 1, showsUsage: true)
        }
        guard let q = a.positionals.first else { throw PcqFailure(message: "Must specify base filename\n", status: 1) }
        queue = q
        if permission != nil && (create || producer || consumer || drain) {
            throw PcqFailure(message: "--setperm is incompatible with --create|--drain|--producer|--consumer", status: 1, showsUsage: true)
        }
    }
}

func run(_ o: PcqRequest) throws(PcqFailure) -> Int32 {
    let statusFile = try StatusFile(o.statusFile)
    if let perm = o.permission { return setPermissions(o.queue, perm) }
    if o.create { return createQueue(o) }
    if o.info { return queueInfo(o, statusFile) }
    if o.drain { return drainQueue(o, statusFile) }
    return runWorkers(o, statusFile)
}

func setPermissions(_ queue: String, _ perm: PcqRequest.Permission) -> Int32 {
    var st = stat()
    guard stat(queue, &st) == 0 else { Out.err("Queue file \(queue) not found"); return 1 }
    let modes: (mode_t, mode_t)
    switch perm {
    case .producer: modes = (0o644, 0o444)
    case .consumer: modes = (0o444, 0o644)
    case .both: modes = (0o644, 0o644)
    case .neither: modes = (0o444, 0o444)
    }
    for (file, mode) in [(queue, modes.0), (queue + QueueLayout.consumerSuffix, modes.1)] where chmod(file, mode) != 0 {
        Out.err("pcq_set_perm: chmod \(file): \(String(cString: strerror(errno)))")
        return 1
    }
    return 0
}

func createQueue(_ o: PcqRequest) -> Int32 {
    let consumer = o.queue + QueueLayout.consumerSuffix
    if o.verbose > 0 { Out.line("pcq_create: creating queue  \(o.queue) / \(consumer)") }
    do {
        try FamfsQueue.create(path: o.queue, nbuckets: o.nbuckets, bucketSize: o.bucketSize,
                              uid: o.uid ?? geteuid(), gid: o.gid ?? getegid())
    } catch {
        Out.err("pcq_create: \(error)")
        return 1
    }
    if o.verbose > 0 {
        Out.line("pcq_create: sizeof(crc)=8")
        Out.line("pcq_create: bucket_size=\(o.bucketSize)")
        Out.line("pcq_create: payload_size=\(o.bucketSize - 16)")
    }
    Out.line("pcq_create: Created queue \(o.queue)")
    return 0
}

func queueInfo(_ o: PcqRequest, _ statusFile: StatusFile) -> Int32 {
    let w = Worker(path: o.queue, stop: .empty, seed: 0, verbose: o.verbose, flushes: o.flushes)
    guard let q = w.open(.observer) else { statusFile.write(-1); return 1 }
    do {
        let s = try q.status()
        Out.line("get_queue_info: queue \(o.queue) contains \(s.messages) messages p next_seq \(s.producerNextSeq) c next_seq \(s.consumerNextSeq)")
        statusFile.write(Int64(s.messages))
        return 0
    } catch {
        Out.err("get_queue_info: \(error)")
        statusFile.write(-1)
        return 1
    }
}

func drainQueue(_ o: PcqRequest, _ statusFile: StatusFile) -> Int32 {
    let w = Worker(path: o.queue, stop: .empty, seed: o.seed, verbose: o.verbose, flushes: o.flushes)
    Out.line("pcq:    \(o.queue)")
    let opened = w.consume()
    let c = w.counters
    Out.line("pcq drain: nreceived=\(c?.received ?? 0) nerrors=\(w.nerrors) nempty=\(c?.empty ?? 0) retries=\(c?.retries ?? 0)")
    if w.nerrors > 0 {
        statusFile.write(-Int64(w.nerrors))
        return w.fatal.load(ordering: .relaxed) ? 255 : Numbers.exitValue(Int64(w.nerrors))
    }
    if !opened { return 1 }
    if o.statusFile != nil {
        Out.line("pcq: drained \(c?.received ?? 0) messages from queue \(o.queue), with no errors")
        statusFile.write(Int64(c?.received ?? 0))
    }
    return 0
}

func runWorkers(_ o: PcqRequest, _ statusFile: StatusFile) -> Int32 {
    // --time is bounded (ten years) so the deadline cannot overflow.
    let stop: Worker.Stop = o.runtime > 0 ? .deadline(.now + .seconds(Int64(min(o.runtime, 315_360_000)))) : .messages(o.nmessages)
    let producer = o.producer ? Worker(path: o.queue, stop: stop, seed: o.seed, verbose: o.verbose, flushes: o.flushes) : nil
    let consumer = o.consumer ? Worker(path: o.queue, stop: stop, seed: o.seed, verbose: o.verbose, flushes: o.flushes) : nil
    var threads: [JoinableThread] = []
    if let producer {
        threads.append(JoinableThread {
            if !producer.produce() { Out.err("pcq_worker: producer failed (-1)"); Out.exitNow(1) }
        })
    }
    if let consumer {
        threads.append(JoinableThread {
            if !consumer.consume() { Out.err("pcq_worker: consumer failed (-1)"); Out.exitNow(1) }
        })
    }
    let statusDone = StopSignal()
    var status: JoinableThread?
    if o.statusInterval > 0 {
        let interval = Double(o.statusInterval), queue = o.queue
        status = JoinableThread { statusLoop(path: queue, interval: interval, producer: producer, consumer: consumer, done: statusDone) }
    }
    for t in threads { t.join() }
    statusDone.stop()
    status?.join()

    let p = producer?.counters, c = consumer?.counters
    Out.line("pcq:    \(o.queue)")
    Out.line("pcq producer: nsent=\(p?.sent ?? 0) nerrors=\(producer?.nerrors ?? 0) nfull=\(p?.full ?? 0)")
    Out.line("pcq consumer: nreceived=\(c?.received ?? 0) nerrors=\(consumer?.nerrors ?? 0) nempty=\(c?.empty ?? 0) retries=\(c?.retries ?? 0)")
    let errors = (producer?.nerrors ?? 0) + (consumer?.nerrors ?? 0)
    let fatal = (producer?.fatal.load(ordering: .relaxed) ?? false) || (consumer?.fatal.load(ordering: .relaxed) ?? false)
    if errors > 0 {
        statusFile.write(-Int64(errors))
        return fatal ? 255 : Numbers.exitValue(Int64(errors))
    }
    statusFile.write(Int64((p?.sent ?? 0) + (c?.received ?? 0)))
    let signal = stoppingSignal.load(ordering: .relaxed)
    return signal != 0 ? 128 + signal : 0
}
