#!/usr/bin/python3
"""Writes the seed corpora under Fuzz/corpus/<target>/: the reference images' superblocks, log
headers and entries, the reference's shadow YAML files (and spellings libyaml also reads), and
FUSE requests in the kernel's shapes (those of the protocol tests). Run it again after changing
a seed; its output is committed."""
import gzip
import hashlib
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = os.path.join(ROOT, "Tests", "Fixtures", "reference-images")
OUT = os.path.join(ROOT, "Fuzz", "corpus")


def save(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def images():
    for name in sorted(os.listdir(IMAGES)):
        if name.endswith(".head.img.gz"):
            with gzip.open(os.path.join(IMAGES, name)) as f:
                yield name, f.read()


LOG = 0x200000
ENTRY = 544
lengths = [8 << 20, 16 << 20, 1 << 30, 1 << 40]  # LogHeaderTarget.lengths
for name, img in images():
    save("superblock", img[:200])
    log_len = struct.unpack_from("<Q", img, 24)[0]
    selector = lengths.index(log_len) if log_len in lengths else 0
    save("log-header", bytes([selector]) + img[LOG:LOG + 48])
    entries = [img[LOG + 48 + i * ENTRY:LOG + 48 + (i + 1) * ENTRY] for i in range(16)]
    used = [e for e in entries if any(e)]
    for start in range(0, max(1, len(used)), 4):
        # mode 1: the slots as stored (CRC and seqnum are the image's); 0: the harness fixes them
        save("log-entry", bytes([1]) + b"".join(entries[start:start + 8]))
        chunk = used[start:start + 8]
        save("log-entry", bytes([0]) + b"".join(chunk))

shadow = os.path.join(IMAGES, "populated.shadow", "root")
for d, _, files in os.walk(shadow):
    for f in sorted(files):
        text = open(os.path.join(d, f), "rb").read()
        save("fmap-yaml", text)
        save("fmap-yaml", text.replace(b"\n", b"\r\n"))
        save("fmap-yaml", b"# shadow\n" + text.replace(b"  size:", b"  # c\n  size:"))
        path = text.split(b"path: ")[1].split(b"\n")[0]
        save("fmap-yaml", text.replace(b"path: " + path, b"path: '" + path + b" #x: y'"))
        save("fmap-yaml", text.replace(b"path: " + path, b"path: \"" + path + b"\\n\\x41\\u00e9\""))
save("fmap-yaml", b"interleaved_alloc:\n  nbuckets: 8\n  nstrips: 4\n  chunk_size: 2m\n")


def request(opcode, body=b"", nodeid=1, unique=7):
    return struct.pack("<IIQQIIIHH", 40 + len(body), opcode, unique, nodeid, 0, 0, 1, 0, 0) + body


def frames(*reqs, flags=0):
    return bytes([flags]) + b"".join(struct.pack("<H", len(r)) + r for r in reqs)


read_in = struct.pack("<QQIIQII", 7, 0, 4096, 0, 0, 0, 0)
lock = struct.pack("<QQII", 0, 100, 1, 1)
fuse = {
    1: [b"f\0", b"missing\0"], 2: [struct.pack("<Q", 1)], 3: [struct.pack("<IIQ", 0, 0, 0)],
    4: [struct.pack("<IIQQQQQQIIIIIII", 0x1 | 0x8, 0, 7, 4096, 0, 1, 2, 3, 0, 0, 0, 0o644, 0, 0, 0)],
    5: [b""], 6: [b"link\0target\0"], 8: [struct.pack("<IIII", 0o100644, 0, 0o22, 0) + b"node\0"],
    9: [struct.pack("<II", 0o755, 0o22) + b"dir\0"], 10: [b"f\0"], 11: [b"d\0"],
    12: [struct.pack("<Q", 1) + b"f\0g\0"], 13: [struct.pack("<Q", 2) + b"hard\0"], 14: [struct.pack("<II", 0, 0)],
    15: [read_in, struct.pack("<QQIIQII", 7, 8000, 1 << 20, 0, 0, 0, 0)],
    16: [struct.pack("<QQIIQII", 7, 0, 5, 0, 0, 0, 0) + b"hello"], 17: [b""], 18: [struct.pack("<QIIQ", 7, 0, 0, 0)],
    20: [struct.pack("<QII", 7, 1, 0)], 21: [struct.pack("<IIII", 3, 0, 0, 0) + b"user.x\0abc"],
    22: [struct.pack("<II", 0, 0) + b"user.famfs.fmap\0", struct.pack("<II", 16, 0) + b"user.a\0"],
    23: [struct.pack("<II", 0, 0), struct.pack("<II", 10, 0)], 24: [b"user.x\0"],
    25: [struct.pack("<QIIQ", 7, 0, 0, 0)], 27: [struct.pack("<II", 0, 0)], 28: [read_in],
    29: [struct.pack("<QIIQ", 9, 0, 0, 0)], 30: [struct.pack("<QII", 9, 0, 0)],
    31: [struct.pack("<QQ", 7, 1) + lock + struct.pack("<II", 0, 0)], 32: [struct.pack("<QQ", 7, 1) + lock + struct.pack("<II", 1, 0)],
    33: [struct.pack("<QQ", 7, 1) + lock + struct.pack("<II", 0, 0)], 34: [struct.pack("<II", 4, 0)],
    35: [struct.pack("<IIII", 0o2, 0o100644, 0o22, 0) + b"new\0"], 36: [struct.pack("<Q", 7)], 38: [b""],
    42: [struct.pack("<II", 2, 0) + struct.pack("<QQ", 2, 1) + struct.pack("<QQ", 3, 1)],
    43: [struct.pack("<QQQII", 7, 0, 4096, 0, 0)], 44: [read_in], 45: [struct.pack("<QII", 1, 1, 0) + b"f\0g\0"],
    46: [struct.pack("<QQII", 7, 0, 3, 0)], 54: [b"", struct.pack("<II", 4096, 0)], 55: [b""],
}
for opcode, bodies in fuse.items():
    for body in bodies:
        node = 0 if opcode == 55 else (2 if opcode in (3, 4, 5, 14, 15, 16, 18, 20, 22, 23, 25, 31, 32, 33, 43, 46, 54) else 1)
        save("fuse-request", frames(request(opcode, body, nodeid=node)))
save("fuse-request", frames(request(1, b"f\0"), request(14, struct.pack("<II", 0, 0), nodeid=2),
                            request(15, read_in, nodeid=2), request(18, struct.pack("<QIIQ", 7, 0, 0, 0), nodeid=2)))
save("fuse-request", frames(request(26, struct.pack("<IIIII", 7, 45, 65536, 1, 0) + bytes(44), nodeid=0)))
save("fuse-request", frames(request(1, b"f\0")[:30], flags=1))


def cstring(s):
    return struct.pack("<H", len(s)) + s


requester = bytes(range(16))
# Control messages (FamfsControl): mode byte 0 for a request, 1 for a reply.
save("control-message", b"\0" + b"\x01" + cstring(b"dir/file"))
save("control-message", b"\0" + b"\x02" + cstring(b"dir/new") + struct.pack("<QIIIQQQ", 1 << 20, 0o644, 0, 0, 4, 2, 2 << 20) + requester)
save("control-message", b"\0" + b"\x03" + cstring(b"a/b/c") + struct.pack("<IIIB", 0o755, 0, 0, 1) + requester)
save("control-message", b"\x01" + b"\x01")
save("control-message", b"\x01" + b"\x02")
save("control-message", b"\x01" + b"\x04" + struct.pack("<I", 2) + cstring(b"a") + cstring(b"a/b"))
save("control-message", b"\x01" + b"\x05" + struct.pack("<I", 17) + cstring(b"exists with another size"))
_, populated = [x for x in images() if x[0].startswith("populated")][0]
file_entry = populated[LOG + 48 + 1 * ENTRY:LOG + 48 + 2 * ENTRY]
save("control-message", b"\x01" + b"\x03\x01" + file_entry)
print("seeds written under", OUT, file=sys.stderr)
