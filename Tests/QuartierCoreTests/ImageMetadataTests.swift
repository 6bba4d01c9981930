import Testing
@testable import QuartierCore

@Suite("Photo metadata: GPS, time, device and author are removed; the picture and its orientation stay")
struct ImageMetadataTests {
    static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, marker, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }

    /// An Exif block as a phone writes it, little-endian: orientation, a camera model and a GPS IFD pointer in IFD0.
    static func phoneExif(orientation: UInt8) -> [UInt8] {
        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x03, 0x00]
        tiff += [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, orientation, 0x00, 0x00, 0x00]  // Orientation
        tiff += [0x10, 0x01, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00] + Array("Fon".utf8) + [0x00]  // Model "Fon"
        tiff += [0x25, 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x32, 0x00, 0x00, 0x00]  // GPS IFD at 50
        tiff += [0x00, 0x00, 0x00, 0x00]
        tiff += Array("GPS 51.4556N 7.0116E Hauptstrasse 12".utf8)
        return Array("Exif\u{0}\u{0}".utf8) + tiff
    }

    static let scan: [UInt8] = segment(0xDA, [0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]) + [0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]
    static let tables: [UInt8] = segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64)) + segment(0xC0, [0x08, 0x00, 0x02, 0x00, 0x03, 0x01, 0x01, 0x11, 0x00])
    static let jfif: [UInt8] = segment(0xE0, Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])

    @Test("A phone's JPEG loses Exif, XMP, IPTC and comments, keeps JFIF, the ICC profile, the tables and the picture byte for byte")
    func jpeg() throws {
        let icc = Self.segment(0xE2, Array("ICC_PROFILE\u{0}".utf8) + [0x01, 0x01, 0xAA, 0xBB])
        let photo: [UInt8] = [0xFF, 0xD8] + Self.jfif + Self.segment(0xE1, Self.phoneExif(orientation: 6))
            + Self.segment(0xE1, Array("http://ns.adobe.com/xap/1.0/\u{0}<x:xmpmeta>Rosa Beispiel</x:xmpmeta>".utf8))
            + icc + Self.segment(0xED, Array("Photoshop 3.0\u{0}8BIM author Rosa".utf8)) + Self.segment(0xFE, Array("Rosa's phone".utf8))
            + Self.tables + Self.scan
        #expect(ImageMetadata.orientation(ofJPEG: photo) == 6)
        let clean = try #require(ImageMetadata.strip(photo, type: .jpeg))
        let text = String(decoding: clean, as: UTF8.self)
        for secret in ["GPS", "Hauptstrasse", "Fon", "Rosa", "xmpmeta", "8BIM"] { #expect(!text.contains(secret), "\(secret)") }
        #expect(clean == [0xFF, 0xD8] + Self.jfif + ImageMetadata.minimalExif(orientation: 6) + icc + Self.tables + Self.scan)
        // The orientation is still there for the browser to turn the picture upright.
        #expect(ImageMetadata.orientation(ofJPEG: clean) == 6)
        // Stripping twice changes nothing more.
        #expect(ImageMetadata.strip(clean, type: .jpeg) == clean)
    }

    @Test("An upright photo needs no Exif at all; fill bytes before a marker are dropped, not copied into the output")
    func uprightAndFill() throws {
        let photo: [UInt8] = [0xFF, 0xD8, 0xFF, 0xFF] + Self.segment(0xE1, Self.phoneExif(orientation: 1)) + Self.tables + Self.scan
        #expect(ImageMetadata.strip(photo, type: .jpeg) == [0xFF, 0xD8] + Self.tables + Self.scan)
        // Without JFIF, the orientation block comes right after the start of the image.
        let turned: [UInt8] = [0xFF, 0xD8] + Self.segment(0xE1, Self.phoneExif(orientation: 8)) + Self.tables + Self.scan
        #expect(ImageMetadata.strip(turned, type: .jpeg) == [0xFF, 0xD8] + ImageMetadata.minimalExif(orientation: 8) + Self.tables + Self.scan)
    }

    @Test("A broken JPEG or PNG is refused: a segment or chunk that runs past the end, or no start marker")
    func broken() {
        let photo: [UInt8] = [0xFF, 0xD8] + Self.jfif + Self.tables + Self.scan
        #expect(ImageMetadata.strip(Array(photo.prefix(25)), type: .jpeg) == nil)
        #expect(ImageMetadata.strip([0xFF, 0xD8, 0x12, 0x34], type: .jpeg) == nil)
        #expect(ImageMetadata.strip(Array("not a picture".utf8), type: .png) == nil)
        let png = Self.png(chunks: [("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]), ("IDAT", [1, 2, 3]), ("IEND", [])])
        #expect(ImageMetadata.strip(Array(png.prefix(png.count - 5)), type: .png) == nil)
    }

    static func png(chunks: [(String, [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for (type, data) in chunks {
            bytes += [UInt8(data.count >> 24), UInt8((data.count >> 16) & 0xFF), UInt8((data.count >> 8) & 0xFF), UInt8(data.count & 0xFF)]
            bytes += Array(type.utf8) + data + [0xDE, 0xAD, 0xBE, 0xEF]  // the CRC is copied, not checked
        }
        return bytes
    }

    @Test("A PNG loses its text, Exif and time chunks and keeps everything else in order")
    func png() throws {
        let kept: [(String, [UInt8])] = [("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]), ("iCCP", [1, 2]), ("IDAT", [9, 8, 7]), ("IEND", [])]
        let photo = Self.png(chunks: [kept[0], ("tEXt", Array("Author\u{0}Rosa".utf8)), kept[1], ("eXIf", Self.phoneExif(orientation: 1)),
                                      ("iTXt", Array("GPS\u{0}51.4N".utf8)), ("tIME", [7, 234, 11, 27, 12, 0, 0]), kept[2], ("zTXt", [1]), kept[3]])
        #expect(ImageMetadata.strip(photo, type: .png) == Self.png(chunks: kept))
    }
}
