using System.Globalization;

namespace RL.Analysis.Render;

/// <summary>An sRGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public string Hex => string.Create(CultureInfo.InvariantCulture, $"#{R:x2}{G:x2}{B:x2}");

    /// <summary>The colour a fraction <paramref name="t"/> (clamped to [0, 1]) of the way from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static Rgb Lerp(Rgb from, Rgb to, double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);
        return new Rgb(Mix(from.R, to.R, t), Mix(from.G, to.G, t), Mix(from.B, to.B, t));
    }
}

public enum TextAlign
{
    Left,
    Centre,
    Right,
}

/// <summary>
/// The few drawing operations a frame needs, in pixels (y down), so one painter (<see cref="FramePainter"/>) draws both
/// the PNG (<see cref="SkiaFrameCanvas"/>) and the SVG (<see cref="SvgFrameCanvas"/>). <c>tag</c> names what a shape
/// is (e.g. "bone femur_r-tibia_r"); the SVG keeps it as the element's class so a test can find the drawn bones.
/// </summary>
public interface IFrameCanvas
{
    void Rect(double x, double y, double width, double height, Rgb fill);

    void Line(double x1, double y1, double x2, double y2, Rgb colour, double width, string? tag = null);

    void Polyline(IReadOnlyList<(double X, double Y)> points, Rgb colour, double width, string? tag = null);

    void Circle(double cx, double cy, double radius, Rgb? fill, Rgb? stroke, double strokeWidth, string? tag = null);

    /// <summary>Text whose baseline is at <paramref name="y"/>.</summary>
    void Text(double x, double y, string text, double size, Rgb colour, TextAlign align = TextAlign.Left, bool bold = false);

    /// <summary>Limits what follows to a rectangle until <see cref="PopClip"/>.</summary>
    void PushClip(double x, double y, double width, double height);

    void PopClip();
}
