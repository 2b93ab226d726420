import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// XGBoost's C API (`xgboost/c_api.h`, Debian's libxgboost0 / libxgboost-dev), opened at run
/// time with dlopen so that a machine without it gets a message naming the package instead of
/// a loader error before `main`, and so that only `validate` needs it.
///
/// This file and `XGBoostClassifier.swift` are the only code that calls XGBoost; every return
/// code is read by ``XGBoostLibrary/check(_:_:)``, which turns a failure into an
/// ``XGBoostError`` carrying `XGBGetLastError()`'s own text.
final class XGBoostLibrary: @unchecked Sendable {
    typealias Handle = UnsafeMutableRawPointer
    typealias GetLastError = @convention(c) () -> UnsafePointer<CChar>?
    typealias Version = @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Void
    typealias CreateFromMat = @convention(c) (UnsafePointer<Float>?, UInt64, UInt64, Float, UnsafeMutablePointer<Handle?>?, Int32) -> Int32
    typealias SetFloatInfo = @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<Float>?, UInt64) -> Int32
    typealias Free = @convention(c) (Handle?) -> Int32
    typealias BoosterCreate = @convention(c) (UnsafePointer<Handle?>?, UInt64, UnsafeMutablePointer<Handle?>?) -> Int32
    typealias SetParam = @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    typealias UpdateOneIter = @convention(c) (Handle?, Int32, Handle?) -> Int32
    typealias Predict = @convention(c) (Handle?, Handle?, Int32, UInt32, Int32, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UnsafePointer<Float>?>?) -> Int32

    /// The Debian package that ships the shared library, named in every "not found" message.
    static let debianPackage = "libxgboost0 (apt-get install libxgboost-dev, or scripts/ensure-deps.sh)"
    /// Sonames tried in order; `REFINERY_XGBOOST_LIBRARY` (a path) replaces them, for tests and
    /// for a private build of XGBoost.
    static let sonames = ["libxgboost.so.0", "libxgboost.so"]

    let path: String
    let getLastError: GetLastError
    let createFromMat: CreateFromMat
    let setFloatInfo: SetFloatInfo
    let dMatrixFree: Free
    let boosterCreate: BoosterCreate
    let boosterFree: Free
    let setParam: SetParam
    let updateOneIter: UpdateOneIter
    let predict: Predict
    let version: String

    /// The process-wide library, opened on first use (nil result cached as the error).
    static let shared: Result<XGBoostLibrary, XGBoostError> = Result {
        try XGBoostLibrary(candidates: ProcessInfo.processInfo.environment["REFINERY_XGBOOST_LIBRARY"].map { [$0] } ?? sonames)
    }.mapError { $0 as? XGBoostError ?? .libraryMissing(tried: sonames, reason: "\($0)") }

    static func load() throws -> XGBoostLibrary { try shared.get() }

    init(candidates: [String]) throws {
        // XGBoost's OpenMP threads spin while waiting by default, which on a shared machine (other
        // builds, other engineers) costs more than it saves: sleep instead, unless the user chose.
        setenv("OMP_WAIT_POLICY", "PASSIVE", 0)
        var handle: UnsafeMutableRawPointer?
        var reasons: [String] = []
        var opened = ""
        for name in candidates {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { opened = name; break }
            reasons.append(dlerror().map { String(cString: $0) } ?? name)
        }
        guard let handle else { throw XGBoostError.libraryMissing(tried: candidates, reason: reasons.joined(separator: "; ")) }
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else {
                throw XGBoostError.symbolMissing(library: opened, symbol: name)
            }
            return unsafeBitCast(pointer, to: type)
        }
        path = opened
        getLastError = try symbol("XGBGetLastError", as: GetLastError.self)
        createFromMat = try symbol("XGDMatrixCreateFromMat_omp", as: CreateFromMat.self)
        setFloatInfo = try symbol("XGDMatrixSetFloatInfo", as: SetFloatInfo.self)
        dMatrixFree = try symbol("XGDMatrixFree", as: Free.self)
        boosterCreate = try symbol("XGBoosterCreate", as: BoosterCreate.self)
        boosterFree = try symbol("XGBoosterFree", as: Free.self)
        setParam = try symbol("XGBoosterSetParam", as: SetParam.self)
        updateOneIter = try symbol("XGBoosterUpdateOneIter", as: UpdateOneIter.self)
        predict = try symbol("XGBoosterPredict", as: Predict.self)
        let versionFunction = try symbol("XGBoostVersion", as: Version.self)
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        versionFunction(&major, &minor, &patch)
        version = "\(major).\(minor).\(patch)"
    }

    /// Reads one return code: 0 is success, anything else throws with XGBoost's own message.
    func check(_ code: Int32, _ call: String) throws {
        guard code != 0 else { return }
        var message = getLastError().map { String(cString: $0) } ?? "(no message)"
        // XGBoost appends its C++ stack trace; the sentence before it is what the user needs.
        if let trace = message.range(of: "Stack trace:") { message = String(message[..<trace.lowerBound]) }
        throw XGBoostError.call(function: call, code: code, message: message)
    }
}

/// What went wrong in XGBoost, with its own words.
public enum XGBoostError: LocalizedError, Equatable, Sendable {
    case libraryMissing(tried: [String], reason: String)
    case symbolMissing(library: String, symbol: String)
    case call(function: String, code: Int32, message: String)

    public var errorDescription: String? {
        switch self {
        case let .libraryMissing(tried, reason):
            return "XGBoost is not installed: could not open \(tried.joined(separator: " or ")) (\(reason)). "
                + "Install the Debian package \(XGBoostLibrary.debianPackage)."
        case let .symbolMissing(library, symbol):
            return "\(library) has no \(symbol): XGBoost ≥ 1.4 is needed; install the Debian package \(XGBoostLibrary.debianPackage)."
        case let .call(function, code, message):
            return "XGBoost \(function) failed (\(code)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }
}
