// swift-tools-version: 6.0
import PackageDescription

// Layers (docs/ARCHITECTURE.md): FamfsFormat → FamfsCore → FuseProtocol (independent of famfs)
// → FamfsDaemon → programs. Each layer is a target that depends only on the layers below it.
let package = Package(
    name: "famfs",
    products: [
        .executable(name: "famfs", targets: ["Famfs"]),
        .executable(name: "mkfs.famfs", targets: ["MkfsFamfs"]),
        .executable(name: "famfs_fused", targets: ["FamfsFused"]),
        .executable(name: "famfs-bench", targets: ["FamfsBench"]),
        .executable(name: "pcq", targets: ["Pcq"]),
        .executable(name: "mount.famfs", targets: ["MountFamfs"]),
        .executable(name: "pcq-bench", targets: ["PcqBench"]),
        .library(name: "FamfsCore", targets: ["FamfsCore"]),
        // Zero-copy mapping of famfs files (Swift API and C entry points).
        .library(name: "famfsmap", type: .dynamic, targets: ["FamfsMap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // CRC-32 by carry-less multiply (PCLMULQDQ / ARMv8 CRC32): Swift cannot emit these instructions.
        .target(name: "CFamfsCRC"),
        .target(name: "FamfsFormat", dependencies: ["CFamfsCRC"]),
        // getopt-compatible command lines, help, man pages and completions (standard library only).
        .target(name: "FamfsCommandLine"),
        // C for what Swift cannot express: the FUSE part (device clone ioctl, SCM_RIGHTS) and the
        // famfs part (CPU cache maintenance, the 16-byte log header store, system calls Glibc hides).
        .target(name: "CFuseShims"),
        .target(name: "CFamfsShims"),
        // Threads and the errno wrapper every layer shares (nothing famfs).
        .target(
            name: "SystemSupport",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")]),
        // Below the format's users: CPU cache control and the device size probe.
        .target(
            name: "FamfsMemory",
            dependencies: ["CFamfsShims", .product(name: "SystemPackage", package: "swift-system")]),
        // The control channel's protocol and the mount's xattr names, shared by daemon and programs.
        .target(name: "FamfsControl", dependencies: ["FamfsFormat"]),
        .target(
            name: "FamfsCore",
            dependencies: [
                "FamfsFormat", "FamfsMemory", "CFamfsShims", "SystemSupport",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "FamfsMap",
            dependencies: [
                "FamfsFormat", "FamfsMemory", "FamfsControl", "CFamfsShims",
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        // The reference's pcq: a producer/consumer queue in two famfs files, on the mapping library.
        .target(name: "FamfsQueue", dependencies: ["FamfsFormat", "FamfsCore", "FamfsMemory", "FamfsMap", "CFamfsShims"]),
        .executableTarget(name: "Pcq", dependencies: ["FamfsQueue", "FamfsFormat", "FamfsCommandLine", "SystemSupport"]),
        // pcq between two mounts against a memcpy-only ceiling (Benchmarks/pcq-bench.sh).
        .executableTarget(name: "PcqBench", dependencies: ["FamfsQueue", "CFamfsShims"], path: "Benchmarks/PcqBench"),
        .target(
            name: "FuseProtocol",
            dependencies: [
                "CFuseShims", "SystemSupport",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "FamfsDaemon",
            dependencies: [
                "FamfsFormat", "FamfsCore", "FamfsMemory", "FuseProtocol", "FamfsControl", "SystemSupport",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "FamfsCLI",
            dependencies: [
                "FamfsFormat", "FamfsCore", "FamfsMemory", "FamfsDaemon", "FamfsControl", "CFamfsShims", "FamfsCommandLine",
                "SystemSupport",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "Famfs", dependencies: ["FamfsCLI"]),
        .executableTarget(name: "MkfsFamfs", dependencies: ["FamfsCLI"]),
        .executableTarget(name: "FamfsFused", dependencies: ["FamfsCLI"]),
        // The helper mount(8) runs for `mount -t famfs` and famfs lines in /etc/fstab.
        .executableTarget(name: "MountFamfs", dependencies: ["FamfsCLI"]),
        // Benchmarks and the load generators the crash and concurrency tests drive.
        .executableTarget(
            name: "FamfsBench",
            dependencies: [
                "FamfsFormat", "FamfsCore", "FamfsMap",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Fuzz targets for the parsers that face media, files, peers and the kernel. Fuzz/run.sh
        // builds this with libFuzzer; a plain build replays saved inputs (`FamfsFuzz <target> <file>…`).
        .executableTarget(
            name: "FamfsFuzz",
            dependencies: [
                "FamfsFormat", "FamfsCore", "FuseProtocol", "FamfsControl",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Fuzz/Sources/FamfsFuzz"),
        // What several test targets share: one seeded generator, one device file helper.
        .target(name: "FamfsTestSupport", dependencies: ["FamfsFormat", "FamfsCore"], path: "Tests/FamfsTestSupport"),
        .testTarget(name: "FamfsFormatTests", dependencies: ["FamfsFormat", "FamfsTestSupport"]),
        .testTarget(
            name: "SystemSupportTests",
            dependencies: ["SystemSupport", .product(name: "SystemPackage", package: "swift-system")]),
        // glibc's getopt_long, which the command-line tests check the parser against.
        .target(name: "CGetoptOracle", path: "Tests/CGetoptOracle"),
        .testTarget(name: "FamfsCommandLineTests", dependencies: ["FamfsCommandLine", "CGetoptOracle"]),
        .testTarget(name: "FamfsCoreTests", dependencies: ["FamfsFormat", "FamfsCore", "FamfsTestSupport"]),
        .testTarget(
            name: "FuseProtocolTests",
            dependencies: ["FuseProtocol", .product(name: "SystemPackage", package: "swift-system")]),
        .testTarget(
            name: "FamfsMapTests",
            dependencies: [
                "FamfsFormat", "FamfsCore", "FamfsMap", "FamfsDaemon", "FuseProtocol", "FamfsTestSupport",
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        .testTarget(
            name: "FamfsQueueTests",
            dependencies: ["FamfsFormat", "FamfsCore", "FamfsMap", "FamfsQueue"]),
        // Runs the built programs (mkfs.famfs, famfs, famfs-bench) as a user would.
        .testTarget(name: "ProgramTests", dependencies: ["FamfsFormat", "FamfsCore"]),
        .testTarget(
            name: "FamfsDaemonTests",
            dependencies: ["FamfsFormat", "FamfsCore", "FamfsDaemon", "FuseProtocol", "FamfsMap", "CFamfsShims", "FamfsControl",
                           .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
