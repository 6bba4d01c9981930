import Foundation
import QuartierCore

/// Hands a message to the local sendmail program (or a compatible one such as msmtp) on its standard input.
struct Sendmail: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let command: [String]

    func deliver(_ message: String) async throws {
        let command = self.command
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                do {
                    try Self.run(command, input: message)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func run(_ command: [String], input: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst()) + ["-t", "-i"]
        let stdin = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start \(command[0]): \(error.localizedDescription)")
        }
        // A program that exits without reading its input must not take Quartier down with SIGPIPE;
        // its exit status tells what went wrong.
        signal(SIGPIPE, SIG_IGN)
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let errorOutput = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let text = String(decoding: errorOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "\(command[0]) exited with \(process.terminationStatus): \(text.prefix(500))")
        }
    }
}
