import Foundation

/// Where the mail the tests send ends up. In CI, QUARTIER_SENDMAIL is msmtp talking SMTP to a local aiosmtpd
/// that files every message in the maildir QUARTIER_TEST_MAILDIR. Elsewhere a small sendmail stand-in script
/// files each message it reads on standard input into a folder. Either way a real program is run and the
/// message read back is the one that program received.
enum MailSink {
    static let directory: URL = {
        if let maildir = ProcessInfo.processInfo.environment["QUARTIER_TEST_MAILDIR"] {
            return URL(fileURLWithPath: maildir).appendingPathComponent("new")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quartier-test-mail-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    static let sendmailCommand: String = {
        if ProcessInfo.processInfo.environment["QUARTIER_TEST_MAILDIR"] != nil,
           let command = ProcessInfo.processInfo.environment["QUARTIER_SENDMAIL"] {
            return command
        }
        let script = directory.deletingLastPathComponent().appendingPathComponent("quartier-test-sendmail-\(getpid()).sh")
        let text = "#!/bin/sh\nf=\"\(directory.path)/$(date +%s%N)-$$.eml\"\ncat > \"$f.tmp\" && mv \"$f.tmp\" \"$f\"\n"
        FileManager.default.createFile(atPath: script.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o755])
        return script.path
    }()

    /// The raw messages whose text contains `marker`.
    static func messages(containing marker: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.compactMap { try? String(contentsOf: $0, encoding: .utf8) }.filter { $0.contains(marker) }
    }
}
