// swift-tools-version:6.1
import PackageDescription

let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "artisanctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "artisanctl", targets: ["artisanctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries from Debian: one system library target each, nothing else.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),

        // The one line of C that Swift cannot write: see its header.
        .target(name: "CExecutorHook"),

        .target(name: "ArtisanCore", swiftSettings: strictness),
        .target(
            name: "ArtisanStore",
            dependencies: [
                "ArtisanCore", "CLibPQ",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Migrations"],
            swiftSettings: strictness,
            plugins: ["EmbedMigrations"]
        ),
        .target(
            name: "ArtisanIntegrations",
            dependencies: [
                "ArtisanCore", "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictness
        ),
        .target(
            name: "ArtisanServer",
            dependencies: [
                "ArtisanCore", "ArtisanStore", "ArtisanIntegrations", "CExecutorHook",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.embedInCode("Page"), .embedInCode("OpenAPI")],
            swiftSettings: strictness
        ),
        .target(
            name: "ArtisanCLI",
            dependencies: [
                "ArtisanCore", "ArtisanStore", "ArtisanIntegrations", "ArtisanServer", "CLibEdit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        .executableTarget(
            name: "artisanctl",
            dependencies: ["ArtisanCLI"],
            swiftSettings: strictness,
            // Swift exports every symbol of an executable on Linux (~29,000 here); each run paid for
            // them at start, about 1 ms of 10 (the loader, and the runtime's dladdr over them).
            // Backtraces still name functions: they read the binary's own symbol table.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
        ),

        // Build-time embedding of Sources/ArtisanStore/Migrations/*.sql into the binary.
        .executableTarget(name: "embed-migrations", path: "Plugins/embed-migrations"),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["embed-migrations"]),

        .testTarget(name: "ArtisanCoreTests", dependencies: ["ArtisanCore", "TestSupport"], swiftSettings: strictness),
        .testTarget(
            name: "ArtisanStoreTests",
            dependencies: ["ArtisanStore", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArtisanCLITests",
            dependencies: ["ArtisanCLI", "ArtisanStore", "TestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArtisanIntegrationsTests",
            dependencies: ["ArtisanIntegrations", "TestSupport"],
            swiftSettings: strictness
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["artisanctl", "ArtisanCLI", "ArtisanServer", "TestSupport"], swiftSettings: strictness),
        .testTarget(name: "CModulesTests", dependencies: ["CCurl", "CLibEdit"]),
        .target(
            name: "TestSupport",
            dependencies: ["ArtisanStore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: strictness
        ),
    ]
)
