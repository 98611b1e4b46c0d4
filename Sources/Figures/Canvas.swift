import CCairo
import Foundation

/// Horizontal text anchor.
enum HorizontalAnchor { case left, center, right }
/// Vertical text anchor.
enum VerticalAnchor { case top, middle, baseline, bottom }

/// A white Cairo ARGB32 surface drawn in logical units (points) and rasterised at `scale` pixels per
/// unit. Text uses DejaVu Sans with grey-scale anti-aliasing and no hinting, so output is stable.
final class Canvas {
    let surface: OpaquePointer
    let context: OpaquePointer
    let width: Double
    let height: Double
    let scale: Int
    static let fontFamily = "DejaVu Sans"

    init(width: Int, height: Int, scale: Int) throws {
        guard width > 0, height > 0 else { throw FigureError("figure size must be positive, got \(width)×\(height)") }
        guard scale > 0 else { throw FigureError("figure scale must be positive, got \(scale)") }
        let pixelWidth = width * scale, pixelHeight = height * scale
        guard pixelWidth <= 32_767, pixelHeight <= 32_767 else {
            throw FigureError("figure too large: \(pixelWidth)×\(pixelHeight) pixels (limit 32767)")
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(pixelWidth), Int32(pixelHeight)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw FigureError("cannot create a \(pixelWidth)×\(pixelHeight) Cairo surface")
        }
        guard let context = cairo_create(surface), cairo_status(context) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw FigureError("cannot create a Cairo context")
        }
        self.surface = surface
        self.context = context
        self.width = Double(width)
        self.height = Double(height)
        self.scale = scale
        cairo_scale(context, Double(scale), Double(scale))
        if let options = cairo_font_options_create() {
            cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_set_font_options(context, options)
            cairo_font_options_destroy(options)
        }
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
        fillRectangle(x: 0, y: 0, width: self.width, height: self.height, color: Palette.white)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    // MARK: State

    func setColor(_ color: Color, alpha: Double = 1) {
        if alpha >= 1 {
            cairo_set_source_rgb(context, color.red, color.green, color.blue)
        } else {
            cairo_set_source_rgba(context, color.red, color.green, color.blue, alpha)
        }
    }

    /// Runs `body` with drawing clipped to a rectangle; state is restored afterwards.
    func clipped(x: Double, y: Double, width: Double, height: Double, _ body: () -> Void) {
        cairo_save(context)
        cairo_rectangle(context, x, y, width, height)
        cairo_clip(context)
        body()
        cairo_restore(context)
    }

    /// The coordinate of the nearest device-pixel boundary (or centre, for odd pixel widths), so a
    /// horizontal or vertical line of `lineWidth` lands crisply on whole pixels.
    func snap(_ value: Double, lineWidth: Double) -> Double {
        let pixels = (lineWidth * Double(scale)).rounded()
        let offset = Int(pixels) % 2 == 1 ? 0.5 : 0
        return ((value * Double(scale) - offset).rounded() + offset) / Double(scale)
    }

    // MARK: Shapes

    func line(from start: (Double, Double), to end: (Double, Double), width: Double, color: Color,
              alpha: Double = 1, dash: [Double] = []) {
        cairo_move_to(context, start.0, start.1)
        cairo_line_to(context, end.0, end.1)
        stroke(width: width, color: color, alpha: alpha, dash: dash)
    }

    func moveTo(_ x: Double, _ y: Double) { cairo_move_to(context, x, y) }
    func lineTo(_ x: Double, _ y: Double) { cairo_line_to(context, x, y) }

    /// Closes and fills the current path.
    func fill(color: Color, alpha: Double = 1) {
        cairo_close_path(context)
        setColor(color, alpha: alpha)
        cairo_fill(context)
    }

