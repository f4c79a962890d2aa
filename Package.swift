// swift-tools-version:5.10
import PackageDescription
import Foundation

// Only the fast plan carries unsafe build flags. Its release build is compiled for the CPU it is
// built on, so SIMD code becomes real vector instructions (baseline x86-64 turns `SIMD16<Float>`
// arithmetic into a library call per lane); CNNVIZ_FMA tells its kernels that fused multiply-add
// is an instruction here (without it they write a·b + c). Its debug build is optimised too, so
// `swift test` trains real models in seconds. CNNVIZ_PORTABLE=1 builds a release that runs on
// any x86-64 / arm64 CPU. Every other module builds with SwiftPM's plain settings.
let portable = ProcessInfo.processInfo.environment["CNNVIZ_PORTABLE"] != nil
let fastKernels: [SwiftSetting] = (portable ? [] : [
    .unsafeFlags(["-target-cpu", "native"], .when(configuration: .release)),
    .define("CNNVIZ_FMA", .when(configuration: .release)),
]) + [.unsafeFlags(["-O"], .when(configuration: .debug))]

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
        .target(name: "CImageShims", dependencies: ["CJPEG", "CPNG"]),
        // HDF5 (Keras' weight files), found through pkg-config; Debian's libhdf5-dev installs `hdf5`.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        // libhdf5's macros (H5T_NATIVE_FLOAT, H5P_DEFAULT), in-memory files, strings, a silent error stack.
        .target(name: "CHDF5Shims", dependencies: ["CHDF5"]),

        // Vector square root and cache prefetch hints: inline C the fast kernels call.
        .target(name: "CKernelShims"),
        // Swapping two folders in one step (renameat2's RENAME_EXCHANGE), for replacements that survive a kill.
        .target(name: "CFileShims"),
        // The reference engine: tensors, layers on naive kernels, model, losses, optimizers, model
        // files, trace. Plain Swift (and one C call to swap folders).
        .target(name: "CNNCore", dependencies: ["CFileShims"]),
        // The fast plan: a model compiled into stages (fused Conv+ReLU+MaxPool, Dense updated in
        // the pass, one layer on fast kernels) that give the reference model's numbers faster.
        // The blocked, vectorised, multi-threaded kernels live here, and only here.
        .target(name: "FastPlan", dependencies: ["CNNCore", "CKernelShims"], swiftSettings: fastKernels),
        // Image files to model inputs: JPEG/PNG through the C image shims, resize, augmentation, the
        // directory dataset, the one image → input tensor path. (Not "ImageIO": Apple owns that name.)
        .target(name: "ImageFiles", dependencies: ["CNNCore", "CImageShims"]),
        // Keras' own files: .keras (zip) and legacy .h5 read into and written from CNNCore models.
        .target(name: "KerasFiles", dependencies: [
            "CNNCore", "CHDF5", "CHDF5Shims", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // Draws only: colour maps, grids, bitmap font, charts, HTML pages, the inspect page.
        .target(name: "Visualize", dependencies: ["CNNCore", "ImageFiles"]),
        // The tutorials: reads Tutorials/*.md and runs each step through CNNCore.
        .target(name: "Lessons", dependencies: ["CNNCore", "Visualize"]),
        // The use cases: inspect, train, evaluate, predict, augment preview, tour, bench, demo data.
        // The one module that decides what to write where (through CNNCore's AtomicWrite).
        .target(name: "Workflows", dependencies: ["CNNCore", "FastPlan", "ImageFiles", "Visualize", "Lessons", "KerasFiles"]),
        .executableTarget(
            name: "cnnviz",
            dependencies: [
                "CNNCore", "FastPlan", "ImageFiles", "Visualize", "Lessons", "KerasFiles", "Workflows",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // The central-difference gradient check both engines' tests use (XCTest assertions).
        .target(name: "GradientCheckSupport", dependencies: ["CNNCore"], path: "Tests/GradientCheckSupport"),
        .testTarget(name: "CNNCoreTests", dependencies: ["CNNCore", "GradientCheckSupport"]),
        .testTarget(name: "FastPlanTests", dependencies: ["FastPlan", "CNNCore", "GradientCheckSupport"]),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles"]),
        .testTarget(name: "VisualizeTests", dependencies: ["Visualize"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons"]),
        .testTarget(name: "WorkflowsTests", dependencies: ["Workflows", "FastPlan"]),
        .testTarget(name: "KerasFilesTests", dependencies: [
            "KerasFiles", "CNNCore", "FastPlan", "ImageFiles", "Workflows", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "KerasLayersTests", dependencies: ["CNNCore", "GradientCheckSupport"]),
        .testTarget(name: "CLITests", dependencies: ["cnnviz", "Visualize"]),
    ]
)
