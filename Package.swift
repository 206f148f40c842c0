// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "perfeval",
    products: [
        .executable(name: "perfeval", targets: ["perfeval"]),
    ],
    dependencies: [
        // Command-line parsing with generated help and usage errors that name the bad argument.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Reading .docx / .xlsx archives (ZIP) without an external unzip.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // libcsv (Debian libcsv-dev), wrapped once by CSVKit.
        .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV", pkgConfig: nil,
                       providers: [.apt(["libcsv-dev"])]),
        .target(name: "CSVKit", dependencies: ["CLibCSV"]),
        // OpenCC (Debian libopencc-dev): traditional → simplified Chinese before extraction.
        .systemLibrary(name: "COpenCC", path: "Sources/COpenCC", pkgConfig: nil,
                       providers: [.apt(["libopencc-dev"])]),
        // SQLite (Debian libsqlite3-dev), wrapped once by Store.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: nil,
                       providers: [.apt(["libsqlite3-dev"])]),
        // Shared vocabulary: document blocks, exact decimals, scalar text helpers.
        .target(name: "PerfevalCore"),
        // Stages, in data-flow order.
        .target(name: "Ingest", dependencies: ["PerfevalCore", "CSVKit", "COpenCC", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Extract", dependencies: ["PerfevalCore"]),
        .target(name: "Normalize", dependencies: ["PerfevalCore", "Extract"]),
        .target(name: "Compute", dependencies: ["PerfevalCore", "Normalize"]),
        // Cross-agency comparative tables, from the rows of earlier outputs.
        .target(name: "Aggregate", dependencies: ["PerfevalCore", "Emit"]),
        .target(name: "Emit", dependencies: ["PerfevalCore", "CSVKit"]),
        // Wires the stages into the parallel run; used by the CLI and the tests.
        .target(name: "Pipeline", dependencies: [
            "PerfevalCore", "CSVKit", "Ingest", "Extract", "Normalize", "Compute", "Aggregate", "Emit",
        ]),
        // The year's collection as an SQLite store: incremental updates, resubmissions, a lock.
        .target(name: "Store", dependencies: ["CSQLite", "Pipeline", "Emit", "Aggregate"]),
        .executableTarget(name: "perfeval", dependencies: [
            "Pipeline", "Store",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "PerfevalTests", dependencies: [
            "PerfevalCore", "CSVKit", "Ingest", "Extract", "Normalize", "Compute", "Aggregate", "Emit", "Pipeline", "Store", "perfeval",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