    /// Strokes the current path.
    func stroke(width: Double, color: Color, alpha: Double = 1, dash: [Double] = []) {
        setColor(color, alpha: alpha)
        cairo_set_line_width(context, width)
        cairo_set_dash(context, dash, Int32(dash.count), 0)
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    func fillRectangle(x: Double, y: Double, width: Double, height: Double, color: Color, alpha: Double = 1) {
        cairo_rectangle(context, x, y, width, height)
        setColor(color, alpha: alpha)
        cairo_fill(context)
    }

    func strokeRectangle(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, color: Color) {
        cairo_rectangle(context, x, y, width, height)
        stroke(width: lineWidth, color: color)
    }

    func fillCircle(x: Double, y: Double, radius: Double, color: Color, alpha: Double = 1) {
        cairo_new_sub_path(context)
        cairo_arc(context, x, y, radius, 0, 2 * Double.pi)
        setColor(color, alpha: alpha)
        cairo_fill(context)
    }

    /// A filled arrow from `start` to `end` with a head proportional to its length (capped).
    func arrow(from start: (Double, Double), to end: (Double, Double), width: Double, color: Color, alpha: Double) {
        let dx = end.0 - start.0, dy = end.1 - start.1
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0.3 else { return }
        let ux = dx / length, uy = dy / length
        let headLength = min(max(length * 0.35, 2.5), 6)
        let headWidth = headLength * 0.55
        let baseX = end.0 - ux * headLength, baseY = end.1 - uy * headLength
        cairo_move_to(context, start.0, start.1)
        cairo_line_to(context, baseX, baseY)
        stroke(width: width, color: color, alpha: alpha)
        cairo_move_to(context, end.0, end.1)
        cairo_line_to(context, baseX - uy * headWidth, baseY + ux * headWidth)
        cairo_line_to(context, baseX + uy * headWidth, baseY - ux * headWidth)
        cairo_close_path(context)
        setColor(color, alpha: alpha)
        cairo_fill(context)
    }

    // MARK: Text

    private func selectFont(size: Double, bold: Bool) {
        cairo_select_font_face(context, Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// The advance width of `text` in logical units.
    func textWidth(_ text: String, size: Double, bold: Bool = false) -> Double {
        guard !text.isEmpty else { return 0 }
        selectFont(size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// Draws one line of text anchored at (x, y), optionally rotated (radians, counter-clockwise
    /// positive on screen is `-π/2` for vertical axis labels).
    func text(_ text: String, x: Double, y: Double, size: Double, color: Color = Palette.ink,
              horizontal: HorizontalAnchor = .left, vertical: VerticalAnchor = .baseline,
              rotation: Double = 0, bold: Bool = false) {
        guard !text.isEmpty else { return }
        let width = textWidth(text, size: size, bold: bold)
        let dx: Double = horizontal == .left ? 0 : horizontal == .center ? -width / 2 : -width
        let dy: Double
        switch vertical {
        case .top: dy = 0.76 * size
        case .middle: dy = 0.36 * size
        case .baseline: dy = 0
        case .bottom: dy = -0.24 * size
        }
        cairo_save(context)
        cairo_translate(context, x, y)
        if rotation != 0 { cairo_rotate(context, rotation) }
        cairo_move_to(context, dx, dy)
        setColor(color)
        cairo_show_text(context, text)
        cairo_restore(context)
    }

    // MARK: Output

    /// The surface as an opaque RGB raster (premultiplied BGRA converted to RGB).
    func rasterImage() throws -> RasterImage {
        cairo_surface_flush(surface)
        let pixelWidth = Int(cairo_image_surface_get_width(surface))
        let pixelHeight = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { throw FigureError("Cairo surface has no pixel data") }
        return try RasterImage(width: pixelWidth, height: pixelHeight, channels: 3,
                               pixels: rgbFromPremultipliedBGRA(data, width: pixelWidth, height: pixelHeight, stride: stride))
    }
}

/// Converts Cairo's native-endian premultiplied ARGB32 pixels to straight RGB, compositing any
/// transparency over white.
func rgbFromPremultipliedBGRA(_ data: UnsafeMutablePointer<UInt8>, width: Int, height: Int, stride: Int) -> [UInt8] {
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * height) { words in
        for y in 0..<height {
            let row = words + y * (stride / 4)
            for x in 0..<width {
                let argb = row[x]
                let alpha = argb >> 24
                let white = 255 - alpha  // premultiplied: colour + (1 − α)·white
                let output = (y * width + x) * 3
                rgb[output] = UInt8(min(255, ((argb >> 16) & 0xFF) + white))
                rgb[output + 1] = UInt8(min(255, ((argb >> 8) & 0xFF) + white))
                rgb[output + 2] = UInt8(min(255, (argb & 0xFF) + white))
            }
        }
    }
    return rgb
}
