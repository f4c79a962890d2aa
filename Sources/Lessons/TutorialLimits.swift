/// The bounds a tutorial's numbers must stay within, each with its reason.
///
/// Tutorials show numbers a person checks by hand, so every bound is far above any lesson yet
/// low enough that a typo (`--input` with a 1000×1000 matrix, `--stride 9223372036854775807`)
/// is refused at once, with the limit named, instead of taking gigabytes, minutes or a trap.
/// `MatrixParser` and `Settings` check them as they read each value, before any work.
public enum TutorialLimits {
    /// Rows and columns of a matrix: 64, the coursework's image side. A 64×64 input already
    /// makes 4,096 output cells; the steps show the first `Support.maxCellSteps` of them.
    public static let maxMatrixSide = 64
    /// Channels of an input or kernel (matrices separated by '|'): RGB is 3; 16 leaves room for
    /// a small stack of feature maps.
    public static let maxChannels = 16
    /// The largest value (in size) a matrix entry, bias or learning rate may have.
    ///
    /// Values are 32-bit floats (at most about 3.4e38). A convolution adds up to 64·64·16 products
    /// and the squared loss squares those sums, so with entries up to 1e6 every intermediate of
    /// every tutorial stays finite (65,536 · (1e6)² ≈ 7e16, squared and summed over 4,096 cells
    /// ≈ 2e37), while 3e38 + 3e38 would already be infinity.
    public static let maxMagnitude: Float = 1e6
    /// `maxMagnitude` as messages write it.
    public static let maxMagnitudeText = "1e6"
    /// Stride: a window never moves further than the largest matrix is wide.
    public static let maxStride = maxMatrixSide
    /// Pooling window side: never larger than the largest matrix.
    public static let maxPoolSize = maxMatrixSide
    /// The picture side of the edges tutorial (`--size`): the tutorial draws the picture and every
    /// kernel's response in each step; 256 is four times the coursework's 64.
    public static let maxPictureSide = 256
    /// Weights in a list (the flatten-dense kernel): one per flattened value of the largest input.
    public static let maxVectorLength = maxMatrixSide * maxMatrixSide * maxChannels
}
