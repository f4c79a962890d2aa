/// Numbers in messages and settings as a person writes them: whole ones without ".0" (32, not
/// 32.0), others as Swift prints them (0.001). A value no Int can hold (an edited file's 3e38)
/// stays in floating-point form.
enum NumberText {
    static func plain(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
}
