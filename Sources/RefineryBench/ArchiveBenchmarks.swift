// Benchmark of workspace archives (`refinery-bench archive`): WorkspaceArchive against GNU tar
// with zstd on the same files, in the same run.

import Foundation
import WorkspaceArchive

/// Times `WorkspaceArchive.pack`/`unpack` side by side with `tar --zstd -cf`/`-xf` on a
/// generated workspace of about 1 GB, and prints wall seconds, MB/s and the ratio ours/tar.
///
/// Options: `--megabytes N` workspace size (default 1024), `--files F` number of sample
/// columns (default 8), `--threads T` zstd workers for pack (default: the archive default),
/// `--repeat R` runs per tool, the fastest reported (default 1), `--keep` to leave the
/// scratch directory for inspection.
///
/// Both tools compress at zstd level 3 (the zstd command's default, which `tar --zstd` uses).
/// Ours also hashes every member (SHA-256, twice when packing: once for the manifest written
/// first, once to check the file did not change) and verifies every member while unpacking;
/// tar does neither. Timings are of a warm page cache, for both tools alike.
enum ArchiveBenchmarks {
    static func run(args: [String]) {
        func option(_ name: String) -> Int? { BenchSupport.intOption(name, in: args) }
        let megabytes = option("--megabytes") ?? 1024
        let fileCount = max(1, option("--files") ?? 8)
        let repeats = max(1, option("--repeat") ?? 1)
        var compression = PackRequest.Compression.zstd
        if let threads = option("--threads") { compression.threads = threads }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-archive-bench-\(getpid())")
        defer {
            if args.contains("--keep") { print("kept \(scratch.path)") } else { try? FileManager.default.removeItem(at: scratch) }
        }
        do {
            let workspace = scratch.appendingPathComponent("ws")
            print("Archive benchmark: generating a \(megabytes) MB workspace of \(fileCount) float64 columns…")
            let members = try Workspace.generate(at: workspace, megabytes: megabytes, files: fileCount)
            let inputBytes = members.reduce(Int64(0)) { $0 + $1.size }
            let megabytesIn = Double(inputBytes) / 1e6
            print(String(format: "workspace            %.1f MB in %d files (%@)", megabytesIn, members.count, workspace.path))
            print("zstd                 level \(compression.level), \(compression.threads) worker thread(s) for ours; tar: `zstd` command defaults (level 3, -T1)")

            let tarArchive = scratch.appendingPathComponent("tar.tar.zst")
            let ourArchive = scratch.appendingPathComponent("ours.tar.zst")
            let request = PackRequest(root: workspace, members: members.map { .init(path: $0.path, kind: $0.kind) },
                                      compression: compression, hostVersion: "bench", hostCommit: "bench")

            let tarPack = try fastest(repeats) {
                try? FileManager.default.removeItem(at: tarArchive)
                try shell(["tar", "--zstd", "-cf", tarArchive.path, "-C", workspace.path, "."])
            }
            var packed: PackResult?
            let ourPack = try fastest(repeats) { packed = try WorkspaceArchive.pack(request, to: ourArchive) }

            let tarOut = scratch.appendingPathComponent("tar-out")
            let ourOut = scratch.appendingPathComponent("ours-out")
            let tarUnpack = try fastest(repeats) {
                try? FileManager.default.removeItem(at: tarOut)
                try FileManager.default.createDirectory(at: tarOut, withIntermediateDirectories: true)
                try shell(["tar", "--zstd", "-xf", tarArchive.path, "-C", tarOut.path])
            }
            let ourUnpack = try fastest(repeats) {
                try? FileManager.default.removeItem(at: ourOut)
                _ = try WorkspaceArchive.unpack(ourArchive, into: ourOut)
            }
            var report: VerifyReport?
            let ourVerify = try fastest(repeats) { report = try WorkspaceArchive.verify(ourArchive) }

            let tarSize = try FileManager.default.attributesOfItem(atPath: tarArchive.path)[.size] as? Int ?? 0
            print(String(format: "archive size         tar %.1f MB, ours %.1f MB (ours sha256 %@…)",
                         Double(tarSize) / 1e6, Double(packed?.size ?? 0) / 1e6, String(packed?.sha256.prefix(16) ?? "")))
            print("")
            print("                 tar --zstd               WorkspaceArchive        ours/tar")
            for (name, tar, ours) in [("pack", tarPack, ourPack), ("unpack", tarUnpack, ourUnpack)] {
                print(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: " %8.2f s %7.0f MB/s   %8.2f s %7.0f MB/s   %6.2f×", tar, megabytesIn / tar, ours,
                               megabytesIn / ours, ours / tar))
            }
            print("verify    " + String(repeating: " ", count: 23)
                  + String(format: "%8.2f s %7.0f MB/s   (ours only; passed: %@)", ourVerify, megabytesIn / ourVerify,
                           (report?.passed ?? false) ? "yes" : "NO"))
            print("target: ours within 1.5× of tar for pack and unpack")
        } catch {
            print("archive benchmark failed: \((error as? LocalizedError)?.errorDescription ?? String(describing: error))")
            exit(1)
        }
    }

    /// The fastest wall time of `repeats` runs of `body`, in seconds.
    private static func fastest(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            // Flush what earlier steps wrote, so no run pays for another's writeback.
            sync()
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return best
    }

    private static func shell(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "ArchiveBenchmarks", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "`\(arguments.joined(separator: " "))` exited \(process.terminationStatus)"])
        }
    }
}

