import Foundation

/// A weighted binary classifier trained by XGBoost (`binary:logistic`, the hyper-parameters
/// of ``ClassifierSettings``). Features are row-major, `featureCount` per event, converted to
/// Float32 (XGBoost's storage type).
struct XGBoostClassifier {
    let library: XGBoostLibrary

    init() throws { library = try XGBoostLibrary.load() }

    /// Trains on (x, labels, weights) and returns P(label = 1 | x) for every row of `predictX`.
    func fitPredict(x: [Float], labels: [Float], weights: [Float], featureCount: Int,
                    predictX: [Float], settings: ClassifierSettings, threads: Int) throws -> [Float] {
        let train = try matrix(x, featureCount: featureCount, threads: threads)
        defer { _ = library.dMatrixFree(train) }
        try setInfo(train, "label", labels)
        try setInfo(train, "weight", weights)
        let test = try matrix(predictX, featureCount: featureCount, threads: threads)
        defer { _ = library.dMatrixFree(test) }

        var booster: XGBoostLibrary.Handle?
        var matrices: [XGBoostLibrary.Handle?] = [train]
        try library.check(library.boosterCreate(&matrices, 1, &booster), "XGBoosterCreate")
        defer { _ = library.boosterFree(booster) }
        for (name, value) in settings.parameters(threads: threads) {
            try library.check(library.setParam(booster, name, value), "XGBoosterSetParam(\(name)=\(value))")
        }
        for round in 0..<settings.rounds {
            try library.check(library.updateOneIter(booster, Int32(round), train), "XGBoosterUpdateOneIter(round \(round))")
        }
        var length: UInt64 = 0
        var result: UnsafePointer<Float>?
        try library.check(library.predict(booster, test, 0, 0, 0, &length, &result), "XGBoosterPredict")
        guard let result, Int(length) == predictX.count / featureCount else {
            throw XGBoostError.call(function: "XGBoosterPredict", code: 0,
                                    message: "returned \(length) predictions for \(predictX.count / featureCount) events")
        }
        // XGBoost owns `result` until the booster is freed: copy it out first.
        return Array(UnsafeBufferPointer(start: result, count: Int(length)))
    }

    private func matrix(_ x: [Float], featureCount: Int, threads: Int) throws -> XGBoostLibrary.Handle? {
        var handle: XGBoostLibrary.Handle?
        let rows = UInt64(x.count / max(featureCount, 1))
        try x.withUnsafeBufferPointer { buffer in
            // NaN marks missing values; the data sets hold none (their readers refuse non-finite x).
            try library.check(library.createFromMat(buffer.baseAddress, rows, UInt64(featureCount), .nan, &handle, Int32(threads)),
                              "XGDMatrixCreateFromMat")
        }
        return handle
    }

    private func setInfo(_ matrix: XGBoostLibrary.Handle?, _ field: String, _ values: [Float]) throws {
        try values.withUnsafeBufferPointer { buffer in
            try library.check(library.setFloatInfo(matrix, field, buffer.baseAddress, UInt64(values.count)),
                              "XGDMatrixSetFloatInfo(\(field))")
        }
    }
}
