import Foundation
import Glibc

/// Runs programs as a user would (stdout and stderr to /dev/null, or captured) and times them
/// with the monotonic clock, from spawn to exit.
enum ProcessTimer {
    struct Run {
        var milliseconds: Double
        var status: Int32
        var maxRSSKiB: Int
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }

    /// Spawns `path args`, waits, and returns the wall time and the child's peak RSS.
    static func run(_ path: String, _ args: [String]) -> Run {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = now()
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return Run(milliseconds: .nan, status: -1, maxRSSKiB: 0) }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let ms = now() - start
        return Run(milliseconds: ms, status: (status >> 8) & 0xff, maxRSSKiB: usage.ru_maxrss)
    }

    /// Median of `runs` runs (after one warm-up run), and the largest peak RSS seen.
    static func median(_ runs: Int, _ path: String, _ args: [String], before: () -> Void = {}) -> (ms: Double, rss: Int, status: Int32) {
        _ = run(path, args)
        var times: [Double] = []
        var rss = 0
        var status: Int32 = 0
        for _ in 0..<runs {
            before()
            let r = run(path, args)
            times.append(r.milliseconds)
            rss = max(rss, r.maxRSSKiB)
            status = r.status
        }
        return (Stats.median(times), rss, status)
    }

    /// CPU time used so far by every thread of `pid`, in milliseconds (schedstat: nanoseconds
    /// on the CPU), precise where /proc's clock ticks are not.
    static func cpuMilliseconds(of pid: Int32) -> Double {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return .nan }
        var ns: Double = 0
        for t in tasks {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/schedstat", encoding: .utf8),
               let first = text.split(separator: " ").first, let v = Double(first) { ns += v }
        }
        return ns / 1e6
    }

    /// The pid of the famfs_fused serving `mountPoint`.
    static func daemonPID(mountPoint: String) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for e in entries {
            guard let pid = Int32(e), let data = FileManager.default.contents(atPath: "/proc/\(e)/cmdline") else { continue }
            let args = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if let first = args.first, first.hasSuffix("famfs_fused"), args.contains(mountPoint) { return pid }
        }
        return nil
    }
}

enum Stats {
    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
