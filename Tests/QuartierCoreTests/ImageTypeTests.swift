import Foundation
import Testing
@testable import QuartierCore

@Suite("Photo types")
struct ImageTypeTests {
    static let png = PNGWriter.rgb(width: 3, height: 2, pixels: [UInt8](repeating: 0x80, count: 3 * 2 * 3))
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x01, 0x01, 0x11, 0x00]

    @Test("A photo's type comes from its content and must match its name")
    func detection() {
        #expect(ImageType.detect(filename: "foto.png", bytes: Self.png) == .png)
        #expect(ImageType.detect(filename: "FOTO.PNG", bytes: Self.png) == .png)
        #expect(ImageType.detect(filename: "foto.jpg", bytes: Self.jpeg) == .jpeg)
        #expect(ImageType.detect(filename: "foto.jpeg", bytes: Self.jpeg) == .jpeg)
        #expect(ImageType.detect(filename: "foto.jpg", bytes: Self.png) == nil, "a PNG named .jpg")
        #expect(ImageType.detect(filename: "foto.png", bytes: Self.jpeg) == nil, "a JPEG named .png")
        #expect(ImageType.detect(filename: "bild.gif", bytes: Array("GIF89a".utf8) + [1, 0, 1, 0]) == nil, "GIF is not accepted")
        #expect(ImageType.detect(filename: "bild.png", bytes: Array("GIF89a".utf8) + [1, 0, 1, 0]) == nil, "a GIF named .png")
        #expect(ImageType.detect(filename: "protokoll.png", bytes: Array("%PDF-1.7\n".utf8)) == nil)
        #expect(ImageType.detect(filename: "png", bytes: Self.png) == nil, "no extension")
        #expect(ImageType.detect(filename: "foto.png", bytes: []) == nil)
    }

    @Test("Truncated or damaged headers are refused; sizes are read from PNG and JPEG headers")
    func headers() {
        #expect(ImageType.dimensions(of: Self.png).map { [$0.width, $0.height] } == [3, 2])
        #expect(ImageType.dimensions(of: Self.jpeg).map { [$0.width, $0.height] } == [640, 480], "a progressive frame")
        #expect(ImageType.detect(filename: "a.png", bytes: Array(Self.png.prefix(25))) == nil, "cut inside IHDR")
        var damaged = Self.png
        damaged[18] ^= 0xFF
        #expect(ImageType.detect(filename: "a.png", bytes: damaged) == nil, "IHDR no longer matches its CRC")
        #expect(ImageType.detect(filename: "a.jpg", bytes: [0xFF, 0xD8, 0xFF]) == nil, "only the start marker")
        #expect(ImageType.detect(filename: "a.jpg", bytes: [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02]) == nil, "scan before any frame")
        #expect(ImageType.acceptedExtensions == ".jpg,.jpeg,.png")
        #expect(ImageType.png.mimeType == "image/png" && ImageType.jpeg.mimeType == "image/jpeg")
    }

    @Test("The PNG writer produces chunks with correct CRCs and a zlib stream of stored blocks")
    func pngWriter() {
        // CRC-32 of "IEND" is a known constant.
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let large = PNGWriter.rgb(width: 200, height: 200, pixels: [UInt8](repeating: 7, count: 200 * 200 * 3))
        #expect(ImageType.detect(filename: "gross.png", bytes: large) == .png)
        // IEND closes the file with its fixed CRC.
        #expect(Array(large.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
        // 200 rows of 601 bytes need two stored blocks; the first is not final.
        let idat = Array(large[33...])
        #expect(Array(idat[4..<8]) == Array("IDAT".utf8))
        #expect(idat[8] == 0x78 && idat[10] == 0)
    }
}
