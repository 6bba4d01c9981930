/// Only paths on this site are followed after a language switch or a login,
/// so that a crafted link cannot send a resident elsewhere.
public enum SafeRedirect {
    public static func localPath(_ candidate: String?, fallback: String = "/") -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"),
              !candidate.contains("\\"), !candidate.contains("\r"), !candidate.contains("\n")
        else { return fallback }
        return candidate
    }
}
