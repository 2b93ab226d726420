import Foundation

public enum SurrogateValidationError: LocalizedError, Equatable {
    case noSurrogate(systematic: String, path: String, command: String)
    case noDataSets(systematic: String, path: String, command: String)
    case trainedOnEveryEvent(systematic: String, command: String)
    case noEventColumn(systematic: String, path: String, surrogate: String, command: String)
    case testFailed(systematic: String, message: String)
    case failures([String])

    public var errorDescription: String? {
        switch self {
        case let .noSurrogate(name, path, command):
            return "\(name): no surrogate at \(path); train it first: \(command)"
        case let .noDataSets(name, path, command):
            return "\(name): its synthetic data sets are missing (\(path)); make them (and the surrogate) with: \(command)"
        case let .trainedOnEveryEvent(name, command):
            return "\(name): the surrogate was trained on every event, so there are no events it has not seen to test it on "
                + "(a surrogate looks better than it is on its own training events). Set `validation: {hold_out_test_events: true}` "
                + "in refinery.yaml and retrain: \(command)"
        case let .noEventColumn(name, path, surrogate, command):
            return "\(name): the recalibrated data set \(path) does not say which nominal event each row is (no `event` column; "
                + "made by an older Refinery), so an event and its recalibrated twin could land in opposite classes. Remake the "
                + "data sets: remove \(surrogate), then run \(command)"
        case let .testFailed(name, message):
            return "\(name): the classifier two-sample test failed: \(message)"
        case let .failures(names):
            return "the classifier two-sample test did not pass for: \(names.joined(separator: ", ")) (see validation/<name>/c2st.md)"
        }
    }
}
