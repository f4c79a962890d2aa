/// The bounds a tutorial's numbers must stay within, each with its reason.
///
/// Tutorials show numbers a person checks by hand, so every bound is far above any lesson yet
/// low enough that a typo (`--input` with a 1000×1000 matrix, `--stride 9223372036854775807`)
/// is refused at once, with the limit named, instead of taking gigabytes, minutes or a trap.
/// `MatrixParser` and `Settings` check them as they read each value, before any work.
public enum TutorialLimits {
    /// Rows and columns of a matrix: 32. A 32×32 input already makes 1,024 output cells (the
    /// steps show the first `Support.maxCellSteps`), and each step draws every matrix with its
    /// numbers: at 64×64 one run took 20 s in a debug build, at 32×32 a few seconds.
    public static let maxMatrixSide = 32
    /// Channels of an input or kernel (matrices separated by '|'): RGB is 3, and 4 leaves one to
    /// spare. Every step draws every channel: 16 channels of 32×32 took 46 s in a debug build.
    public static let maxChannels = 4
    /// The largest value (in size) a matrix entry, bias or learning rate may have.
    ///
    /// Values are 32-bit floats (at most about 3.4e38). A convolution adds at most 32·32·4 products
    /// and the squared loss squares those sums, so with entries up to 1e6 every intermediate of
    /// every tutorial stays finite (4,096 · (1e6)² ≈ 4e15, squared and summed over 1,024 cells
    /// ≈ 2e34), while 3e38 + 3e38 would already be infinity.
    public static let maxMagnitude: Float = 1e6
    /// `maxMagnitude` as messages write it.
    public static let maxMagnitudeText = "1e6"
    /// Stride: 64, twice the largest matrix side (a larger stride changes nothing: one window).
    public static let maxStride = 64
    /// Pooling window side: 64, as the stride (a window larger than the input does not fit).
    public static let maxPoolSize = 64
    /// The picture side of the edges tutorial (`--size`): the tutorial draws the picture and every
    /// kernel's response in each step; 256 is four times the coursework's 64.
    public static let maxPictureSide = 256
    /// Values flatten-dense takes (H·W·C of its input, and so its weights): 256, e.g. 8×8×4. The
    /// tutorial draws the flattened vector as one row of numbers in several steps; 1,024 values
    /// took 11 s and 2.8 GB in a debug build, 4,096 asked for 44 GB.
    public static let maxFlattenedValues = 256
    /// Numbers in a list (the flatten-dense kernel): one per flattened value.
    public static let maxVectorLength = maxFlattenedValues
}
