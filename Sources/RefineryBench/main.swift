import Foundation

/// `refinery-bench <simulate|bpt> [options]`: benchmarks print figures, they never fail on a
/// timing. See README "Benchmarks".
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "simulate":
    SimulationBenchmarks.run(args: Array(arguments.dropFirst()))
case "bpt":
    BPTBenchmarks.run(args: Array(arguments.dropFirst()))
case "archive":
    ArchiveBenchmarks.run(args: Array(arguments.dropFirst()))
case "limits":
    InferenceBenchmarks.run(args: Array(arguments.dropFirst()))
case "provenance":
    ProvenanceBenchmarks.run(args: Array(arguments.dropFirst()))
case "validate":
    ValidationBenchmarks.run(args: Array(arguments.dropFirst()))
default:
    print("usage: refinery-bench simulate [--events N] | bpt [--trees N] [--events N] | provenance [--runs N] | archive [--megabytes N] | limits [--events N] [--threads N] [--only point|full] [--pairs K] [--out DIR] | validate [--events N] [--threads N] [--workspace W] [--skip-paper]")
    exit(arguments.isEmpty ? 0 : 64)
}
