import Foundation
import FamfsCore
import FamfsFormat

/// Writes the reference random stream of `seed` as the bytes of `meta`'s file, through the
/// device mapping and the map's own offset translation; returns the bytes written.
@discardableResult
func fillFile(_ meta: FileMeta, on device: Device, seed: UInt64) -> [UInt8] {
    let expected = RandomFill.bytes(seed: seed, count: Int(meta.size))
    var fileOff = 0
    for r in meta.fmap.deviceRanges(offset: 0, length: meta.size) {
        expected.withUnsafeBytes { src in
            (device.base + Int(r.offset)).copyMemory(from: src.baseAddress! + fileOff, byteCount: Int(r.length))
        }
        fileOff += Int(r.length)
    }
    precondition(fileOff == Int(meta.size), "map does not cover the file")
    return expected
}

/// Index of the first differing byte, or nil.
func firstDifference(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int? {
    guard a.count == b.count else { return min(a.count, b.count) }
    if b.withUnsafeBytes({ memcmp(a.baseAddress!, $0.baseAddress!, a.count) }) == 0 { return nil }
    return zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset
}
