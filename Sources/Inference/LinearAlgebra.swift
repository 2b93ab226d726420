/// Small dense symmetric systems (at most a few tens of parameters), row-major.
enum LinearAlgebra {
    /// Solves A y = b for symmetric positive-definite A by Cholesky; nil when A is not
    /// numerically positive definite (the caller then damps or falls back).
    static func solveSPD(_ a: [Double], _ b: [Double]) -> [Double]? {
        let n = b.count
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { y[i] -= l[k * n + i] * y[k] }
            y[i] /= l[i * n + i]
        }
        return y
    }

    /// The inverse of an SPD matrix, column by column.
    static func inverseSPD(_ a: [Double], size n: Int) -> [Double]? {
        var inv = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[j] = 1
            guard let col = solveSPD(a, e) else { return nil }
            for i in 0..<n { inv[i * n + j] = col[i] }
        }
        return inv
    }

    /// Rows and columns `keep` of an n×n matrix.
    static func submatrix(_ a: [Double], size n: Int, keep: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: keep.count * keep.count)
        for (i, r) in keep.enumerated() { for (j, c) in keep.enumerated() { out[i * keep.count + j] = a[r * n + c] } }
        return out
    }
}
