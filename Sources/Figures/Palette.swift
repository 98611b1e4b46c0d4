/// An opaque sRGB colour with components in [0, 1].
public struct Color: Equatable, Hashable, Sendable {
    /// Red component in [0, 1].
    public var red: Double
    /// Green component in [0, 1].
    public var green: Double
    /// Blue component in [0, 1].
    public var blue: Double

    /// Creates a colour from components in [0, 1].
    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Creates a colour from a 24-bit `0xRRGGBB` value.
    public init(hex: UInt32) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255,
                  green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255)
    }

}

/// Colours used by the charts.
public enum Palette {
    /// Ten categorical colours for classes and series: Tableau 10 as matplotlib (`tab10`) and D3
    /// (`schemeCategory10`) ship it — blue, orange, green, red, purple, brown, pink, grey, olive, cyan.
    /// It was designed so that ten categories stay apart and each colour has its own name, and it is
    /// the palette most readers know from 10-class plots. Every pair differs in hue or strongly in
    /// lightness (the closest pairs, red/brown and purple/pink, are still ΔE₀₀ ≥ 16 apart), where the
    /// Okabe–Ito colours used before put T-shirt/Coat, Trouser/Dress and Sneaker/Bag in one hue family
    /// each. Unlike Okabe–Ito it is not safe for every colour-vision deficiency: no ten-colour palette is.
    /// Class `i` uses colour `i % 10`.
    public static let categorical: [Color] = [
        Color(hex: 0x1F77B4), Color(hex: 0xFF7F0E), Color(hex: 0x2CA02C), Color(hex: 0xD62728),
        Color(hex: 0x9467BD), Color(hex: 0x8C564B), Color(hex: 0xE377C2), Color(hex: 0x7F7F7F),
        Color(hex: 0xBCBD22), Color(hex: 0x17BECF),
    ]

    /// The categorical colour for class or series `index` (wraps around after ten).
    public static func color(at index: Int) -> Color {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }

    /// Light grey for background point sets (e.g. prior samples drawn under the codes); lighter than
    /// the categorical grey so that a grey class stays visible over it.
    public static let backgroundPoints = Color(hex: 0xD4D4D4)

    /// Grey for points without classes that are the data itself (the training points under a vector field).
    static let unclassifiedPoints = Color(hex: 0xB8B8B8)

    static let ink = Color(hex: 0x222222)
    static let axis = Color(hex: 0x3A3A3A)
    static let grid = Color(hex: 0xE4E4E4)
    static let reference = Color(hex: 0x555555)
    static let legendBorder = Color(hex: 0xCCCCCC)
    static let white = Color(red: 1, green: 1, blue: 1)
}
