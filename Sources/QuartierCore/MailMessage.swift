import Foundation

/// An e-mail as handed to sendmail: RFC 5322 headers, UTF-8 text in quoted-printable,
/// non-ASCII header words encoded after RFC 2047.
public struct MailMessage: Codable, Equatable, Sendable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    public var headers: [String: String]
    public var attachments: [Attachment]

    /// A text file sent along, such as the `.ics` of an invitation.
    public struct Attachment: Codable, Equatable, Sendable {
        public var filename: String
        /// The full content type, e.g. `text/calendar; charset=UTF-8; method=PUBLISH`.
        public var contentType: String
        public var text: String

        public init(filename: String, contentType: String, text: String) {
            self.filename = filename
            self.contentType = contentType
            self.text = text
        }
    }

    public init(from: String, to: String, subject: String, body: String, headers: [String: String] = [:], attachments: [Attachment] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.headers = headers
        self.attachments = attachments
    }

    /// True for a plain address without line breaks or several recipients.
    public static func isValidAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              address.count <= 254
        else { return false }
        return !address.contains { $0.isWhitespace || ",;<>\"()[]\\".contains($0) }
    }

    public func rendered(messageID: String, date: Date) -> String {
        var lines = [
            "From: \(Self.sanitized(from))",
            "To: \(Self.sanitized(to))",
            "Subject: \(Self.encodedWord(Self.sanitized(subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            lines.append("\(Self.sanitized(name)): \(Self.sanitized(value))")
        }
        let text = "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + Self.quotedPrintable(body)
        guard !attachments.isEmpty else {
            return lines.joined(separator: "\r\n") + "\r\n" + text
        }
        // The boundary is derived from the message id, which never occurs in quoted-printable text.
        let boundary = "quartier-" + messageID.filter { $0.isLetter || $0.isNumber }
        lines.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        var parts = ["--\(boundary)\r\n" + text]
        for attachment in attachments {
            let name = Self.sanitized(attachment.filename).replacingOccurrences(of: "\"", with: "")
            parts.append("--\(boundary)\r\nContent-Type: \(Self.sanitized(attachment.contentType))\r\n"
                + "Content-Disposition: attachment; filename=\"\(name)\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + Self.quotedPrintable(attachment.text))
        }
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + parts.joined(separator: "\r\n") + "\r\n--\(boundary)--\r\n"
    }

    /// Header values never carry line breaks: that would let input add headers.
    static func sanitized(_ value: String) -> String {
        value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        // Short chunks keep every encoded word below the 75-character limit of RFC 2047.
        var words: [String] = []
        var chunk = ""
        for character in text {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var encoded = ""
            var lineLength = 0
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let piece: String
                if (byte >= 33 && byte <= 126 && byte != 61) || (byte == 32 && !isLast) {
                    piece = String(UnicodeScalar(byte))
                } else {
                    piece = String(format: "=%02X", byte)
                }
                if lineLength + piece.count > 75 {
                    encoded += "=\r\n"
                    lineLength = 0
                }
                encoded += piece
                lineLength += piece.count
            }
            return encoded
        }.joined(separator: "\r\n")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
