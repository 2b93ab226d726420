import Foundation

/// Errors raised while reading or writing data sets. Every case names the file involved and
/// says what to do about it.
public enum EventDataError: LocalizedError, Equatable {
    case notNpy(path: String, reason: String)
    case unsupportedDType(path: String, dtype: String, expected: String)
    case shapeMismatch(path: String, shape: [Int], expected: String)
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    case hashMismatch(path: String, recorded: String, actual: String)
    case missingFile(path: String)
    case manifest(path: String, reason: String)
    case outputExists(path: String)
    case io(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .notNpy(path, reason):
            return "\(path) is not a NumPy .npy file (\(reason)). Regenerate it with `refinery simulate`."
        case let .unsupportedDType(path, dtype, expected):
            return "\(path) holds dtype '\(dtype)', expected '\(expected)'. Write it with numpy as that dtype."
        case let .shapeMismatch(path, shape, expected):
            return "\(path) has shape \(shape), expected \(expected)."
        case let .truncated(path, expected, actual):
            return "\(path) is truncated: the header promises \(expected) data bytes but the file holds \(actual). Regenerate the data set."
        case let .hashMismatch(path, recorded, actual):
            return "\(path) was modified after it was written: its SHA-256 is \(actual.prefix(16))…, the manifest records \(recorded.prefix(16))…. Regenerate the data set (`refinery simulate --force`) or restore the file."
        case let .missingFile(path):
            return "\(path) is missing. Regenerate the data set."
        case let .manifest(path, reason):
            return "\(path): \(reason)"
        case let .outputExists(path):
            return "\(path) already exists. Pass --force to overwrite it."
        case let .io(path, reason):
            return "\(path): \(reason)"
        }
    }
}
