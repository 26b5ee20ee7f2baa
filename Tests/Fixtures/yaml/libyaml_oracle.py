#!/usr/bin/python3
"""Test oracle: what libyaml (through PyYAML's C bindings) emits and parses for fmap files.

stdin: JSON {"emit": [file, ...], "parse": [text, ...]} where a file is
{"path", "size", "flags", "mode", "uid", "gid", "extents": [[devindex, offset, length], ...]}.
stdout: JSON {"emit": [yaml text, ...], "parse": [{"path", "size", ...} or {"error": msg}, ...]}.
Emission replays the reference's event sequence (famfs_emit_file_yaml: every scalar plain,
implicit) into libyaml's emitter; parsing uses libyaml's parser with every scalar a string.
"""
import json
import sys

import yaml
from yaml.events import (DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)

if not yaml.__with_libyaml__:
    sys.exit("libyaml_oracle: PyYAML is built without libyaml")


def scalar(v):
    return ScalarEvent(None, None, (True, True), v)


def emit(f):
    ev = [StreamStartEvent(), DocumentStartEvent(explicit=True), MappingStartEvent(None, None, True, flow_style=False),
          scalar("file"), MappingStartEvent(None, None, True, flow_style=False)]
    for key, text in (("path", f["path"]), ("size", "%d" % f["size"]), ("flags", "%d" % f["flags"]),
                      ("mode", "0%o" % f["mode"]), ("uid", "%d" % f["uid"]), ("gid", "%d" % f["gid"]),
                      ("nextents", "%d" % len(f["extents"]))):
        ev += [scalar(key), scalar(text)]
    ev += [scalar("simple_ext_list"), SequenceStartEvent(None, None, True, flow_style=False)]
    for dev, off, length in f["extents"]:
        ev += [MappingStartEvent(None, None, True, flow_style=False),
               scalar("devindex"), scalar("%d" % dev), scalar("offset"), scalar("0x%x" % off),
               scalar("length"), scalar("0x%x" % length), MappingEndEvent()]
    ev += [SequenceEndEvent(), MappingEndEvent(), MappingEndEvent(), DocumentEndEvent(explicit=True), StreamEndEvent()]
    return yaml.emit(ev, Dumper=yaml.CDumper)


def parse(text):
    try:
        doc = yaml.load(text, Loader=yaml.CBaseLoader)
        f = doc["file"]
        return {"path": f["path"], "size": f["size"], "mode": f["mode"],
                "extents": [[e.get("devindex", "0"), e["offset"], e["length"]] for e in f["simple_ext_list"]]}
    except Exception as e:  # what libyaml refuses, or a document without the fmap keys
        return {"error": str(e).replace("\n", " ")}


req = json.load(sys.stdin)
json.dump({"emit": [emit(f) for f in req.get("emit", [])], "parse": [parse(t) for t in req.get("parse", [])]}, sys.stdout)
