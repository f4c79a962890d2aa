import Foundation
import XCTest

/// The command line of issue 17's reproducible training: `train --epochs 0`, `--optimizer sgd`
/// with its settings, `--no-shuffle`, and `augment`'s fixed transform with `--json`.
final class TeacherCommandTests: XCTestCase {
    var folder: URL!
    override func setUp() { folder = CLI.scratch(name) }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testTrainWithSGDFromAnInitialModelAndBadSettings() throws {
        XCTAssertEqual(try CLI.run(["dataset", "synth", "--output", "data", "--train-per-class", "4", "--test-per-class", "1"], in: folder).status, 0)
        let common = ["train", "--train", "data/training_set", "--image-size", "16", "--batch-size", "8", "--steps-per-epoch", "1", "--no-report"]
        var r = try CLI.run(common + ["--epochs", "0", "--output", "init"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Saved the initial model (no training: --epochs 0)"), r.stdout)
        r = try CLI.run(common + ["--epochs", "2", "--initial-model", "init/model", "--optimizer", "sgd", "--momentum", "0.9",
                                  "--no-augment", "--no-shuffle", "--output", "sgd"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Starting from the weights of"), r.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("sgd/batches/epoch-2.csv").path))

        for (arguments, words) in [(["--optimizer", "rmsprop"], "--optimizer must be adam or sgd"),
                                   (["--momentum", "0.9"], "--optimizer sgd"),
                                   (["--optimizer", "sgd", "--momentum", "1"], "--momentum must be at least 0 and below 1"),
                                   (["--optimizer", "sgd", "--learning-rate", "0"], "--learning-rate must be a number above 0"),
                                   (["--initial-model", "missing.keras"], "missing.keras")] {
            r = try CLI.run(common + ["--epochs", "1", "--output", "bad"] + arguments, in: folder, timeout: 60)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(words), "\(arguments): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad").path), "\(arguments) wrote nothing")
        }
    }

    func testAugmentAppliesAFixedTransformAndPrintsIt() throws {
        XCTAssertEqual(try CLI.run(["dataset", "synth", "--output", "data", "--train-per-class", "1", "--test-per-class", "1"], in: folder).status, 0)
        let image = try XCTUnwrap(FileManager.default.enumerator(atPath: folder.appendingPathComponent("data/training_set").path)?
            .compactMap { $0 as? String }.first { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") })
        let path = "data/training_set/" + image
        var r = try CLI.run(["augment", path, "--shear", "15", "--zoom-x", "0.8", "--zoom-y", "1.2", "--flip", "--json", "--output", "fixed.png"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let transforms = try XCTUnwrap(json["transforms"] as? [[String: Any]])
        XCTAssertEqual(transforms.count, 1)
        XCTAssertEqual(transforms[0]["shear"] as? Double, 15)
        XCTAssertEqual(transforms[0]["zx"] as? Double, 0.8)
        XCTAssertEqual(transforms[0]["zy"] as? Double, 1.2)
        XCTAssertEqual(transforms[0]["flip_horizontal"] as? Bool, true)
        XCTAssertNil(json["seed"], "a fixed transform has no seed")

        r = try CLI.run(["augment", path, "--count", "3", "--json", "--output", "random.png"], in: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let random = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((random["transforms"] as? [Any])?.count, 3)
        XCTAssertEqual(random["generator"] as? String, "ImageDataGenerator(shear_range=0.2, zoom_range=0.2, horizontal_flip=True)")

        r = try CLI.run(["augment", path, "--zoom-x", "0", "--output", "x.png"], in: folder)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--zoom-x 0 is not a zoom factor"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.png").path))
    }
}
