import CGetoptOracle
import FamfsCommandLine
import Glibc
import Synchronization
import Testing

/// `famfs creat` as the original declares it (`+s:S:m:u:g:rC:N:B:M:t:h?v` and its long options),
/// plus a long-only option as `mkfs.famfs --create` has.
let creat = CommandSpec(
    name: "creat", abstract: "Create files.",
    options: [
        .value("s", "size", "size", help: "File size."),
        .value("S", "seed", "seed", help: "Seed."),
        .flag("r", "randomize", help: "Randomize."),
        .value("m", "mode", "mode", help: "Mode."),
        .value("u", "uid", "uid", help: "Owner."),
        .value("g", "gid", "gid", help: "Group."),
        .flag("v", "verbose", help: "Verbose."),
        .value("M", "multi", "file,size", help: "Several.", repeatable: true),
        .value("t", "threadct", "n", help: "Threads."),
        .value("C", "chunksize", "size", help: "Chunk."),
        .value("N", "nstrips", "n", help: "Strips."),
        .value("B", "nbuckets", "n", help: "Buckets."),
        .value(nil, "create", "size", help: "Long only."),
    ],
    positionals: [PositionalSpec("file", help: "The file.", arity: .optional)])

/// The same options taking any number of arguments: glibc leaves extra arguments to the program,
/// ours refuses more than a spec declares (checked on its own below).
let creatAnyArguments: CommandSpec = {
    var s = creat
    s.positionals = [PositionalSpec("file", help: "The files.", arity: .repeating(minimum: 0))]
    return s
}()

/// What our parser makes of `args`, in the oracle's notation.
func ours(_ spec: CommandSpec, _ args: [String]) -> String {
    do {
        switch try Getopt.parse(spec, args, program: "famfs") {
        case .help, .version: return "HELP\n"
        case .arguments(let p):
            var s = ""
            for (key, value) in p.occurrences {
                let option = spec.options.first { $0.key == key }
                s += option?.short.map { String($0) } ?? key
                if let value { s += "=" + value }
                s += "\n"
            }
            return s + "--\n" + p.positionals.map { $0 + "\n" }.joined()
        }
    } catch {
        return "ERROR\n"
    }
}

