import Foundation

/// Names that become files or folders under a workspace (systematic names): a documented
/// character set, so that a name can never be a path (docs/workspace-config.md, docs/security.md).
public enum FileName {
    /// The rule, as error messages and docs state it.
    public static let rule = "use 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit (no '/', no '..')"

    static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")

    public static func isValid(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber,
              name.count <= 64, name.allSatisfy(allowed.contains), !name.contains("..") else { return false }
        return true
    }
}
