/// One call into plugin code, as named in messages: "produce at base point ν=(1)".
public struct WorkerCall: Codable, Equatable, Sendable, CustomStringConvertible {
    public enum Function: String, Codable, Sendable { case load, describe, create, produce }
    public var function: Function
    /// The base point's label (`SyntheticValidator.label`), for `produce`.
    public var basePoint: String?

    public init(_ function: Function, basePoint: String? = nil) {
        self.function = function
        self.basePoint = basePoint
    }

    public var description: String {
        basePoint.map { "\(function.rawValue) at base point \($0)" } ?? function.rawValue
    }
}
