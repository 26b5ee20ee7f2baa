#if canImport(Glibc)
import Glibc
#endif
import FamfsFormat
import Synchronization

// C entry points of libfamfsmap.so, declared in Examples/famfs_map.h. Every int function
// returns 0 or a negative errno; after a failure `famfs_map_last_error()` gives the one-line
// message (kept per thread).

/// Live mappings by base address. The objects own their address ranges; removing an entry and
/// calling `unmap()` releases it.
private let registry = Mutex<[UInt: FamfsFileMapping]>([:])

private let lastErrorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { free($0) }
    return key
}()

private func setLastError(_ message: String?) {
    let old = pthread_getspecific(lastErrorKey)
    pthread_setspecific(lastErrorKey, message.map { UnsafeRawPointer(strdup($0)) } ?? nil)
    free(old)
}

private func fail(_ e: FamfsMapError) -> Int32 {
    setLastError(e.description)
    return -e.errnoValue
}

private func fail(_ errnoValue: Int32, _ message: String) -> Int32 {
    setLastError(message)
    return -errnoValue
}

private func publish(_ m: FamfsFileMapping, _ addr: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                     _ size: UnsafeMutablePointer<Int>) -> Int32 {
    registry.withLock { $0[UInt(bitPattern: m.base)] = m }
    addr.pointee = m.base
    size.pointee = m.size
    setLastError(nil)
    return 0
}

/// `int famfs_map_file(const char *path, int writable, void **addr, size_t *size)`
@_cdecl("famfs_map_file")
public func famfs_map_file(_ path: UnsafePointer<CChar>?, _ writable: Int32,
                           _ addr: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                           _ size: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let path, let addr, let size else { return fail(EINVAL, "famfs_map_file: NULL argument") }
    do {
        return publish(try FamfsFileMapping(path: String(cString: path), writable: writable != 0), addr, size)
    } catch {
        return fail(error)
    }
}

/// `int famfs_map_yaml(const char *device, const char *fmap_yaml, int writable, void **addr,
/// size_t *size)`: maps the file described by `fmap_yaml` (the `user.famfs.fmap` / shadow YAML)
/// from `device`, without a mount.
@_cdecl("famfs_map_yaml")
public func famfs_map_yaml(_ device: UnsafePointer<CChar>?, _ yaml: UnsafePointer<CChar>?, _ writable: Int32,
                           _ addr: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                           _ size: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let device, let yaml, let addr, let size else { return fail(EINVAL, "famfs_map_yaml: NULL argument") }
    let dev = String(cString: device)
    let meta: FileMeta
    do { meta = try FmapYAML.parse(String(cString: yaml)) } catch {
        return fail(.badMap(path: dev, reason: "fmap YAML does not parse: \(error)"))
    }
    do {
        return publish(try FamfsFileMapping(device: dev, meta: meta, writable: writable != 0, path: meta.path),
                       addr, size)
    } catch {
        return fail(error)
    }
}

/// `int famfs_unmap_file(void *addr)`: `addr` as returned by a map call; -EINVAL otherwise.
@_cdecl("famfs_unmap_file")
public func famfs_unmap_file(_ addr: UnsafeMutableRawPointer?) -> Int32 {
    guard let addr else { return fail(EINVAL, "famfs_unmap_file: NULL address") }
    guard let m = registry.withLock({ $0.removeValue(forKey: UInt(bitPattern: addr)) }) else {
        return fail(EINVAL, "famfs_unmap_file: \(addr) is not a famfs mapping")
    }
    m.unmap()
    setLastError(nil)
    return 0
}

private func withRange(_ fn: String, _ addr: UnsafeRawPointer?, _ len: Int,
                       _ body: (FamfsFileMapping, Int) -> Void) -> Int32 {
    guard let addr, len >= 0 else { return fail(EINVAL, "\(fn): NULL address or negative length") }
    let a = UInt(bitPattern: addr)
    let found: (FamfsFileMapping, Int)? = registry.withLock { r in
        for (base, m) in r where a >= base && a - base <= UInt(m.mappedLength)
            && UInt(len) <= UInt(m.mappedLength) - (a - base) {
            return (m, Int(a - base))
        }
        return nil
    }
    guard let (m, off) = found else { return fail(EINVAL, "\(fn): \(addr)+\(len) is not inside a famfs mapping") }
    body(m, off)
    setLastError(nil)
    return 0
}

/// `int famfs_map_layout(const void *addr, unsigned long long *runs, size_t max, size_t *count)`:
/// where the mapping's bytes live on its device, in file order, as (file offset, device offset,
/// length) triples in `runs[3*i ..< 3*i+3]` for the first `max` runs; `*count` is the number of
/// runs (call with `max` 0 to learn it). The preload maps a caller's mmap run by run from this.
@_cdecl("famfs_map_layout")
public func famfs_map_layout(_ addr: UnsafeRawPointer?, _ runs: UnsafeMutablePointer<UInt64>?, _ max: Int,
                             _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    guard let addr, let count, max >= 0, max == 0 || runs != nil else {
        return fail(EINVAL, "famfs_map_layout: NULL argument")
    }
    guard let m = registry.withLock({ $0[UInt(bitPattern: addr)] }) else {
        return fail(EINVAL, "famfs_map_layout: \(addr) is not a famfs mapping")
    }
    let plan: FamfsFileMapping.Plan
    do { plan = try FamfsFileMapping.plan(meta: m.meta, deviceSize: .max, label: m.path) } catch { return fail(error) }
    for (i, seg) in plan.segments.prefix(max).enumerated() {
        runs![3 * i] = UInt64(seg.fileOffset)
        runs![3 * i + 1] = seg.deviceOffset
        runs![3 * i + 2] = UInt64(seg.length)
    }
    count.pointee = plan.segments.count
    setLastError(nil)
    return 0
}

/// `int famfs_map_flush(const void *addr, size_t len)`: write back CPU caches of a range inside
/// a mapping (after storing, so other hosts see the data).
@_cdecl("famfs_map_flush")
public func famfs_map_flush(_ addr: UnsafeRawPointer?, _ len: Int) -> Int32 {
    withRange("famfs_map_flush", addr, len) { m, off in m.flush(offset: off, length: len) }
}

/// `int famfs_map_invalidate(const void *addr, size_t len)`: drop CPU cache lines of a range
/// inside a mapping (before loading data other hosts wrote).
@_cdecl("famfs_map_invalidate")
public func famfs_map_invalidate(_ addr: UnsafeRawPointer?, _ len: Int) -> Int32 {
    withRange("famfs_map_invalidate", addr, len) { m, off in m.invalidate(offset: off, length: len) }
}

/// `const char *famfs_map_last_error(void)`: message of this thread's last failed call, or NULL
/// if the last call succeeded. Valid until the next famfs_map_* call on the same thread.
@_cdecl("famfs_map_last_error")
public func famfs_map_last_error() -> UnsafePointer<CChar>? {
    pthread_getspecific(lastErrorKey).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
}
