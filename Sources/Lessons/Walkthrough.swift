import CNNCore

/// A matrix as one step shows it: its numbers, which cells are in the current window, which are marked.
public struct Panel: Sendable {
    /// How the matrix is drawn.
    public enum Display: Sendable, Equatable {
        /// Cells with the numbers written in them (small matrices).
        case numbers
        /// One pixel per value, grey from 0 (black) to 1 (white): an image.
        case grayImage
        /// One pixel per value, diverging colours with zero at white: a filter response.
        case signedImage
    }

    /// What a panel holds, which decides its colour in pictures and the terminal.
    public enum Role: String, Sendable {
        case input, kernel, product, output, gradient, other
    }

    public var label: String
    public var matrix: Matrix
    public var role: Role
    public var display: Display
    /// Cells of the current window (drawn with a coloured background / in brackets).
    public var highlighted: [Cell]
    /// Cells singled out inside the window: the kept maximum, the cell just computed (drawn with a frame / a star).
    public var marked: [Cell]
    /// Cells not computed yet (drawn empty / as "·").
    public var hidden: [Cell]
    /// Cells that are zero padding rather than input (drawn faded).
    public var dimmed: [Cell]

    public init(_ label: String, _ matrix: Matrix, role: Role, display: Display = .numbers,
                highlighted: [Cell] = [], marked: [Cell] = [], hidden: [Cell] = [], dimmed: [Cell] = []) {
        self.label = label
        self.matrix = matrix
        self.role = role
        self.display = display
        self.highlighted = highlighted
        self.marked = marked
        self.hidden = hidden
        self.dimmed = dimmed
    }
}

/// One computation of a tutorial, shown on its own: a title, the arithmetic as text lines, the matrices.
public struct Step: Sendable {
    public var title: String
    /// The arithmetic written out, one line each, e.g. "2·1 + 0·2 + 1·0 + (-1)·1 = 1".
    public var lines: [String]
    public var panels: [Panel]
    /// The same numbers for `--json`, e.g. ["window": …, "products": …, "sum": …].
    public var data: [String: JSONValue]

    public init(_ title: String, lines: [String] = [], panels: [Panel] = [], data: [String: JSONValue] = [:]) {
        self.title = title
        self.lines = lines
        self.panels = panels
        self.data = data
    }
}

/// The hand-written arithmetic of a tutorial set beside CNNCore's output for the same numbers.
public struct Check: Sendable {
    /// What is compared, e.g. "output".
    public var what: String
    /// The engine code that produced `engine`, e.g. "CNNCore Conv2D.forward".
    public var layer: String
    public var stepByStep: Matrix
    public var engine: Matrix

    /// Largest difference allowed between the two, relative to the size of the values.
    ///
    /// Both are Float32, but the engine may add the same products in another order (blocked or
    /// vectorised kernels), so the last bits can differ; integers small enough to be exact never do.
    public static let tolerance: Float = 1e-4

    /// False when either side holds infinity or NaN: the numbers overflowed 32-bit floats.
    public var isFinite: Bool { (stepByStep.values + engine.values).allSatisfy(\.isFinite) }

    public var agrees: Bool {
        guard stepByStep.rows == engine.rows, stepByStep.cols == engine.cols else { return false }
        return zip(stepByStep.values, engine.values).allSatisfy { abs($0 - $1) <= Check.tolerance * max(1, abs($1)) }
    }
}

/// Everything one tutorial run computed, ready for the terminal, JSON, PNG and HTML renderers.
public struct Walkthrough: Sendable {
    /// The lesson's name, e.g. "convolution" (also the output folder's name).
    public var name: String
    /// Which computation ran.
    public var tutorial: String
    public var language: Language
    public var title: String
    public var intro: String
    /// The lesson's Markdown text, for the HTML page.
    public var body: String
    /// Where the lesson came from: a file path or "built-in".
    public var lessonSource: String
    /// The settings used, as text (key → value), for JSON and the page.
    public var settings: [(key: String, value: String)]
    public var steps: [Step]
    /// The tutorial's main result (JSON "output", as rows).
    public var output: Matrix
    /// Other named results, e.g. "input_gradient" or "updated_kernel".
    public var results: [(name: String, matrix: Matrix)]
    /// Step-by-step arithmetic versus the engine.
    public var checks: [Check]
    /// True when options changed the lesson header's numbers: the lesson's worked sections then
    /// no longer apply and the page works its example out again (`LessonText.body`).
    public var customNumbers = false

    /// True when every hand computation matches the engine.
    public var agrees: Bool { checks.allSatisfy(\.agrees) }
}
