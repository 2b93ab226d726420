import EventData
import Foundation

/// Everything the inference engine refuses, with the name, index or value involved.
public enum InferenceError: LocalizedError, Equatable {
    case shapeMismatch(array: String, expected: [Int], actual: [Int])
    case notFinite(array: String, event: Int, column: Int)
    case nonPositiveRate(source: String, event: Int, rate: Double)
    case duplicateNuisance(name: String, firstFactor: String, secondFactor: String)
    case unknownNuisanceInTerm(factor: String, name: String)
    case invalidTerm(factor: String, term: String, reason: String)
    case invalidValue(name: String, value: Double, reason: String)
    case unknownParameter(name: String, known: [String])
    case notConverged(method: String, point: [String: Double], q: Double, gradientNorm: Double, iterations: Int)
    case asimovNotAtSM(q: Double, gradientNorm: Double)
    case optimizer(reason: String)
    case spec(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .shapeMismatch(array, expected, actual):
            return "\(array): expected shape \(expected), found \(actual)"
        case let .notFinite(array, event, column):
            return "\(array): non-finite value (NaN or inf) at event \(event), column \(column)"
        case let .nonPositiveRate(source, event, rate):
            return "\(source): the model rate R is \(rate) ≤ 0 at event \(event); the log in eq. (94) is undefined there — the SMEFT coefficients of that event are unphysical at this point"
        case let .duplicateNuisance(name, first, second):
            return "nuisance '\(name)' is declared twice: in '\(first)' and in '\(second)'; each nuisance belongs to exactly one factor"
        case let .unknownNuisanceInTerm(factor, name):
            return "factor '\(factor)': term uses '\(name)', which is not one of the factor's nuisances"
        case let .invalidTerm(factor, term, reason):
            return "factor '\(factor)': term \(term) \(reason)"
        case let .invalidValue(name, value, reason):
            return "\(name) = \(value): \(reason)"
        case let .unknownParameter(name, known):
            let hint = Suggestion.closest(to: name, in: known).map { " Did you mean '\($0)'?" } ?? ""
            return "unknown parameter '\(name)'.\(hint) Known: \(known.joined(separator: ", "))"
        case let .notConverged(method, point, q, gradientNorm, iterations):
            let p = point.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(format: "%.6g", $0.value))" }.joined(separator: " ")
            return "minimization (\(method)) did not converge after \(iterations) iterations at q=\(q), |grad|=\(gradientNorm): \(p)"
        case let .asimovNotAtSM(q, gradientNorm):
            return "Asimov check failed: at the SM point q=\(q) and |grad q|=\(gradientNorm), both must be 0 (eq. 94); the weights or coefficients are inconsistent"
        case let .optimizer(reason):
            return "optimizer: \(reason)"
        case let .spec(path, reason):
            return "\(path): \(reason)"
        }
    }
}
