#!/usr/bin/env python3
"""Whole-process wall time of short famfs commands, for one build or two side by side.

    Benchmarks/startup-bench.py [--runs N] <bin-dir> [<baseline-bin-dir>]

Measures, as a user's script sees it (fork/exec to exit, via subprocess): `famfs --help` (the
start-up floor, against /bin/true), `famfs creat -s 4096` of a new file on a mounted master, and
`famfs fsck` of an unmounted 4 GiB emulated device. Each row's runs alternate between the builds
so load changes hit both alike. Prints medians in ms and the ratio to the baseline; prints the
load average before and after. The mount (and mkfs) use <bin-dir>'s programs; needs root and
/dev/fuse. Issue targets: start-up <= 3 ms, creat <= 5 ms.
"""
import os, statistics, subprocess, sys, time, uuid

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
    t = time.perf_counter()
    run(argv)
    return (time.perf_counter() - t) * 1000

dev = f"/dev/shm/famfs-sb-{tag}.img"
dev2 = f"/dev/shm/famfs-sb-{tag}-2.img"
mpt = f"/tmp/famfs-sb-{tag}"
os.makedirs(mpt)
print(f"load before: {os.getloadavg()}")
rows = []
try:
    for d in (dev, dev2):
        run([f"{after}/mkfs.famfs", "--create", "4g", d])
    run([f"{after}/famfs", "mount", dev, mpt])
    commands = [
        ("/bin/true", lambda b, i: ["/bin/true"]),
        ("famfs --help", lambda b, i: [f"{b}/famfs", "--help"]),
        ("famfs creat -s 4096 (mounted master)", lambda b, i: [f"{b}/famfs", "creat", "-s", "4096", f"{mpt}/f{i}-{len(b)}-{b[-8:].replace('/', '_')}"]),
        ("famfs fsck <device>", lambda b, i: [f"{b}/famfs", "fsck", dev2]),
    ]
    for name, make in commands:
        times = {label: [] for label, _ in builds}
        for i in range(runs):
            for label, b in (builds if name != "/bin/true" else builds[:1]):
                times[label].append(timed(make(b, i)))
        rows.append((name, {k: statistics.median(v) for k, v in times.items() if v}))
finally:
    subprocess.run([f"{after}/famfs", "umount", mpt], env=env)
    for p in (dev, dev2, env["FAMFS_SYSTEM_UUID_FILE"]):
        if os.path.exists(p):
            os.unlink(p)
    os.rmdir(mpt)

print(f"\nwhole-process wall time, median of {runs} runs (ms)\n")
head = f"{'command':<40}" + "".join(f"{label:>14}" for label, _ in builds) + ("   this/baseline" if len(builds) == 2 else "")
print(head)
for name, med in rows:
    line = f"{name:<40}" + "".join(f"{med[label]:>14.2f}" if label in med else f"{'':>14}" for label, _ in builds)
    if len(builds) == 2 and "baseline" in med:
        line += f"   {med['this build'] / med['baseline']:>10.2f}x"
    print(line)
print(f"\nload after: {os.getloadavg()}")