/// What glibc's getopt_long makes of `args` with the optstring and long options `spec` implies.
func glibc(_ spec: CommandSpec, _ args: [String]) -> String {
    var optstring = spec.permutes ? "" : "+"
    for o in spec.options {
        if let s = o.short { optstring += String(s) + (o.takesValue ? ":" : "") }
    }
    optstring += "h?"
    var names = spec.options.compactMap { $0.long } + ["help"]
    var hasArg = spec.options.compactMap { o in o.long.map { _ in o.takesValue ? Int32(1) : 0 } } + [0]
    var vals = spec.options.enumerated().compactMap { i, o in
        o.long.map { _ in o.short.map { Int32($0.value) } ?? Int32(256 + i) }
    } + [Int32(UInt8(ascii: "h"))]
    // Long-only values index the option table the oracle builds (names in order).
    var longIndex = 0
    for (i, o) in spec.options.enumerated() where o.long != nil {
        if o.short == nil { vals[longIndex] = Int32(256 + longIndex) }
        _ = i
        longIndex += 1
    }
    let argv = (["famfs"] + args).map { strdup($0) }
    defer { argv.forEach { free($0) } }
    var cArgv = argv + [nil]
    var cNames = names.map { UnsafePointer(strdup($0)) }
    defer { cNames.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
    var out = [CChar](repeating: 0, count: 1 << 16)
    // glibc's getopt_long keeps its state in globals (optind, optarg, its internal position):
    // parameterized cases run concurrently, so calls into the oracle take turns.
    let rc = glibcGetoptLock.withLock { _ in cNames.withUnsafeMutableBufferPointer { namesBuf in
        namesBuf.withMemoryRebound(to: UnsafePointer<CChar>?.self) { n in
            getopt_oracle(Int32(args.count + 1), &cArgv, optstring, n.baseAddress, &hasArg, &vals, Int32(names.count),
                          &out, out.count)
        }
    } }
    names.removeAll()
    #expect(rc == 0)
    return String(cString: out)
}

/// Serialises calls into glibc's getopt_long (global state).
let glibcGetoptLock = Mutex<Void>(())

@Suite("getopt_long semantics, checked against glibc")
struct GetoptTests {
    @Test("the original's option forms", arguments: [
        ["-s4k", "f"], ["-s", "4k", "f"], ["--size=4k", "f"], ["--size", "4k", "f"],
        ["-t0", "-M", "a,1k"], ["-rvS3", "f"], ["-rv", "-S", "3", "f"], ["-vvv", "f"],
        ["-S", "-s", "10", "f"],           // -S takes "-s" as its value, as getopt does
        ["-t", "-1", "--multi", "x,4k"],   // a value may start with '-'
        ["--thread", "4", "f"],            // a unique prefix of a long name
        ["--rand", "f"], ["--create=4g", "dev"], ["--create", "4g", "dev"],
        ["f", "-s", "4k"],                 // options end at the first argument ('+')
        ["--", "-s", "4k"], ["-", "-s"], ["-s", "4k", "--", "--", "x"],
        ["-x", "f"], ["--bogus", "f"], ["-s"], ["--size"], ["--verbose=1", "f"],
        ["--n", "3"],                      // ambiguous: --nstrips or --nbuckets
        ["-h"], ["--help"], ["--he"], ["-vh"], ["-s4k", "-h", "-x"], ["-x", "-h"],
        ["-M", "a,1", "-M", "b,2", "--multi=c,3"], ["-m0600", "-u", "0", "-g0x10", "f"],
        [], ["--"], ["-C2m", "-N4", "-B", "8", "f", "g"],
    ])
    func sameAsGlibc(_ args: [String]) {
        #expect(ours(creatAnyArguments, args) == glibc(creatAnyArguments, args), "\(args)")
    }

    @Test("-? asks for help (getopt returns '?' for it as for an error; the original prints usage for both)")
    func questionMark() throws {
        #expect(try Getopt.parse(creat, ["-?"], program: "famfs") == .help)
        #expect(try Getopt.parse(creat, ["-v?"], program: "famfs") == .help)
    }

    @Test("more arguments than the spec takes: one message naming the first extra one, status 1")
    func extraArguments() {
        #expect(ours(creat, ["a", "b"]) == "ERROR\n")
        #expect(ours(creat, ["-s1", "--", "a"]) == "s=1\n--\na\n")
    }

    @Test("random command lines parse as glibc parses them")
    func randomAgreement() {
        let pieces = ["-s", "4k", "-s4k", "-r", "-v", "-rv", "-vr", "-S", "7", "-S7", "--size", "--size=1m", "--seed",
                      "--rand", "--randomize", "--verb", "--multi", "a,1k", "-M", "-Mb,2", "--", "-", "file", "x",
                      "--create", "--cr=2", "-t", "-1", "-tx", "--n", "--nb", "--ns=3", "-N", "-q", "--zz", "-C", "-"]
        var g = SystemRandomNumberGenerator()
        var disagreements: [[String]] = []
        for _ in 0..<3000 {
            let n = Int.random(in: 0...6, using: &g)
            let args = (0..<n).map { _ in pieces.randomElement(using: &g) ?? "x" }
            if ours(creatAnyArguments, args) != glibc(creatAnyArguments, args) { disagreements.append(args) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("a permuting spec takes options after arguments, as getopt without '+' does")
    func permutation() {
        var spec = creat
        spec.permutes = true
        spec.positionals = [PositionalSpec("args", help: "", arity: .repeating(minimum: 0))]
        for args in [["f", "-s", "4k"], ["a", "--size=1", "b", "-v"], ["a", "--", "-v"]] {
            #expect(ours(spec, args) == glibc(spec, args), "\(args)")
        }
    }

    @Test("errors carry getopt's message and the spec's exit status")
    func errors() {
        func error(_ args: [String], _ spec: CommandSpec = creat) -> CommandLineError? {
            do { _ = try Getopt.parse(spec, args, program: "famfs"); return nil } catch { return error }
        }
        #expect(error(["-x"])?.message == "famfs: invalid option -- 'x'")
        #expect(error(["--bogus=1"])?.message == "famfs: unrecognized option '--bogus=1'")
        #expect(error(["-s"])?.message == "famfs: option requires an argument -- 's'")
        #expect(error(["--size"])?.message == "famfs: option '--size' requires an argument")
        #expect(error(["--verbose=2"])?.message == "famfs: option '--verbose' doesn't allow an argument")
        #expect(error(["--n"])?.message == "famfs: option '--n' is ambiguous; possibilities: '--nstrips' '--nbuckets'")
        // The original's commands print usage and exit 0 on getopt's '?'; a spec may say otherwise.
        #expect(error(["-x"])?.exitStatus == 0 && error(["-x"])?.showsUsage == true)
        var strict = creat
        strict.unknownOptionStatus = 1
        #expect(error(["-x"], strict)?.exitStatus == 1)
        let extra = error(["a", "b"])
        #expect(extra?.kind == .unexpectedArgument && extra?.exitStatus == 1 && extra?.message == "creat: unexpected argument 'b'")
    }

    @Test("values: last wins, repeatable keeps all, flags count")
    func values() throws {
        guard case .arguments(let p) = try Getopt.parse(creat, ["-vvv", "-s1", "-s2", "-Ma", "--multi", "b", "f"], program: "x") else {
            Issue.record("not parsed")
            return
        }
        let size = creat.options[0], verbose = creat.options[6], multi = creat.options[7]
        #expect(p.count(verbose) == 3 && p.flag(verbose))
        #expect(p.value(size) == "2")
        #expect(p.values(multi) == ["a", "b"])
        #expect(p.positionals == ["f"])
        #expect(!p.flag(creat.options[2]) && p.value(creat.options[1]) == nil)
    }

    @Test("fsck's -h is an option, only -? asks for help")
    func fsckHelp() throws {
        let fsck = CommandSpec(name: "fsck", abstract: "Check.", options: [.flag("h", "human", help: "GiB.")],
                               positionals: [PositionalSpec("path", help: "")], helpShorts: ["?"])
        guard case .arguments(let p) = try Getopt.parse(fsck, ["-h", "/dev/x"], program: "famfs") else {
            Issue.record("-h was taken for help")
            return
        }
        #expect(p.flag(fsck.options[0]) && p.positionals == ["/dev/x"])
        #expect(try Getopt.parse(fsck, ["-?"], program: "famfs") == .help)
        #expect(try Getopt.parse(fsck, ["--help"], program: "famfs") == .help)
    }
}
