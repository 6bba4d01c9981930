/// Removes what a photo says about where and with what it was taken before anybody else sees it: a resident's phone
/// writes the GPS position of her door, the time, the device and often her name into every picture.
///
/// - JPEG: drops Exif and XMP (APP1), Photoshop/IPTC (APP13), FlashPix (APP2 other than an ICC colour profile),
///   the other application segments from APP3 to APP12 and APP15, and comments. It keeps JFIF (APP0), the ICC
///   profile (APP2 `ICC_PROFILE`), Adobe's colour marker (APP14) and everything the picture itself needs. Only the
///   orientation survives from Exif, rewritten as a minimal Exif block, so that a photo taken upright stays upright.
/// - PNG: drops text chunks (tEXt, zTXt, iTXt), Exif (eXIf) and the modification time (tIME).
///
/// The picture's data is copied byte for byte; nothing is decoded or re-encoded.
public enum ImageMetadata {
    /// The photo without its metadata, or nil when its structure is broken (a segment or chunk runs past the end);
    /// then it is no photo to publish.
    public static func strip(_ bytes: [UInt8], type: ImageType) -> [UInt8]? {
        switch type {
        case .jpeg: stripJPEG(bytes)
        case .png: stripPNG(bytes)
        }
    }

    /// The Exif orientation (1–8) of a JPEG, if it has one.
    public static func orientation(ofJPEG bytes: [UInt8]) -> Int? {
        ImageType.jpegHeader(bytes).flatMap { orientation(bytes, $0.segments) }
    }

    private static func orientation(_ bytes: [UInt8], _ segments: [(marker: UInt8, range: Range<Int>)]) -> Int? {
        segments.lazy.filter { $0.marker == 0xE1 }.compactMap { exifOrientation(bytes[($0.range.lowerBound + 4)..<$0.range.upperBound]) }.first
    }

    // MARK: - JPEG

    private static func keeps(_ marker: UInt8, _ body: ArraySlice<UInt8>) -> Bool {
        switch marker {
        case 0xE0, 0xEE: return true  // JFIF, Adobe colour transform
        case 0xE2: return body.starts(with: Array("ICC_PROFILE\u{0}".utf8))
        case 0xE1, 0xE3...0xED, 0xEF, 0xFE: return false  // Exif/XMP, other application data, IPTC, comments
        default: return true  // tables, frame headers, restart interval: the picture itself
        }
    }

    private static func stripJPEG(_ bytes: [UInt8]) -> [UInt8]? {
        guard let (segments, scan) = ImageType.jpegHeader(bytes) else { return nil }
        // An upright photo (orientation 1, or none) needs no Exif at all.
        let turned = orientation(bytes, segments).flatMap { $0 == 1 ? nil : minimalExif(orientation: $0) }
        var output: [UInt8] = [0xFF, 0xD8]
        output.reserveCapacity(bytes.count)
        var pendingExif = turned
        for (marker, range) in segments {
            // The orientation block goes right after the start of the image, or after JFIF where there is one.
            if marker != 0xE0, let exif = pendingExif {
                output += exif
                pendingExif = nil
            }
            if keeps(marker, bytes[(range.lowerBound + 4)..<range.upperBound]) { output += bytes[range] }
        }
        if let exif = pendingExif { output += exif }
        output += bytes[scan...]
        return output
    }

    /// Reads tag 0x0112 from IFD0 of an APP1 segment's body ("Exif\0\0" and a TIFF structure).
    static func exifOrientation(_ body: ArraySlice<UInt8>) -> Int? {
        let data = Array(body)
        guard data.count >= 14, data.starts(with: Array("Exif\u{0}\u{0}".utf8)) else { return nil }
        let tiff = 6
        let little: Bool
        switch (data[tiff], data[tiff + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func read16(_ at: Int) -> Int? {
            guard at >= 0, at + 1 < data.count else { return nil }
            return little ? Int(data[at]) | Int(data[at + 1]) << 8 : Int(data[at]) << 8 | Int(data[at + 1])
        }
        func read32(_ at: Int) -> Int? {
            guard let high = read16(little ? at + 2 : at), let low = read16(little ? at : at + 2) else { return nil }
            return high << 16 | low
        }
        guard read16(tiff + 2) == 42, let ifd = read32(tiff + 4), let count = read16(tiff + ifd) else { return nil }
        for entry in 0..<min(count, 500) {
            let at = tiff + ifd + 2 + entry * 12
            guard let tag = read16(at) else { return nil }
            if tag == 0x0112, read16(at + 2) == 3, let value = read16(at + 8), (1...8).contains(value) { return value }
        }
        return nil
    }

    /// An APP1 segment with an Exif block that holds the orientation and nothing else (big-endian TIFF, one IFD entry).
    static func minimalExif(orientation: Int) -> [UInt8] {
        let body: [UInt8] = Array("Exif\u{0}\u{0}".utf8)
            + [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]  // TIFF header, IFD0 at offset 8
            + [0x00, 0x01]  // one entry
            + [0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, UInt8(orientation), 0x00, 0x00]  // Orientation, SHORT, 1
            + [0x00, 0x00, 0x00, 0x00]  // no next IFD
        let length = body.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body
    }

    // MARK: - PNG

    private static let droppedChunks: Set<String> = ["tEXt", "zTXt", "iTXt", "eXIf", "tIME"]

    private static func stripPNG(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.starts(with: ImageType.pngSignature) else { return nil }
        var output = ImageType.pngSignature
        output.reserveCapacity(bytes.count)
        var index = ImageType.pngSignature.count
        while index < bytes.count {
            guard index + 8 <= bytes.count else { return nil }
            let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            let end = index + 12 + length
            guard length >= 0, end <= bytes.count else { return nil }
            let type = String(decoding: bytes[(index + 4)..<(index + 8)], as: UTF8.self)
            if !droppedChunks.contains(type) { output += bytes[index..<end] }
            index = end
            if type == "IEND" { return output }
        }
        return output  // chunks that end cleanly with the file, without IEND
    }
}
