import FamfsControl
import FamfsFormat

/// The control channel's messages: what a daemon decodes from any local peer (requests) and
/// what a program decodes from the daemon (replies), and the frame header in front of each.
/// The input's first byte chooses: bit 0 clear, a request; set, a reply (whose embedded log
/// entry gets the right CRC, so the fuzzer reaches the file metadata). A request that decodes
/// must be the only encoding of itself; a reply must survive encode → decode.
enum ControlMessageTarget {
    static let target = FuzzTarget(name: "control-message") { data in
        guard let mode = data.first else { return }
        var message = Array(data.dropFirst())
        if message.count >= 4, let n = try? ControlFrame.length(header: Array(message.prefix(4)), what: "fuzz") {
            invariant(n <= ControlProtocol.maxFrame, "frame length above the limit accepted")
        }
        if mode & 1 == 0 {
            guard let request = try? ControlRequest.decode(message) else { return }
            invariant(request.encoded() == message, "request has another encoding")
            return
        }
        if message.count >= 2 + Media.logEntrySize, message[0] == 3 {
            var entry = Array(message[2..<2 + Media.logEntrySize])
            for i in 0..<8 { entry[i] = 0 }
            CRCFix.store(&entry, crcAt: LogEntry.Offset.crc, over: Media.logEntryCRCRange, width: 8)
            message.replaceSubrange(2..<2 + Media.logEntrySize, with: entry)
        }
        guard let reply = try? ControlReply.decode(message) else { return }
        if case .file = reply { return }  // paths decode lossily from the entry: no exact round trip
        invariant((try? ControlReply.decode(reply.encoded())) == reply, "reply does not survive encode → decode")
    }
}
