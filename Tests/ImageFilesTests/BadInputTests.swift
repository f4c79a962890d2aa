import XCTest
@testable import ImageFiles

/// Every bad file gets one clear error naming it; nothing crashes, hangs or allocates what a
/// lying header asks for.
final class BadInputTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try TestImages.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func expectError(_ kind: ImageError.Kind, reading url: URL, mentions words: [String],
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ImageFile.read(url), file: file, line: line) { error in
            guard let error = error as? ImageError else { return XCTFail("not an ImageError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.kind, kind, error.description, file: file, line: line)
            XCTAssertTrue(error.description.contains(url.path), "names the file: \(error)", file: file, line: line)
            for word in words {
                XCTAssertTrue(error.description.contains(word), "'\(word)' in: \(error)", file: file, line: line)
            }
        }
    }

    func testZeroByteFile() throws {
        let url = folder.appendingPathComponent("empty.jpg")
        FileManager.default.createFile(atPath: url.path, contents: Data())
        expectError(.emptyFile, reading: url, mentions: ["empty", "Replace or delete"])
        XCTAssertThrowsError(try JPEGCodec.decode(Data(), path: "x.jpg"))
        XCTAssertThrowsError(try PNGCodec.decode(Data(), path: "x.png"))
    }

    func testTextNamedJPG() throws {
        let url = folder.appendingPathComponent("notes.jpg")
        try Data("these are not pixels\n".utf8).write(to: url)
        expectError(.unknownFormat, reading: url, mentions: ["not a PNG or JPEG", "text"])
        // Given straight to the decoders, libjpeg and libpng refuse it through the shim.
        XCTAssertThrowsError(try JPEGCodec.decode(Data("text".utf8), path: "t.jpg")) { error in
            XCTAssertEqual((error as? ImageError)?.kind, .corrupt, "\(error)")
        }
        XCTAssertThrowsError(try PNGCodec.decode(Data("text".utf8), path: "t.png")) { error in
            XCTAssertEqual((error as? ImageError)?.kind, .corrupt, "\(error)")
        }
    }

    func testTruncatedJPEG() throws {
        for progressive in [false, true] {
            let image = TestImages.noise(width: 64, height: 64)
            let data = try JPEGCodec.encode(raw: image.pixels, width: 64, height: 64, components: 3, progressive: progressive)
            let url = folder.appendingPathComponent("cut-\(progressive).jpg")
            try data.prefix(data.count / 2).write(to: url)
            expectError(.truncated, reading: url, mentions: ["truncated"])
            // Only the header left.
            try data.prefix(30).write(to: url)
            XCTAssertThrowsError(try ImageFile.read(url))
        }
    }

    func testTruncatedPNG() throws {
        let data = try PNGCodec.encode(TestImages.noise(width: 40, height: 40))
        let url = folder.appendingPathComponent("cut.png")
        try data.prefix(data.count / 2).write(to: url)
        expectError(.truncated, reading: url, mentions: ["truncated"])
    }

    func testPNGHeaderClaimingHugeSizeIsRefusedBeforeAllocating() throws {
        let url = folder.appendingPathComponent("huge.png")
        try TestImages.pngHeader(width: 100_000, height: 100_000).write(to: url)
        expectError(.tooLarge, reading: url, mentions: ["100000×100000", "megapixels"])
        // One side beyond the per-side limit is refused while libpng reads the header.
        try TestImages.pngHeader(width: 200_000_000, height: 1).write(to: url)
        expectError(.tooLarge, reading: url, mentions: ["wider or taller"])
    }

    func testJPEGHeaderClaimingHugeSizeIsRefused() throws {
        let url = folder.appendingPathComponent("huge.jpg")
        try TestImages.jpegClaiming(width: 60_000, height: 60_000).write(to: url)
        expectError(.tooLarge, reading: url, mentions: ["60000×60000", "megapixels"])
        // Within the limit, but 25 million pixels in under a kilobyte: refused from the header.
        try TestImages.jpegClaiming(width: 5_000, height: 5_000).write(to: url)
        expectError(.tooLarge, reading: url, mentions: ["5000×5000", "bytes can hold"])
        // A plausible size whose data runs out: stops as truncated (not a gray picture).
        try TestImages.jpegClaiming(width: 1_000, height: 1_000).write(to: url)
        expectError(.truncated, reading: url, mentions: ["truncated"])
    }

    func testMissingFileAndFolder() throws {
        expectError(.unreadable, reading: folder.appendingPathComponent("nope.png"), mentions: ["no such file"])
        expectError(.unreadable, reading: folder, mentions: ["folder"])
    }

    func testWriteRefusesUnknownExtension() {
        XCTAssertThrowsError(try ImageFile.write(RGBImage(width: 1, height: 1), to: folder.appendingPathComponent("x.gif"))) { error in
            XCTAssertTrue("\(error)".contains(".png or .jpg"), "\(error)")
        }
    }
}
