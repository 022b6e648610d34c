// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "MetaTune",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MetaTune", targets: ["MetaTune"]),
        .library(name: "Numerics", targets: ["Numerics"]),
        .executable(name: "metatune", targets: ["metatune"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .target(name: "Numerics"),
        .target(
            name: "MetaTune",
            dependencies: ["Numerics", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "metatune",
            dependencies: ["MetaTune", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "MetaTuneTests", dependencies: ["MetaTune"], resources: [.copy("Fixtures")]),
    ]
)
