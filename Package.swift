// swift-tools-version: 6.1
// Refinery: refinable modeling for unbinned SMEFT analyses (R. Schöfbeck, 2025).
import PackageDescription

/// Release-mode settings shared by the numerical modules: the learner and the simulation are
/// hot loops over millions of events. (Release only: debug builds with -wmo fail at autolink-extract.)
let numerics: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

/// The systematic-effect plugins shipped with Refinery (Plugins/<Name>), paper section 7.
let bundledPlugins = ["Scale", "TwoPoint", "JetEnergyScale", "BTagging", "LeptonEfficiency"]

let package = Package(
    name: "Refinery",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "refinery", targets: ["refinery"]),
        .executable(name: "refinery-bench", targets: ["RefineryBench"]),
        .library(name: "RefineryPluginKit", targets: ["RefineryPluginKit"]),
    ] + bundledPlugins.map { .library(name: "Refinery\($0)", type: .dynamic, targets: ["\($0)Plugin"]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // The plugin ABI (C header) and the Swift kit for plugin authors.
        .target(name: "RefineryPluginABI"),
        .target(name: "RefineryPluginKit", dependencies: ["RefineryPluginABI"]),
        // The loss curves' vector kernels (eq. C.31): log1p of whole arrays through glibc's vector
        // math library, and routing binned events through a tree 64 at a time.
        .target(name: "CVectorMath", linkerSettings: [.linkedLibrary("mvec", .when(platforms: [.linux])), .linkedLibrary("m")]),
        // The learner: Algorithm 1 of the paper. No I/O, no physics, no plugins.
        .target(name: "BoostedParametricTree", dependencies: ["CVectorMath"], swiftSettings: numerics),
        // The toy tt̄(2ℓ) simulation (shared/design/physics-toy.md).
        .target(name: "TopPairSimulation", swiftSettings: numerics),
        // Columnar data sets on disk (.npy + manifest), hashing, atomic writes (folders are
        // swapped with the kernel's atomic exchange, which Swift's Glibc does not export).
        .target(name: "CFileExchange"),
        .target(name: "EventData", dependencies: ["CFileExchange", .product(name: "Crypto", package: "swift-crypto")]),
        // The provenance store: SQLite through GRDB over the system libsqlite3.
        .target(name: "Provenance", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // Workspace archives through the system libarchive.
        .systemLibrary(name: "CArchive", path: "Sources/CArchive", pkgConfig: "libarchive",
                       providers: [.apt(["libarchive-dev"])]),
        .target(name: "WorkspaceArchive", dependencies: [
            "CArchive", "EventData", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // SVG plots of histograms and ratios.
        .target(name: "Charts"),
        // Asimov limits (eqs. 10, 82, 94): the model, profiling through NLopt, intervals, contours.
        .systemLibrary(name: "CNLopt", path: "Sources/CNLopt", pkgConfig: "nlopt", providers: [.apt(["libnlopt-dev"])]),
        .target(name: "Inference", dependencies: ["CNLopt", "EventData"], swiftSettings: numerics),
        // The host's version and build commit.
        .plugin(name: "GitCommitPlugin", capability: .buildTool(), path: "Sources/GitCommitPlugin"),
        .target(name: "RefineryBuildInfo", plugins: ["GitCommitPlugin"]),
        // The classifier two-sample test of section 7.6 (XGBoost's C API, opened with dlopen).
        .target(name: "Validation", dependencies: ["BoostedParametricTree"]),
        // The plugin host: catalog, trust, loading, sandboxed bounded worker processes and their
        // typed protocol, validation of what plugins return, scaffolding (templates as resources).
        .target(name: "CPluginSandbox"),
        .target(name: "PluginHost", dependencies: ["RefineryPluginABI", "CPluginSandbox", "EventData", "TopPairSimulation"],
                resources: [.copy("Templates")]),
        // The pipeline: workspace, simulate/inspect, orchestration.
        .target(name: "RefineryCore", dependencies: [
            "BoostedParametricTree", "TopPairSimulation", "EventData", "Charts", "RefineryBuildInfo", "RefineryPluginABI", "PluginHost",
            "Provenance", "WorkspaceArchive", "Inference", "Validation", .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "refinery", dependencies: [
            "RefineryCore", "PluginHost", "Provenance", "WorkspaceArchive", "Inference",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "RefineryBench", dependencies: [
            "RefineryCore", "BoostedParametricTree", "CVectorMath", "TopPairSimulation", "EventData", "Provenance",
            "WorkspaceArchive", "Inference", "Validation",
        ], swiftSettings: numerics),

    ] + bundledPlugins.map {
        // Each bundled systematic is its own dynamic library; the host never links one.
        .target(name: "\($0)Plugin", dependencies: ["RefineryPluginKit"], path: "Plugins/\($0)")
    } + [
        .testTarget(name: "BoostedParametricTreeTests", dependencies: ["BoostedParametricTree"]),
        .testTarget(name: "TopPairSimulationTests", dependencies: ["TopPairSimulation"]),
        .testTarget(name: "EventDataTests", dependencies: ["EventData"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "EventData"]),
        .testTarget(name: "ProvenanceTests", dependencies: ["Provenance"]),
        .testTarget(name: "WorkspaceArchiveTests", dependencies: ["WorkspaceArchive", "CArchive"]),
        .testTarget(name: "PluginHostTests", dependencies: ["PluginHost", "EventData"]),
        .testTarget(name: "RefineryCoreTests", dependencies: ["RefineryCore", "PluginHost", "Provenance", "BoostedParametricTree"]),
        .testTarget(name: "ValidationTests", dependencies: ["Validation", "RefineryCore", "BoostedParametricTree"]),
        .testTarget(name: "RefineryCLITests", dependencies: ["RefineryCore", "TopPairSimulation", "EventData"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