extension ArchiveBenchmarks {
/// A workspace-like directory: a configuration, a surrogate, and sample columns as .npy files
/// of float64 values shaped like event data, so compression sees realistic entropy (full
/// precision kinematics, rounded quantities, few-valued weights, integer multiplicities).
enum Workspace {
    struct File {
        var path: String
        var kind: String
        var size: Int64
    }

    static func generate(at root: URL, megabytes: Int, files: Int) throws -> [File] {
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("samples/nominal"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("surrogates"), withIntermediateDirectories: true)
        var result: [File] = []
        let config = Data("name: bench\nseed: 1\nsamples: \(files)\n".utf8)
        try config.write(to: root.appendingPathComponent("refinery.yaml"))
        result.append(File(path: "refinery.yaml", kind: "configuration", size: Int64(config.count)))
        let model = Data(String(repeating: #"{"feature": 3, "threshold": 0.125, "coefficients": [0.5, -0.25]},"#, count: 2000).utf8)
        try model.write(to: root.appendingPathComponent("surrogates/model.json"))
        result.append(File(path: "surrogates/model.json", kind: "surrogate", size: Int64(model.count)))

        let valuesPerFile = max(1, megabytes * 1_000_000 / 8 / files)
        let columns = ["mtt", "ptt", "eta", "weight", "njets", "phi", "mll", "ht"]
        let chunk = 1 << 20
        var buffer = [Double](repeating: 0, count: chunk)
        for index in 0..<files {
            let name = columns[index % columns.count] + (index >= columns.count ? "_\(index / columns.count)" : "")
            let path = "samples/nominal/\(name).npy"
            let file = root.appendingPathComponent(path).path
            guard fm.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) else {
                throw NSError(domain: "ArchiveBenchmarks", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot create \(path)"])
            }
            defer { try? handle.close() }
            let header = npyHeader(count: valuesPerFile)
            try handle.write(contentsOf: header)
            var generator = SplitMix64(seed: UInt64(index + 1))
            var written = 0
            while written < valuesPerFile {
                let n = min(chunk, valuesPerFile - written)
                for i in 0..<n { buffer[i] = value(column: index % columns.count, &generator) }
                try buffer.withUnsafeBytes { try handle.write(contentsOf: Data($0.prefix(n * 8))) }
                written += n
            }
            result.append(File(path: path, kind: "sample", size: Int64(header.count + valuesPerFile * 8)))
        }
        return result
    }

    /// One value of column `kind`: full-precision energies and angles, a weight from a handful
    /// of values, an integer multiplicity.
    private static func value(column kind: Int, _ g: inout SplitMix64) -> Double {
        let u = g.uniform()
        switch kind {
        case 0, 6, 7: return 350 - 120 * log(1 - u)        // GeV, exponential tail
        case 1: return -60 * log(1 - u)
        case 2: return 5 * (u - 0.5)
        case 3: return u < 0.02 ? -0.25 : 0.25               // weights: two values
        case 4: return Double(2 + Int(u * u * 6))            // jet multiplicity
        default: return (u * 2 - 1) * Double.pi
        }
    }

    /// NumPy .npy v1.0 header for a little-endian float64 vector of `count` values.
    private static func npyHeader(count: Int) -> Data {
        var dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(count),), }"
        while (10 + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dict.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(dict.utf8))
        return data
    }
}
}
