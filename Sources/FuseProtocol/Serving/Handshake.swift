import SystemPackage

/// What the kernel's INIT request offers (`struct fuse_init_in`).
public struct InitOffer: Sendable, Hashable {
    public var major: UInt32
    public var minor: UInt32
    public var maxReadahead: UInt32
    public var flags: InitFlags
}

/// What the server will answer to INIT; the file system may change it in
/// `FuseFileSystem.initialize(offer:configuration:)`.
public struct InitConfiguration: Sendable, Hashable {
    /// Requested capabilities; intersected with the offer before replying.
    public var wanted: InitFlags = .moduleDefaults
    /// `max_write`; capped by the session's request buffer size.
    public var maxWrite: UInt32
    /// `max_readahead`; nil = what the kernel offered.
    public var maxReadahead: UInt32? = nil
    public var maxBackground: UInt16 = 64
    public var congestionThreshold: UInt16 = 48
    /// `time_gran` in nanoseconds (1 = full precision).
    public var timeGranularity: UInt32 = 1
    public var mapAlignment: UInt16 = 0
    public var maxStackDepth: UInt32 = 0
    /// `request_timeout` in seconds (with FUSE_REQUEST_TIMEOUT); 0 = none.
    public var requestTimeout: UInt16 = 0

    public init(maxWrite: UInt32) { self.maxWrite = maxWrite }
}

/// What INIT agreed on.
public struct Connection: Sendable, Hashable {
    public var major: UInt32
    public var minor: UInt32
    /// Granted capabilities (requested ∩ offered).
    public var flags: InitFlags
    /// Everything the kernel offered.
    public var offered: InitFlags
    public var maxWrite: UInt32
    public var maxReadahead: UInt32
}

/// INIT negotiation, free of any transport.
enum Handshake {
    static let ourMajor: UInt32 = 7
    static let ourMinor: UInt32 = 45
    static let pageSize: UInt32 = 4096
    /// Pages per request the kernel allows at most (`FUSE_MAX_MAX_PAGES`).
    static let maxMaxPages: UInt32 = 256

    enum Outcome {
        /// Reply with `payload`; `connection` is nil when the kernel must retry (major > 7).
        case reply(payload: [UInt8], connection: Connection?)
        case failure(Errno)
    }

    static func negotiate(
        _ offer: InitOffer, fileSystem: any FuseFileSystem, bufferLimit: UInt32
    ) -> Outcome {
        guard offer.major >= ourMajor else { return .failure(.protocolError) }
        if offer.major > ourMajor {
            // The kernel will resend INIT with our major; only major and minor count here.
            var w = WireWriter()
            w.u32(ourMajor)
            w.u32(ourMinor)
            w.zeros(InitOut.size - 8)
            return .reply(payload: w.bytes, connection: nil)
        }
        var config = InitConfiguration(maxWrite: bufferLimit)
        do {
            try fileSystem.initialize(offer: offer, configuration: &config)
        } catch {
            return .failure(error)
        }
        let granted = config.wanted.intersection(offer.flags)
        let maxWrite = max(4096, min(config.maxWrite, bufferLimit))
        let pages = min(maxMaxPages, (maxWrite + pageSize - 1) / pageSize)
        let minor = min(offer.minor, ourMinor)
        let out = InitOut(
            major: ourMajor, minor: minor,
            maxReadahead: min(config.maxReadahead ?? offer.maxReadahead, offer.maxReadahead),
            flags: granted, maxBackground: config.maxBackground,
            congestionThreshold: config.congestionThreshold, maxWrite: maxWrite,
            timeGran: config.timeGranularity, maxPages: UInt16(pages),
            mapAlignment: config.mapAlignment, maxStackDepth: config.maxStackDepth,
            requestTimeout: config.requestTimeout)
        var w = WireWriter()
        out.encode(into: &w)
        var payload = w.bytes
        if minor < 23 { payload = Array(payload.prefix(InitOut.compat22Size)) }
        let connection = Connection(
            major: ourMajor, minor: minor, flags: granted, offered: offer.flags,
            maxWrite: maxWrite, maxReadahead: out.maxReadahead)
        return .reply(payload: payload, connection: connection)
    }
}
