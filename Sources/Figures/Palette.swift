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

    /// Relative luminance (Rec. 709 weights on the encoded values), used to pick readable text colours.
    var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    /// Linear interpolation between `self` (t = 0) and `other` (t = 1).
    func mixed(with other: Color, _ t: Double) -> Color {
        Color(red: red + (other.red - red) * t,
              green: green + (other.green - green) * t,
              blue: blue + (other.blue - blue) * t)
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

/// A continuous colour map from [0, 1] to colours, used by heat maps and their colour bars.
public enum ColorMap: Sendable {
    /// Matplotlib's perceptually uniform, colour-blind-friendly *viridis* (dark purple → yellow).
    case viridis
    /// Black (0) to white (1).
    case grayscale
    /// White (0) to dark blue (1); suited to counts and non-negative matrices.
    case blues
    /// ColorBrewer *RdBu* reversed: blue (0) through white (0.5) to red (1), for signed values
    /// centred on zero.
    case diverging

    private var stops: [Color] {
        switch self {
        case .viridis:
            return [0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C,
                    0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725].map { Color(hex: $0) }
        case .grayscale:
            return [Color(hex: 0x000000), Color(hex: 0xFFFFFF)]
        case .blues:
            return [0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6, 0x4292C6,
                    0x2171B5, 0x08519C, 0x08306B].map { Color(hex: $0) }
        case .diverging:
            return [0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
                    0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B].map { Color(hex: $0) }
        }
    }

    /// The colour at `t`, clamped to [0, 1]; NaN maps to 0.
    public func color(at t: Double) -> Color {
        let stops = self.stops
        let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = clamped * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], position - Double(index))
    }
}
