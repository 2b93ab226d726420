/// What differs between two runs (`refinery provenance diff <a> <b>`): their arguments and host
/// build, their configuration and plugin inputs, and their outputs. Equal things are omitted.
public struct RunDiff: Codable, Sendable, Equatable {
    /// A value that differs between run a and run b.
    public struct ValueChange<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        public var a: Value
        public var b: Value

        public init(a: Value, b: Value) {
            self.a = a
            self.b = b
        }
    }

    /// One path whose recorded version differs between the runs.
    public struct ArtifactChange: Codable, Sendable, Equatable {
        public enum Change: String, Codable, Sendable {
            /// Both runs have the path, with different SHA-256.
            case modified
            case onlyInA
            case onlyInB
        }
        public var path: String
        public var change: Change
        public var a: ArtifactEntry?
        public var b: ArtifactEntry?

        public init(path: String, change: Change, a: ArtifactEntry?, b: ArtifactEntry?) {
            self.path = path
            self.change = change
            self.a = a
            self.b = b
        }
    }

    public var a: RunEntry
    public var b: RunEntry
    public var arguments: ValueChange<[String]>?
    /// "<version> (<commit>)" of the host build.
    public var host: ValueChange<String>?
    /// Inputs of kind `configuration`.
    public var configuration: [ArtifactChange]
    /// Inputs of kind `plugin`.
    public var plugins: [ArtifactChange]
    /// Outputs of any kind.
    public var outputs: [ArtifactChange]

    public var isEmpty: Bool {
        arguments == nil && host == nil && configuration.isEmpty && plugins.isEmpty && outputs.isEmpty
    }
}
