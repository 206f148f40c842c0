// swift-tools-version:6.2
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
        // libxlsxwriter (Debian libxlsxwriter-dev), wrapped once by XlsxKit: the review workbook.
        .systemLibrary(name: "CXlsxWriter", path: "Sources/CXlsxWriter", pkgConfig: nil,
                       providers: [.apt(["libxlsxwriter-dev"])]),
        .target(name: "XlsxKit", dependencies: ["CXlsxWriter"]),
        // SQLite (Debian libsqlite3-dev), wrapped once by Store.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: nil,
                       providers: [.apt(["libsqlite3-dev"])]),
        // mimalloc (Debian libmimalloc-dev), linked into the CLI: the allocator of the whole process.
        .systemLibrary(name: "CMimalloc", path: "Sources/CMimalloc", pkgConfig: nil,
                       providers: [.apt(["libmimalloc-dev"])]),
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
        // review.xlsx and review.html, from the CSV tables a run or an aggregation wrote.
        .target(name: "Review", dependencies: ["PerfevalCore", "CSVKit", "XlsxKit", "Emit"]),
        // Wires the stages into the parallel run; used by the CLI and the tests.
        .target(name: "Pipeline", dependencies: [
            "PerfevalCore", "CSVKit", "Ingest", "Extract", "Normalize", "Compute", "Aggregate", "Emit",
            "Review",
        ]),
        // The year's collection as an SQLite store: incremental updates, resubmissions, a lock.
        .target(name: "Store", dependencies: ["CSQLite", "PerfevalCore", "Ingest", "Pipeline", "Emit", "Aggregate"]),
        .executableTarget(name: "perfeval", dependencies: [
            "Pipeline", "Store", "CMimalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "PerfevalTests", dependencies: [
            "PerfevalCore", "CSVKit", "Ingest", "Extract", "Normalize", "Compute", "Aggregate", "Emit", "Pipeline", "Store", "perfeval",
            "Review", "XlsxKit",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
