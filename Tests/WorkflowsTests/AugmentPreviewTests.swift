import ImageFiles
@testable import Workflows
import XCTest

final class AugmentPreviewTests: XCTestCase {
    func testKerasLineSpellsTheCourseworkGenerator() {
        let coursework = Augmentation(shearRange: 0.2, zoomRange: 0.2, horizontalFlip: true)
        XCTAssertEqual(AugmentPreview.kerasLine(coursework), "ImageDataGenerator(shear_range=0.2, zoom_range=0.2, horizontal_flip=True)")
        XCTAssertEqual(AugmentPreview.kerasLine(Augmentation(rotationRange: 20, horizontalFlip: false)), "ImageDataGenerator(rotation_range=20)")
    }
}
