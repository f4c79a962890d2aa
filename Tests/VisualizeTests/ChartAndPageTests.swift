import XCTest
import ImageFiles
@testable import Visualize

final class ChartAndPageTests: XCTestCase {
    func chart() -> LineChart {
        LineChart(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "training", values: [0.69, 0.62, 0.55, 0.49, 0.45]),
            .init(name: "validation", values: [0.68, 0.64, 0.60, 0.59, .nan], color: .orange, dashed: true),
        ])
    }

    func testChartPNGHasTheSizeAndDrawsTheCurves() {
        let image = chart().renderPNG(width: 500, height: 300)
        XCTAssertEqual(image.width, 500)
        XCTAssertEqual(image.height, 300)
        let canvas = Canvas(image: image)
        var blue = 0, orange = 0
        for y in 0..<300 { for x in 0..<500 {
            let p = canvas.pixel(x, y)
            if p == .blue { blue += 1 }
            if p == .orange { orange += 1 }
        } }
        XCTAssertGreaterThan(blue, 100, "the training curve is drawn")
        XCTAssertGreaterThan(orange, 50, "the validation curve is drawn")
    }

    func testChartSVGHasLegendNamesAxesAndEscapes() {
        var c = chart()
        c.title = "Loss <per> epoch"
        let svg = c.svg(width: 500, height: 300)
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertTrue(svg.contains(">training</text>"))
        XCTAssertTrue(svg.contains(">validation</text>"))
        XCTAssertTrue(svg.contains(">epoch</text>"))
        XCTAssertTrue(svg.contains("Loss &lt;per&gt; epoch"))
        XCTAssertTrue(svg.contains("stroke-dasharray"))
        XCTAssertFalse(svg.contains("nan,") || svg.contains(",nan"), "a missing value leaves a gap, not a NaN coordinate")
    }

    func testNiceTicks() {
        XCTAssertEqual(LineChart.ticks(0, 1, count: 5), [0, 0.2, 0.4, 0.6, 0.8, 1.0].map { $0 }, "0…1 in steps of 0.2")
        XCTAssertEqual(LineChart.ticks(1, 10, count: 5), [2, 4, 6, 8, 10])
    }

    func testHTMLPageEscapesAndKeepsLinksRelative() {
        var page = HTMLPage(title: "a <b> & \"c\"")
        page.paragraph("x < y & z")
        page.image("pictures/01 conv.png", alt: "maps")
        page.raw(HTMLPage.link("tensors/01_conv2d_output.npy", "output"))
        page.raw(HTMLPage.link("#layer-1-conv2d", "the conv layer"))
        let html = page.render()
        // A link into the page keeps its '#' (escaped as %23 it would name a file "#layer-1-conv2d").
        XCTAssertTrue(html.contains("href=\"#layer-1-conv2d\""), html)
        XCTAssertFalse(html.contains("%23"))
        XCTAssertTrue(html.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"))
        XCTAssertTrue(html.contains("<p>x &lt; y &amp; z</p>"))
        XCTAssertTrue(html.contains("src=\"pictures/01%20conv.png\""))
        XCTAssertTrue(html.contains("@media print"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "no network links")
        XCTAssertEqual(Set(HTMLPage.references(in: html)), ["pictures/01 conv.png", "tensors/01_conv2d_output.npy", "#layer-1-conv2d"])
        // References resolve as a browser does: an escaped '#' is part of a file name.
        XCTAssertEqual(HTMLPage.references(in: "<a href=\"%23top\">x</a> <a href=\"a.html#b\">y</a>"), ["./#top", "a.html"])
        XCTAssertTrue(HTMLPage.isRelative("a/b.png"))
        XCTAssertFalse(HTMLPage.isRelative("/etc/passwd"))
        XCTAssertFalse(HTMLPage.isRelative("https://cdn.example/x.js"))
    }
}
