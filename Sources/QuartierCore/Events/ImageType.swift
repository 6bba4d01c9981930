import Foundation

/// The photos an event's documentation may show: JPEG and PNG, which every browser displays. The type is read
/// from the file's first bytes and must agree with its name, and the header must give the picture's size, so
/// that a renamed document, a GIF or a truncated file is refused.
public enum ImageType: String, CaseIterable, Sendable {
    case jpeg, png

    /// The largest photo staff may upload: a phone photo, not a print master.
    public static let maximumSize = 8 * 1024 * 1024

    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    /// The file name endings of the type, lowercased.
    public var extensions: [String] {
        switch self {
        case .jpeg: ["jpg", "jpeg"]
        case .png: ["png"]
        }
    }

    /// What the upload form announces in its `accept` attribute.
    public static var acceptedExtensions: String {
        allCases.flatMap(\.extensions).map { "." + $0 }.joined(separator: ",")
    }

    /// The type of a file named `filename` with the content `bytes`, or nil when it is not a JPEG or PNG, its
    /// content does not match its name, or its header is unreadable.
    public static func detect(filename: String, bytes: [UInt8]) -> ImageType? {
        guard filename.contains(".") else { return nil }
        let ext = filename.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard let claimed = allCases.first(where: { $0.extensions.contains(ext) }) else { return nil }
        switch claimed {
        case .jpeg: return jpegSize(bytes) != nil ? .jpeg : nil
        case .png: return pngSize(bytes) != nil ? .png : nil
        }
    }

    /// The type by content alone, for stored files whose name may be gone: a PNG by its intact header, a JPEG by a
    /// header that reads to its scan (a frame is not required here, unlike for an upload).
    public static func detect(bytes: [UInt8]) -> ImageType? {
        pngSize(bytes) != nil ? .png : jpegHeader(bytes) != nil ? .jpeg : nil
    }

    /// Width and height in pixels, read from the header (for the `width`/`height` of an `<img>`).
    public static func dimensions(of bytes: [UInt8]) -> (width: Int, height: Int)? {
        pngSize(bytes) ?? jpegSize(bytes)
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG starts with its signature and an intact IHDR chunk (13 bytes, checked by its CRC).
    private static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 33, bytes.starts(with: pngSignature), Array(bytes[8..<16]) == [0, 0, 0, 13] + Array("IHDR".utf8) else { return nil }
        let stored = bigEndian(bytes[29..<33])
        guard stored == CRC32.checksum(bytes[12..<29]) else { return nil }
        let width = bigEndian(bytes[16..<20]), height = bigEndian(bytes[20..<24])
        guard width > 0, height > 0 else { return nil }
        return (Int(width), Int(height))
    }

    /// A JPEG starts with SOI (FF D8 FF); its size is in the first start-of-frame segment before the scan.
    private static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        let frames: ClosedRange<UInt8> = 0xC0...0xCF
        guard let header = jpegHeader(bytes),
              let frame = header.segments.first(where: { frames.contains($0.marker) && ![0xC4, 0xC8, 0xCC].contains($0.marker) }),
              frame.range.count >= 9 else { return nil }
        let body = frame.range.lowerBound + 4  // after FF, the marker and the length: precision, height, width
        let height = Int(bytes[body + 1]) << 8 | Int(bytes[body + 2])
        let width = Int(bytes[body + 3]) << 8 | Int(bytes[body + 4])
        return width > 0 && height > 0 ? (width, height) : nil
    }

    /// A JPEG's header up to the start of its scan: each marker segment (its marker, and its bytes from the FF before
    /// the marker to its end, fill bytes left out) and the offset where the scan begins (the file's end when the header
    /// ends there). Nil when it is no JPEG, or a segment runs past the end or an end marker comes before any scan.
    static func jpegHeader(_ bytes: [UInt8]) -> (segments: [(marker: UInt8, range: Range<Int>)], scan: Int)? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF else { return nil }
        var index = 2
        var segments: [(marker: UInt8, range: Range<Int>)] = []
        while index + 1 < bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            var markerIndex = index + 1
            while markerIndex < bytes.count && bytes[markerIndex] == 0xFF { markerIndex += 1 }  // fill bytes
            guard markerIndex < bytes.count else { return nil }
            let marker = bytes[markerIndex]
            if marker == 0xDA { return (segments, index) }  // start of scan: the picture's data follows
            if marker == 0xD9 { return nil }  // end of image before any scan
            if marker == 0x01 || (0xD0...0xD8).contains(marker) {  // standalone markers
                index = markerIndex + 1
                continue
            }
            guard markerIndex + 2 < bytes.count else { return nil }
            let length = Int(bytes[markerIndex + 1]) << 8 | Int(bytes[markerIndex + 2])
            let end = markerIndex + 1 + length
            guard length >= 2, end <= bytes.count else { return nil }
            segments.append((marker, (markerIndex - 1)..<end))
            index = end
        }
        return index == bytes.count ? (segments, index) : nil
    }

    private static func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { value in
        var crc = UInt32(value)
        for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        return crc
    }

    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// A tiny PNG writer for generated pictures (the demo's photo, tests): 8-bit RGB, no filtering, the image data
/// in stored (uncompressed) deflate blocks — valid for every decoder, without a compression library.
public enum PNGWriter {
    /// `pixels` holds `width * height` RGB triples, row by row.
    public static func rgb(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "one RGB triple per pixel")
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (width * 3 + 1))
        for row in 0..<height {
            raw.append(0) // filter type None
            raw += pixels[(row * width * 3)..<((row + 1) * width * 3)]
        }
        var header: [UInt8] = []
        header += be32(UInt32(width)) + be32(UInt32(height))
        header += [8, 2, 0, 0, 0] // bit depth 8, truecolour, deflate, adaptive filtering, no interlace
        return ImageType.pngSignature + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
    }

    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + be32(b << 16 | a)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return be32(UInt32(data.count)) + typed + be32(CRC32.checksum(typed))
    }

    private static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
