/// How a systematic's synthetic data sets are made (paper section 4.4).
public enum SystematicKind: String, Codable, Sendable, CaseIterable {
    case reweight, calibrate, alternative
}
