#!/usr/bin/env python3
"""Whole-process wall time of short famfs commands, for one build or two side by side.

    Benchmarks/startup-bench.py [--runs N] <bin-dir> [<baseline-bin-dir>]

Measures, as a user's script sees it (fork/exec to exit, via subprocess): `famfs --help` (the
start-up floor, against /bin/true), `famfs creat -s 4096` of a new file on a mounted master, and
`famfs fsck` of an unmounted 4 GiB emulated device. Each row's runs alternate between the builds
so load changes hit both alike. Prints medians in ms and the ratio to the baseline; prints the
load average before and after. Each build creats on its own device, formatted and mounted by its
own mkfs.famfs and famfs mount (a daemon speaks its own build's control protocol); fsck reads one
device formatted by <bin-dir>'s mkfs. Needs root and /dev/fuse. Issue targets: start-up <= 3 ms, creat <= 5 ms.
"""
import os, resource, statistics, subprocess, sys, time, uuid

def arg(name, default):
    if name in sys.argv:
        i = sys.argv.index(name)
        v = sys.argv[i + 1]
        del sys.argv[i:i + 2]
        return v
    return default

runs = int(arg("--runs", "41"))
dirs = sys.argv[1:]
if not 1 <= len(dirs) <= 2:
    sys.exit(__doc__)
after = dirs[0]
builds = [("this build", after)] + ([("baseline", dirs[1])] if len(dirs) == 2 else [])
tag = uuid.uuid4().hex[:8]
env = dict(os.environ, FAMFS_SYSTEM_UUID_FILE=f"/dev/shm/famfs-sb-{tag}.uuid")

def run(argv, check=True):
    r = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        sys.exit(f"startup-bench: {' '.join(argv)} failed ({r.returncode}): {r.stderr.decode()}")

def timed(argv):
    """Wall time and CPU time (user + system, from the child's rusage), in ms."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    run(argv)
    wall = (time.perf_counter() - t) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu

dev2 = f"/dev/shm/famfs-sb-{tag}-fsck.img"
mounts = {b: (f"/dev/shm/famfs-sb-{tag}-{i}.img", f"/tmp/famfs-sb-{tag}-{i}") for i, (_, b) in enumerate(builds)}
for _, m in mounts.values():
    os.makedirs(m)
print(f"load before: {os.getloadavg()}")
rows = []
try:
    run([f"{after}/mkfs.famfs", "--create", "4g", dev2])
    for b, (d, m) in mounts.items():
        run([f"{b}/mkfs.famfs", "--create", "4g", d])
        run([f"{b}/famfs", "mount", d, m])
    commands = [
        ("/bin/true", lambda b, i: ["/bin/true"]),
        ("famfs --help", lambda b, i: [f"{b}/famfs", "--help"]),
        ("famfs creat -s 4096 (mounted master)", lambda b, i: [f"{b}/famfs", "creat", "-s", "4096", f"{mounts[b][1]}/f{i}"]),
        ("famfs fsck <device>", lambda b, i: [f"{b}/famfs", "fsck", dev2]),
    ]
    for name, make in commands:
        times = {label: [] for label, _ in builds}
        for i in range(runs):
            for label, b in (builds if name != "/bin/true" else builds[:1]):
                times[label].append(timed(make(b, i)))
        rows.append((name, {k: statistics.median(w for w, _ in v) for k, v in times.items() if v},
                     {k: statistics.median(c for _, c in v) for k, v in times.items() if v}))
finally:
    for b, (d, m) in mounts.items():
        subprocess.run([f"{b}/famfs", "umount", m], env=env)
        os.rmdir(m)
    for p in [dev2, env["FAMFS_SYSTEM_UUID_FILE"]] + [d for d, _ in mounts.values()]:
        if os.path.exists(p):
            os.unlink(p)

for title, column in (("wall time", 1), ("CPU time (user + system; what load does not inflate)", 2)):
    print(f"\nwhole-process {title}, median of {runs} runs (ms)\n")
    head = f"{'command':<40}" + "".join(f"{label:>14}" for label, _ in builds) + ("   this/baseline" if len(builds) == 2 else "")
    print(head)
    for row in rows:
        name, med = row[0], row[column]
        line = f"{name:<40}" + "".join(f"{med[label]:>14.2f}" if label in med else f"{'':>14}" for label, _ in builds)
        if len(builds) == 2 and "baseline" in med and med["baseline"] > 0:
            line += f"   {med['this build'] / med['baseline']:>10.2f}x"
        print(line)
print(f"\nload after: {os.getloadavg()}")
