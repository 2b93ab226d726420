import Validation

/// `validation:` in refinery.yaml: the classifier two-sample test of `refinery validate`
/// (docs/validation.md) and whether training keeps the test's events out.
///
/// Every field is optional; the classifier's fields override ``ClassifierSettings``' defaults.
public struct ValidationSection: Codable, Equatable, Sendable {
    /// Train every surrogate on the training part of the workspace's `held_out` split only, so
    /// that the held-out part is events the surrogate never saw and `validate` can test on
    /// them. Off (the default), surrogates learn from every event (Algorithm 1 as published)
    /// and `validate` refuses to test them: on its own training events a surrogate looks
    /// better than it is.
    public var holdOutTestEvents: Bool
    public var classifier: ClassifierSettings

    public init(holdOutTestEvents: Bool = false, classifier: ClassifierSettings = ClassifierSettings()) {
        self.holdOutTestEvents = holdOutTestEvents
        self.classifier = classifier
    }

    static let holdOutKey = "hold_out_test_events"
    /// The keys the section may hold (refinery.yaml is parsed strictly).
    public static var allowedKeys: [String] { [holdOutKey] + ClassifierSettings.keys }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        holdOutTestEvents = try container.decodeIfPresent(Bool.self, forKey: Key(stringValue: Self.holdOutKey)) ?? false
        classifier = try ClassifierSettings(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(holdOutTestEvents, forKey: Key(stringValue: Self.holdOutKey))
        try classifier.encode(to: encoder)
    }
}
