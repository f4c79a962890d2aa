import XCTest
import CNNCore
import ImageFiles
@testable import Visualize

/// Pictures of a model whose numbers overflow (NaN, ±inf, or a span beyond float's range) are
/// drawn, not trapped on: `Int(_:)` of NaN or inf used to stop the whole `cnnviz inspect`.
final class NonFinitePictureTests: XCTestCase {
    func testBarStripDrawsNonFiniteAndHugeValues() {
        for values: [Float] in [[3e38, -3e38, 1], [.nan, 1, -1], [.infinity, -.infinity, 0]] {
            let picture = LayerPictures.barStrip(values, title: "dense", map: .diverging)
            XCTAssertGreaterThan(picture.width, 0)
        }
    }

    func testSigmoidPictureDrawsNonFiniteLogits() {
        for z: Float in [.nan, .infinity, -.infinity, 3e38] {
            let picture = LayerPictures.sigmoidOutput(logit: z, classNames: ["cats", "dogs"])
            XCTAssertEqual(picture.width, 640)
        }
    }

    func testRescaleTextOfATinyFactor() {
        XCTAssertEqual(InspectionPage.rescaleText(1.0 / 255), "1/255")
        XCTAssertFalse(InspectionPage.rescaleText(1e-30).hasPrefix("1/"))
    }
}
