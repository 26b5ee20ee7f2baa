import FamfsCommandLine
import Testing

let tool = CommandSpec(
    name: "famfs", abstract: "The fabric-attached memory file system.",
    subcommands: [
        creat,
        CommandSpec(name: "fsck", abstract: "Check a famfs.", discussion: "Exit status: the number of collisions.",
                    options: [.flag("h", "human", help: "Sizes in GiB."), .value("B", "nbuckets", "n", help: "Buckets [1-64].")],
                    positionals: [PositionalSpec("path", help: "A device or a path in a mounted famfs.")],
                    helpShorts: ["?"]),
    ])

func printed(_ i: Invocation) -> String? { if case .print(let s) = i { return s }; return nil }
func refused(_ i: Invocation) -> CommandLineError? { if case .refuse(let e, _) = i { return e }; return nil }

@Suite("programs: sub-commands, help, version, man pages and completions from one spec")
struct ProgramTests {
    let famfs = Program(tool)

    @Test("famfs with no command, or only '--', exits 1 with a missing-command message and the usage")
    func missingCommand() {
        for argv in [["famfs"], ["famfs", "--"]] {
            let e = refused(famfs.invocation(argv))
            #expect(e?.kind == .missingCommand && e?.exitStatus == 1 && e?.showsUsage == true, "\(argv)")
            #expect(e?.message == "famfs: missing command")
        }
    }

    @Test("an unknown command exits 3, as the original's does")
    func unknownCommand() {
        let e = refused(famfs.invocation(["famfs", "frobnicate"]))
        #expect(e?.exitStatus == 3 && e?.message == "famfs: unrecognized command 'frobnicate'")
    }

    @Test("a sub-command gets its own options, parsed after the command word")
    func dispatch() throws {
        guard case .run(let spec, let args) = famfs.invocation(["famfs", "creat", "-s4k", "/mnt/f"]) else {
            Issue.record("not run")
            return
        }
        #expect(spec.name == "creat" && spec.qualifiedName == "famfs creat")
        #expect(args.value(creat.options[0]) == "4k" && args.positionals == ["/mnt/f"])
    }

    @Test("help: -h, -?, --help, 'famfs -h mount' style, and each command's own")
    func help() throws {
        let top = try #require(printed(famfs.invocation(["famfs", "-h"])))
        #expect(top.contains("USAGE: famfs [<options>] <subcommand>") || top.contains("USAGE: famfs <subcommand>"))
        #expect(top.contains("  creat") && top.contains("Create files.") && top.contains("--version"))
        #expect(printed(famfs.invocation(["famfs", "-h", "fsck"]))?.contains("USAGE: famfs fsck") == true)
        let fsck = try #require(printed(famfs.invocation(["famfs", "fsck", "-?"])))
        #expect(fsck.contains("OVERVIEW: Check a famfs.") && fsck.contains("Exit status: the number of collisions."))
        #expect(fsck.contains("  -h, --human") && fsck.contains("  -B, --nbuckets <n>") && fsck.contains("  -?, --help"))
        #expect(printed(famfs.invocation(["famfs", "creat", "--help"]))?.contains("USAGE: famfs creat [<options>] [<file>]") == true)
        // Hidden options are accepted but not shown.
        var hidden = creat
        hidden.options.append(.flag("D", "nodax", help: "Compatibility.", hidden: true))
        #expect(!HelpText.render(hidden).contains("nodax"))
        #expect(try Getopt.parse(hidden, ["-D", "f"], program: "x") != .help)
    }

    @Test("--version prints the one version, on the program, not on sub-commands")
    func version() {
        #expect(printed(famfs.invocation(["famfs", "--version"])) == "famfs \(FamfsVersion.string)\n")
        #expect(printed(Program(creat).invocation(["mkfs.famfs", "--version"])) == "creat \(FamfsVersion.string)\n")
        #expect(refused(famfs.invocation(["famfs", "creat", "--version"]))?.kind == .unknownOption)
    }

    @Test("man pages: the program's with every command, and one per command, valid roff")
    func manPages() throws {
        let page = try #require(printed(famfs.invocation(["famfs", "--generate-man"])))
        #expect(page.hasPrefix(".TH FAMFS 1 "))
        #expect(page.contains(".SH NAME\nfamfs \\- The fabric\\-attached memory file system."))
        #expect(page.contains(".SS famfs creat") && page.contains("\\fB\\-s\\fR, \\fB\\-\\-size\\fR \\fIsize\\fR"))
        let sub = try #require(printed(famfs.invocation(["famfs", "--generate-man", "fsck"])))
        #expect(sub.hasPrefix(".TH FAMFS\\-FSCK 1 ") && sub.contains("\\fB\\-?\\fR, \\fB\\-\\-help\\fR"))
        // No line may start with a roff control character that is not a macro we wrote.
        for line in (page + sub).split(separator: "\n") where line.hasPrefix(".") || line.hasPrefix("'") {
            #expect([".TH", ".SH", ".SS", ".TP", ".PP", ".B "].contains { line.hasPrefix($0) }, "\(line)")
        }
        #expect(refused(famfs.invocation(["famfs", "--generate-man", "nope"]))?.exitStatus == 3)
    }

    @Test("completion scripts name every command and option, and the shells accept them")
    func completions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try #require(printed(famfs.invocation(["famfs", "--generate-completion", shell])), "\(shell)")
            for word in ["creat", "fsck", "size", "nbuckets"] { #expect(script.contains(word), "\(shell): \(word)") }
        }
        let bash = try #require(printed(famfs.invocation(["famfs", "--generate-completion", "bash"])))
        #expect(bash.contains("complete -o filenames -o bashdefault -F _famfs famfs"))
        #expect(try shellAccepts("/bin/bash", ["-n"], bash), "bash -n rejects the script:\n\(bash)")
        #expect(refused(famfs.invocation(["famfs", "--generate-completion", "tcsh"]))?.exitStatus == 1)
    }

    @Test("bash completion completes a command and its options")
    func bashCompletes() throws {
        let bash = try #require(printed(famfs.invocation(["famfs", "--generate-completion", "bash"])))
        let probe = bash + """
            COMP_WORDS=(famfs cr); COMP_CWORD=1; _famfs; echo "1:${COMPREPLY[*]}"
            COMP_WORDS=(famfs creat --si); COMP_CWORD=2; _famfs; echo "2:${COMPREPLY[*]}"
            COMP_WORDS=(famfs fsck -); COMP_CWORD=2; _famfs; echo "3:${COMPREPLY[*]}"

            """
        let out = try run("/bin/bash", ["-c", probe])
        #expect(out.contains("1:creat\n") && out.contains("2:--size\n") && out.contains("3:-h --human -B --nbuckets --help\n"), "\(out)")
    }
}
