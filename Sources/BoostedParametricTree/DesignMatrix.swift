import Foundation

/// The base-point coordinate matrix P (P[ν][A] = ν_A, N_V × N_Δ) and the matrices derived from
/// it that the learner needs in every node.
///
/// - `solver` M = V⁻¹ Pᵀ (N_Δ × N_V, row-major), with V = Pᵀ P (eq. C.30), so the leaf
///   coefficients of eq. (C.29) are Δ_{A,j} = M_{Aν} log(σ_{jν}/σ_{j0}).
/// - `hat` H = P M (N_V × N_V), so the node prediction at every base point is
///   t_ν = ν_A Δ_A = H_{νμ} log(σ_{jμ}/σ_{j0}) without forming Δ during the split search.
struct DesignMatrix: Sendable, Equatable {
    let basePointCount: Int
    let termCount: Int
    /// P, row-major N_V × N_Δ.
    let coordinates: [Double]
    let solver: [Double]
    let hat: [Double]

    /// Builds the matrices; returns nil if V is singular (use ``RankAnalysis`` for the reason).
    init?(terms: [PolynomialTerm], basePoints: [[Double]]) {
        let nv = basePoints.count, nt = terms.count
        var p = [Double](repeating: 0, count: nv * nt)
        for (i, nu) in basePoints.enumerated() {
            for (a, term) in terms.enumerated() { p[i * nt + a] = term.value(at: nu) }
        }
        guard RankAnalysis.rank(of: p, rows: nv, columns: nt) == nt else { return nil }
        var v = [Double](repeating: 0, count: nt * nt)
        for a in 0..<nt {
            for b in 0..<nt {
                var s = 0.0
                for i in 0..<nv { s += p[i * nt + a] * p[i * nt + b] }
                v[a * nt + b] = s
            }
        }
        guard let vInverse = Self.inverse(v, n: nt) else { return nil }
        var m = [Double](repeating: 0, count: nt * nv)
        for a in 0..<nt {
            for i in 0..<nv {
                var s = 0.0
                for b in 0..<nt { s += vInverse[a * nt + b] * p[i * nt + b] }
                m[a * nv + i] = s
            }
        }
        var h = [Double](repeating: 0, count: nv * nv)
        for i in 0..<nv {
            for k in 0..<nv {
                var s = 0.0
                for a in 0..<nt { s += p[i * nt + a] * m[a * nv + k] }
                h[i * nv + k] = s
            }
        }
        basePointCount = nv
        termCount = nt
        coordinates = p
        solver = m
        hat = h
    }

    /// Gauss–Jordan inverse with partial pivoting; nil if a pivot vanishes.
    static func inverse(_ matrix: [Double], n: Int) -> [Double]? {
        var a = matrix
        var inv = [Double](repeating: 0, count: n * n)
        for i in 0..<n { inv[i * n + i] = 1 }
        let scale = matrix.map(abs).max() ?? 0
        for col in 0..<n {
            var pivot = col
            for r in col..<n where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
            guard abs(a[pivot * n + col]) > 1e-13 * scale else { return nil }
            if pivot != col {
                for c in 0..<n {
                    a.swapAt(pivot * n + c, col * n + c)
                    inv.swapAt(pivot * n + c, col * n + c)
                }
            }
            let d = a[col * n + col]
            for c in 0..<n { a[col * n + c] /= d; inv[col * n + c] /= d }
            for r in 0..<n where r != col {
                let f = a[r * n + col]
                if f == 0 { continue }
                for c in 0..<n {
                    a[r * n + c] -= f * a[col * n + c]
                    inv[r * n + c] -= f * inv[col * n + c]
                }
            }
        }
        return inv
    }
}

/// Rank and null space of the base-point coordinate matrix, used to explain which terms the
/// base points cannot determine.
enum RankAnalysis {
    /// Reduced row-echelon form with partial pivoting; returns (rref, pivot columns).
    static func rowEchelon(_ matrix: [Double], rows: Int, columns: Int) -> ([Double], [Int]) {
        var a = matrix
        let tolerance = 1e-10 * max(1, matrix.map(abs).max() ?? 0)
        var pivots: [Int] = []
        var row = 0
        for col in 0..<columns where row < rows {
            var best = row
            for r in row..<rows where abs(a[r * columns + col]) > abs(a[best * columns + col]) { best = r }
            if abs(a[best * columns + col]) <= tolerance { continue }
            for c in 0..<columns { a.swapAt(best * columns + c, row * columns + c) }
            let d = a[row * columns + col]
            for c in 0..<columns { a[row * columns + c] /= d }
            for r in 0..<rows where r != row {
                let f = a[r * columns + col]
                if f == 0 { continue }
                for c in 0..<columns { a[r * columns + c] -= f * a[row * columns + c] }
            }
            pivots.append(col)
            row += 1
        }
        return (a, pivots)
    }

    static func rank(of matrix: [Double], rows: Int, columns: Int) -> Int {
        rowEchelon(matrix, rows: rows, columns: columns).1.count
    }

    /// Indices of the columns (terms) that take part in some null vector of P: the terms whose
    /// coefficients the base points cannot separate.
    static func undeterminedColumns(_ matrix: [Double], rows: Int, columns: Int) -> [Int] {
        let (r, pivots) = rowEchelon(matrix, rows: rows, columns: columns)
        var involved = Set<Int>()
        for free in 0..<columns where !pivots.contains(free) {
            involved.insert(free)
            for (i, pivot) in pivots.enumerated() where abs(r[i * columns + free]) > 1e-10 {
                involved.insert(pivot)
            }
        }
        return involved.sorted()
    }
}
