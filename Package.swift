// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Quartier",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "quartier", targets: ["quartier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.18.2"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
    ],
    targets: [
        .target(
            name: "QuartierCore",
            dependencies: [
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Ink", package: "Ink"),
            ]
        ),
        .target(
            name: "App",
            dependencies: [
                "QuartierCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ]
        ),
        .executableTarget(name: "quartier", dependencies: ["App"]),
        .testTarget(name: "QuartierCoreTests", dependencies: ["QuartierCore"]),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
