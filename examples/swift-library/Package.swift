// swift-tools-version: 6.0
// A Swift program that uses MetaTune as a library, the way a new package of yours would: it
// depends on MetaTune by path (`name:` gives the package its identity whatever the folder is
// called). `make test` builds and runs it.
import PackageDescription

let package = Package(
    name: "LibraryTour",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MetaTune", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "LibraryTour",
            dependencies: [
                .product(name: "MetaTune", package: "MetaTune"),
                .product(name: "MetaTuneStorages", package: "MetaTune"),
                .product(name: "MetaTuneTasks", package: "MetaTune"),
                .product(name: "Neural", package: "MetaTune"),
            ]
        ),
    ]
)
