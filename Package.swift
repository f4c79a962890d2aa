// swift-tools-version:5.10
import PackageDescription
import Foundation

// Release builds are compiled for the CPU they are built on, so SIMD code becomes real vector
// instructions (baseline x86-64 turns `SIMD16<Float>` arithmetic into a library call per lane).
// Set CNNVIZ_PORTABLE=1 to build a release binary that runs on any x86-64 / arm64 CPU.
let portable = ProcessInfo.processInfo.environment["CNNVIZ_PORTABLE"] != nil
// CNNVIZ_FMA tells the kernels that fused multiply-add is an instruction here; without it they
// write a·b + c, which baseline x86-64 also runs as vector code (fma there is a libm call per lane).
let fastMath: [SwiftSetting] = portable ? [] : [
    .unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)),
    .define("CNNVIZ_FMA", .when(configuration: .release)),
]
// The numeric modules are optimised in debug builds too (portable -O, no CPU-specific flags), so
// `swift test` trains real models in seconds rather than minutes; everything else stays debuggable.
let numeric: [SwiftSetting] = fastMath + [.unsafeFlags(["-O"], .when(configuration: .debug))]
let fastC: [CSetting] = portable ? [] : [
    .unsafeFlags(["-march=native", "-O3"], .when(configuration: .release)),
]

let package = Package(
    name: "CNNViz",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cnnviz", targets: ["cnnviz"]),
        .library(name: "CNNCore", targets: ["CNNCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries, found through pkg-config; `.ci/run` installs the apt packages.
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // setjmp-guarded calls into libjpeg/libpng: no longjmp ever crosses a Swift frame.
        .target(name: "CImageShims", dependencies: ["CJPEG", "CPNG"], cSettings: fastC),
        // HDF5 (Keras' weight files), found through pkg-config; Debian's libhdf5-dev installs `hdf5`.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // libhdf5's macros (H5T_NATIVE_FLOAT, H5P_DEFAULT), in-memory files, strings, a silent error stack.
        .target(name: "CHDF5Shims", dependencies: ["CHDF5"]),

        // Vector square root and cache prefetch hints: inline C the kernels call.
        .target(name: "CKernelShims"),
        // Swapping two folders in one step (renameat2's RENAME_EXCHANGE), for replacements that survive a kill.
        .target(name: "CFileShims"),
        // Tensors, layers, kernels, model, losses, optimizers, trace. Swift, but for the two C shims.
        .target(name: "CNNCore", dependencies: ["CKernelShims", "CFileShims"], swiftSettings: numeric),
        // The fast plan: a model compiled into stages (fused Conv+ReLU+MaxPool, Dense updated in
        // the pass, plain layers) that give the reference model's numbers faster.
        .target(name: "FastPlan", dependencies: ["CNNCore"], swiftSettings: numeric),
        // Image files to model inputs: JPEG/PNG through the C image shims, resize, augmentation, the
        // directory dataset, the one image → input tensor path. (Not "ImageIO": Apple owns that name.)
        .target(name: "ImageFiles", dependencies: ["CNNCore", "CImageShims"], swiftSettings: numeric),
        // Keras' own files: .keras (zip) and legacy .h5 read into and written from CNNCore models.
        .target(name: "KerasFiles", dependencies: [
            "CNNCore", "CHDF5", "CHDF5Shims", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // Draws only: colour maps, grids, bitmap font, charts, HTML pages, the inspect page.
        .target(name: "Visualize", dependencies: ["CNNCore", "ImageFiles"], swiftSettings: fastMath),
        // The tutorials: reads Tutorials/*.md and runs each step through CNNCore.
        .target(name: "Lessons", dependencies: ["CNNCore", "Visualize"], swiftSettings: fastMath),
        // The use cases: inspect, train, evaluate, predict, augment preview, tour, bench, demo data.
        // The one module that decides what to write where (through CNNCore's AtomicWrite).
        .target(name: "Workflows", dependencies: ["CNNCore", "FastPlan", "ImageFiles", "Visualize", "Lessons", "KerasFiles"], swiftSettings: fastMath),
        .executableTarget(
            name: "cnnviz",
            dependencies: [
                "CNNCore", "FastPlan", "ImageFiles", "Visualize", "Lessons", "KerasFiles", "Workflows",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastMath
        ),

        .testTarget(name: "CNNCoreTests", dependencies: ["CNNCore"]),
        .testTarget(name: "FastPlanTests", dependencies: ["FastPlan", "CNNCore"]),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles"]),
        .testTarget(name: "VisualizeTests", dependencies: ["Visualize"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons"]),
        .testTarget(name: "WorkflowsTests", dependencies: ["Workflows"]),
        .testTarget(name: "KerasFilesTests", dependencies: [
            "KerasFiles", "CNNCore", "ImageFiles", "Workflows", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "KerasLayersTests", dependencies: ["CNNCore"]),
        .testTarget(name: "CLITests", dependencies: ["cnnviz"]),
    ]
)
