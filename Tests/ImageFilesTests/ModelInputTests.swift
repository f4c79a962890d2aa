import CNNCore
import Foundation
@testable import ImageFiles
import XCTest

/// Prediction (a file) and inspection (an image in memory) reach the same input tensor.
final class ModelInputTests: XCTestCase {
    func testFileAndImagePathsGiveTheSameTensor() throws {
        let folder = try TestImages.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("noise.png")
        let image = TestImages.noise(width: 7, height: 5)
        try ImageFile.write(image, to: url)
        for interpolation in ["nearest", "bilinear"] {
            let p = Preprocessing(rescale: 1.0 / 255, targetSize: (3, 4), interpolation: interpolation)
            let fromFile = try ModelInput.load(url, p)
            let fromImage = ModelInput.tensor(ModelInput.resized(image, p), p)
            XCTAssertEqual(fromFile.tensor.shape, [1, 3, 4, 3])
            XCTAssertEqual(fromFile.tensor.data, fromImage.data, interpolation)
            XCTAssertEqual(fromFile.tensor.data[0], Float(fromFile.resized.pixels[0]) / 255)
        }
    }
}
