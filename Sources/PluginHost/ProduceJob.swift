/// Everything a worker needs to make a systematic's synthetic data sets D(ν).
public struct ProduceJob: Codable, Sendable, Equatable {
    public var systematic: String
    /// The plugin library's path.
    public var plugin: String
    public var configJSON: String
    /// The nominal sample's folder (and the alternative-generator sample's, for that kind).
    public var nominal: String
    public var alternative: String?
    /// The staging folder D(ν) are written into (`nu<k>`): the only place the worker may write.
    public var output: String
    public var basePoints: [[Double]]

    public init(systematic: String, plugin: String, configJSON: String, nominal: String, alternative: String?,
                output: String, basePoints: [[Double]]) {
        self.systematic = systematic
        self.plugin = plugin
        self.configJSON = configJSON
        self.nominal = nominal
        self.alternative = alternative
        self.output = output
        self.basePoints = basePoints
    }
}
