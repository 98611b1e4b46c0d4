// swift-tools-version: 6.0
import PackageDescription

// The targets whose Swift loops carry the work (KernelCore and TensorEngine: every kernel; Datasets:
// IDX decoding and bag-of-words counting over whole datasets; ChapterKit: retrieval and evaluation
// over the test set) are compiled with optimisation in every configuration, so `swift run
// chapter-vae` (a debug build) still trains at close to release speed. Exclusivity checks cost ~10 %
// in the kernels' inner loops and guard nothing there: every buffer is accessed through unsafe
// pointers. Figures (Cairo and libpng do the pixel work), the chapters (calls into the library),
// the stitcher, the benchmark driver and the exercises keep Swift's defaults.
let optimisedInEveryConfiguration: [SwiftSetting] = [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    .unsafeFlags(["-enforce-exclusivity=unchecked"]),
]

/// The chapters, in book order: each is `Chapters/<Directory>/main.swift`, run as `chapter-<short>`,
/// with the modules it imports beyond ChapterKit, TensorEngine, Figures and ArgumentParser
/// (`Exercises` for the chapters whose code exercise can be switched into the run).
let chapters: KeyValuePairs<String, [Target.Dependency]> = [
    "Basic": [], "Convolutional": [], "Sparse": ["Exercises"], "Denoising": [],
    "Contractive": ["Exercises"], "Adversarial": ["Exercises"], "VAE": ["Datasets", "Exercises"],
    "Text": ["Datasets"],
]

let package = Package(
    name: "AutoencoderWorkbook",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TensorEngine", targets: ["TensorEngine"]),
        .library(name: "KernelCore", targets: ["KernelCore"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Figures", targets: ["Figures"]),
        .library(name: "ChapterKit", targets: ["ChapterKit"]),
        .library(name: "BookStitcher", targets: ["BookStitcher"]),
        .executable(name: "book", targets: ["book"]),
        .executable(name: "bench", targets: ["bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config; `make setup` installs the apt packages.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The element types and what the kernels are written in: 16-lane loops and vector math, the
        // element-wise functions with their derivatives, threading, BLAS and LAPACK. A module of its
        // own so its `@inlinable` building blocks inline into the kernels of every TensorEngine file
        // in a debug build too (within one module, a debug build cannot inline across files).
        .target(name: "KernelCore", dependencies: ["CBLAS"], swiftSettings: optimisedInEveryConfiguration),
        // Writing a file atomically, and the one wording of file errors, for every module that writes.
        .target(name: "FileOutput"),
        // Tensor core, kernels, autodiff, layers, losses, optimizers, checkpoints.
        .target(name: "TensorEngine", dependencies: ["KernelCore", "FileOutput"], swiftSettings: optimisedInEveryConfiguration),
        // Fashion-MNIST / MNIST, WordNet and folder corpora, bag-of-words, batching.
        .target(name: "Datasets", dependencies: ["CZlib", "FileOutput"], swiftSettings: optimisedInEveryConfiguration),
        // PNG image grids (libpng) and charts (Cairo).
        .target(name: "Figures", dependencies: ["CPNG", "CCairo", "FileOutput"]),
        // The chapter contract: flags, progress, outputs, failure behaviour.
        .target(
            name: "ChapterKit",
            dependencies: [
                "TensorEngine", "Datasets", "Figures", "FileOutput",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimisedInEveryConfiguration
        ),
        // Literate chapters stitched into the Markdown book.
        .target(name: "BookStitcher", dependencies: ["FileOutput"]),
        .executableTarget(
            name: "book",
            dependencies: ["BookStitcher", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // `make data`: downloads MNIST and Fashion-MNIST into ./data, checksums verified.
        .executableTarget(name: "download-data", dependencies: ["Datasets"]),
        .executableTarget(name: "bench", dependencies: [
            "TensorEngine", "Datasets", "ChapterKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Code exercises (`make check-exercise E=vae.1`): the student's functions (stubs until written),
        // the reference solutions with the same signatures, the checks, and the command that runs them.
        .target(name: "Exercises", dependencies: ["TensorEngine"]),
        .target(name: "ExerciseSolutions", dependencies: ["TensorEngine"]),
        .target(name: "ExerciseChecks", dependencies: ["TensorEngine", "Datasets", "ExerciseSolutions"]),
        .executableTarget(name: "check-exercise", dependencies: ["ExerciseChecks", "Exercises"]),

        .testTarget(name: "FileOutputTests", dependencies: ["FileOutput"]),
        .testTarget(name: "TensorEngineTests", dependencies: ["TensorEngine"], exclude: ["References"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "CPNG"]),
        .testTarget(
            name: "ChapterKitTests",
            dependencies: [
                "ChapterKit", "TensorEngine", "Datasets", "Figures", "BookStitcher",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "BookStitcherTests", dependencies: ["BookStitcher"]),
        .testTarget(name: "ExerciseChecksTests", dependencies: ["ExerciseChecks", "TensorEngine"]),
    ] + chapters.map { directory, imports in
        .executableTarget(
            name: "chapter-\(directory.lowercased())",
            dependencies: ["ChapterKit", "TensorEngine", "Figures",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")] + imports,
            path: "Chapters/\(directory)",
            exclude: ["chapter.md"]
        )
    },
    swiftLanguageModes: [.v5]
)
