import Vapor

/// An error a user can cause, with its message as a key of the localization catalog,
/// so that the error page speaks the user's language.
struct UserError: AbortError {
    var status: HTTPResponseStatus
    var messageKey: String
    var arguments: [String]

    init(_ status: HTTPResponseStatus, _ messageKey: String, _ arguments: String...) {
        self.status = status
        self.messageKey = messageKey
        self.arguments = arguments
    }

    var reason: String { messageKey }
}
