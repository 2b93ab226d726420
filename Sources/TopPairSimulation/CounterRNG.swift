// Counter-based random numbers: every event owns its own stream, keyed by
// (seed, generator stream, event index), so a sample is bit-identical whatever the
// number of threads or the chunking (physics-toy.md, "Determinism").

/// A counter-based random number generator for one event.
///
/// The n-th number of an event is `mix(key + n · γ)` with the SplitMix64 finalizer `mix`
/// and the golden-ratio increment γ: a pure function of (seed, stream, event index, n).
/// No state is shared between events, so events can be generated in any order.
/// Fixed size, no heap allocation.
public struct CounterRNG: Sendable {
    /// The per-event key, a hash of (seed, stream, event index).
    public let key: UInt64
    /// Numbers drawn so far.
    public var counter: UInt64 = 0

    @usableFromInline static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The SplitMix64 output function (Stafford variant 13): a bijective 64-bit mixer.
    @inlinable @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The key of one event. Mixing each component in turn avoids the trivial collisions
    /// of `seed + index` (seed 1 event 0 equal to seed 0 event 1).
    @inlinable
    public static func eventKey(seed: UInt64, stream: UInt64, index: UInt64) -> UInt64 {
        var h = mix(seed &+ 0x632B_E59B_D9B4_E019)
        h = mix(h ^ (stream &* 0xD1B5_4A32_D192_ED03))
        h = mix(h ^ (index &* gamma))
        return h
    }

    public init(seed: UInt64, stream: UInt64, index: UInt64) {
        key = CounterRNG.eventKey(seed: seed, stream: stream, index: index)
    }

    /// A sub-stream of the same event (e.g. the NLO weight sign), independent of how many
    /// numbers the main stream consumed.
    public func substream(_ tag: UInt64) -> CounterRNG {
        CounterRNG(rawKey: CounterRNG.mix(key ^ (tag &* 0xA24B_AED4_963E_E407)))
    }

    @usableFromInline init(rawKey: UInt64) { key = rawKey }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func nextBits() -> UInt64 {
        counter &+= 1
        return CounterRNG.mix(key &+ counter &* CounterRNG.gamma)
    }

    /// Uniform in the open interval (0, 1): 53 random bits, offset by half an ulp so that
    /// logarithms and inverse CDFs never see 0 or 1.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double {
        (Double(nextBits() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Uniform in (lo, hi).
    @inlinable @inline(__always)
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * uniform()
    }

    /// Standard normal deviate (Marsaglia's polar method, one of the pair): no
    /// trigonometric call, which matters in a loop that draws ~16 Gaussians per event.
    @inlinable @inline(__always)
    public mutating func gaussian() -> Double {
        var u = 0.0, v = 0.0, s = 0.0
        repeat {
            u = 2 * uniform() - 1
            v = 2 * uniform() - 1
            s = u * u + v * v
        } while s >= 1 || s == 0
        return u * (-2 * _log(s) / s).squareRoot()
    }

    /// (cos φ, sin φ) of a uniform azimuth, by rejection from the unit disk (no trigonometry).
    @inlinable @inline(__always)
    public mutating func azimuth() -> (cos: Double, sin: Double) {
        var u = 0.0, v = 0.0, s = 0.0
        repeat {
            u = 2 * uniform() - 1
            v = 2 * uniform() - 1
            s = u * u + v * v
        } while s >= 1 || s < 1e-12
        let r = 1 / s.squareRoot()
        return (u * r, v * r)
    }

    /// Poisson deviate by inversion (λ is small, a few units, in this toy).
    @inlinable
    public mutating func poisson(_ lambda: Double) -> Int {
        let limit = _exp(-lambda)
        var k = 0
        var p = uniform()
        while p > limit && k < 30 {
            p *= uniform()
            k += 1
        }
        return k
    }
}
