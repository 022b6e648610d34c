// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "MetaTune",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MetaTune", targets: ["MetaTune"]),
        .library(name: "MetaTuneNumerics", targets: ["MetaTuneNumerics"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "MetaTuneText", targets: ["MetaTuneText"]),
        .library(name: "MetaTuneSQLite", targets: ["MetaTuneSQLite"]),
        .library(name: "MetaTunePostgres", targets: ["MetaTunePostgres"]),
        .library(name: "MetaTuneStorages", targets: ["MetaTuneStorages"]),
        .library(name: "MetaTuneExternal", targets: ["MetaTuneExternal"]),
        .library(name: "MetaTuneTasks", targets: ["MetaTuneTasks"]),
        .library(name: "MetaLearning", targets: ["MetaLearning"]),
        .library(name: "MetaTuneTesting", targets: ["MetaTuneTesting"]),
        .library(name: "MetaTuneReport", targets: ["MetaTuneReport"]),
        .library(name: "MetaTuneDashboard", targets: ["MetaTuneDashboard"]),
        .executable(name: "metatune", targets: ["metatune"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "MetaTuneNumerics", dependencies: [.target(name: "COpenBLAS", condition: .when(platforms: [.linux]))]),
        .target(name: "Neural", dependencies: ["MetaTuneNumerics", .product(name: "CSV", package: "CSV.swift")],
                resources: [.copy("Resources")]),
        .target(
            name: "MetaTune",
            dependencies: ["MetaTuneNumerics", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "MetaTuneSQLite",
            dependencies: ["MetaTune", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Studies on a PostgreSQL server that runners on many hosts share (postgres-nio).
        .target(
            name: "MetaTunePostgres",
            dependencies: ["MetaTune", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        // Every storage MetaTune ships, opened by its URL (`StorageURL.open`).
        .target(name: "MetaTuneStorages", dependencies: ["MetaTune", "MetaTuneSQLite", "MetaTunePostgres"]),
        .target(name: "MetaTuneTasks", dependencies: ["MetaTune", "Neural"]),
        // Text for the engine: the WordPiece tokenizer of BERT-family models, pretrained encoders.
        .target(name: "MetaTuneText", dependencies: ["MetaTune", "MetaTuneTasks", "Neural", .product(name: "CSV", package: "CSV.swift")]),
        .target(name: "MetaLearning", dependencies: ["MetaTune", "MetaTuneSQLite", "MetaTuneStorages", "MetaTuneTasks", "MetaTuneText", "Neural", "MetaTuneNumerics"],
                resources: [.copy("Resources")]),
        // Plots as SVG, parameter importance on them, and the self-contained HTML report.
        .target(name: "MetaTuneReport", dependencies: ["MetaTune"]),
        // The live dashboard: a read-only web server (Hummingbird) over any Storage.
        .target(name: "MetaTuneDashboard", dependencies: ["MetaTune", "MetaTuneReport", .product(name: "Hummingbird", package: "hummingbird"),
                                                     .product(name: "Logging", package: "swift-log")]),
        // The sampler and storage contracts, for anyone who writes a sampler or a storage.
        .target(name: "MetaTuneTesting", dependencies: ["MetaTune"]),
        .target(
            name: "MetaTuneExternal",
            dependencies: ["MetaTune", .product(name: "Subprocess", package: "swift-subprocess")]
        ),
        .executableTarget(
            name: "metatune",
            dependencies: ["MetaTune", "MetaTuneSQLite", "MetaTunePostgres", "MetaTuneStorages", "MetaTuneExternal", "MetaTuneTasks", "MetaLearning", "MetaTuneReport", "MetaTuneDashboard", "Neural", "MetaTuneText", "MetaTuneNumerics", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "MetaTuneNumericsTests", dependencies: ["MetaTuneNumerics"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "MetaTuneNumerics", "TestSupport"]),
        .testTarget(name: "MetaLearningTests", dependencies: ["MetaLearning", "MetaTuneText", "MetaTune", "MetaTuneSQLite", "MetaTuneStorages", "MetaTuneTesting", "MetaTuneTasks", "Neural", "MetaTuneNumerics", "TestSupport"]),
        .testTarget(name: "MetaTuneTextTests", dependencies: ["MetaTuneText", "MetaTuneTasks", "MetaTune", "MetaTuneNumerics", "Neural", "TestSupport"]),
        .testTarget(name: "MetaTuneTasksTests", dependencies: ["MetaTuneTasks", "MetaTune", "Neural"]),
        .testTarget(name: "MetaTuneTests", dependencies: ["MetaTune", "MetaTuneTesting", "MetaTuneNumerics"], resources: [.copy("Fixtures")]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MetaTuneSQLiteTests", dependencies: ["MetaTuneSQLite", "MetaTuneStorages", "MetaTuneTesting", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "MetaTunePostgresTests", dependencies: ["MetaTunePostgres", "MetaTuneStorages", "MetaTuneTesting", "MetaTune", "TestSupport"]),
        .testTarget(name: "MetaTuneExternalTests", dependencies: ["MetaTune", "MetaTuneExternal", "TestSupport"]),
        .testTarget(name: "MetaTuneCLITests", dependencies: ["MetaTune", "MetaTuneSQLite", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // Fuzz targets: `make fuzz` builds them with libFuzzer (-sanitize=fuzzer,address -D FUZZING);
        // a plain build runs a target over the files named on its command line (reproducing a crasher).
        .target(name: "FuzzSupport", path: "Fuzz/Support"),
        .executableTarget(name: "fuzz-space", dependencies: ["MetaTune", "FuzzSupport"], path: "Fuzz/SearchSpace"),
        .executableTarget(name: "fuzz-csv", dependencies: ["Neural", "FuzzSupport"], path: "Fuzz/CSV"),
        .executableTarget(name: "fuzz-idx", dependencies: ["Neural", "FuzzSupport"], path: "Fuzz/IDX"),
        .executableTarget(name: "fuzz-objective-line", dependencies: ["MetaTuneExternal", "FuzzSupport"], path: "Fuzz/ObjectiveLine"),
        .executableTarget(name: "fuzz-storage-url", dependencies: ["MetaTune", "FuzzSupport"], path: "Fuzz/StorageURL"),
        .testTarget(name: "MetaTuneReportTests", dependencies: ["MetaTuneReport", "MetaTune", "TestSupport"]),
        .testTarget(name: "PropertyTests", dependencies: ["MetaTune", .product(name: "PropertyBased", package: "swift-property-based")]),
    ]
)
