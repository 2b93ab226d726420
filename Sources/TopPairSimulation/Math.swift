// Thin wrappers over the C math library so the hot loops call libm directly.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

@usableFromInline @inline(__always) func _log(_ x: Double) -> Double { log(x) }
@usableFromInline @inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
@usableFromInline @inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
@usableFromInline @inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
@usableFromInline @inline(__always) func _sinh(_ x: Double) -> Double { sinh(x) }
@usableFromInline @inline(__always) func _cosh(_ x: Double) -> Double { cosh(x) }
@usableFromInline @inline(__always) func _tanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline @inline(__always) func _atan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
@usableFromInline @inline(__always) func _asinh(_ x: Double) -> Double { asinh(x) }
@usableFromInline @inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
