using SkiaSharp;

namespace RL.Analysis.Render;

/// <summary>
/// Draws on a SkiaSharp canvas (antialiased). Text uses a sans-serif typeface found by name (DejaVu Sans, as Debian
/// installs it) and falls back to Skia's default; with SkiaSharp's NoDependencies native library there is no
/// fontconfig, so the lookup scans the system font directory and may find nothing, in which case text is drawn
/// with whatever Skia has (possibly no glyphs), never an error.
/// </summary>
public sealed class SkiaFrameCanvas : IFrameCanvas
{
    private static readonly Lazy<SKTypeface> Regular = new(() => FindTypeface(SKFontStyle.Normal));
    private static readonly Lazy<SKTypeface> Bold = new(() => FindTypeface(SKFontStyle.Bold));

    private readonly SKCanvas _canvas;

    public SkiaFrameCanvas(SKCanvas canvas) => _canvas = canvas;

    public void Rect(double x, double y, double width, double height, Rgb fill)
    {
        using var paint = Fill(fill);
        _canvas.DrawRect((float)x, (float)y, (float)width, (float)height, paint);
    }

    public void Line(double x1, double y1, double x2, double y2, Rgb colour, double width, string? tag = null)
    {
        using var paint = Stroke(colour, width);
        _canvas.DrawLine((float)x1, (float)y1, (float)x2, (float)y2, paint);
    }

    public void Polyline(IReadOnlyList<(double X, double Y)> points, Rgb colour, double width, string? tag = null)
    {
        if (points.Count < 2) return;
        using var path = new SKPath();
        path.MoveTo((float)points[0].X, (float)points[0].Y);
        for (int i = 1; i < points.Count; i++) path.LineTo((float)points[i].X, (float)points[i].Y);
        using var paint = Stroke(colour, width);
        _canvas.DrawPath(path, paint);
    }

    public void Circle(double cx, double cy, double radius, Rgb? fill, Rgb? stroke, double strokeWidth, string? tag = null)
    {
        if (fill is Rgb f)
        {
            using var paint = Fill(f);
            _canvas.DrawCircle((float)cx, (float)cy, (float)radius, paint);
        }
        if (stroke is Rgb s)
        {
            using var paint = Stroke(s, strokeWidth);
            _canvas.DrawCircle((float)cx, (float)cy, (float)radius, paint);
        }
    }

    public void Text(double x, double y, string text, double size, Rgb colour, TextAlign align = TextAlign.Left, bool bold = false)
    {
        using var font = new SKFont(bold ? Bold.Value : Regular.Value, (float)size) { Edging = SKFontEdging.Antialias };
        using var paint = Fill(colour);
        var skAlign = align switch { TextAlign.Centre => SKTextAlign.Center, TextAlign.Right => SKTextAlign.Right, _ => SKTextAlign.Left };
        _canvas.DrawText(text, (float)x, (float)y, skAlign, font, paint);
    }

    public void PushClip(double x, double y, double width, double height)
    {
        _canvas.Save();
        _canvas.ClipRect(new SKRect((float)x, (float)y, (float)(x + width), (float)(y + height)), antialias: true);
    }

    public void PopClip() => _canvas.Restore();

    private static SKPaint Fill(Rgb c) => new() { Color = new SKColor(c.R, c.G, c.B), Style = SKPaintStyle.Fill, IsAntialias = true };

    private static SKPaint Stroke(Rgb c, double width) => new()
    {
        Color = new SKColor(c.R, c.G, c.B), Style = SKPaintStyle.Stroke, StrokeWidth = (float)width,
        StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round, IsAntialias = true,
    };

    private static SKTypeface FindTypeface(SKFontStyle style)
    {
        foreach (string family in new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" })
        {
            var typeface = SKFontManager.Default.MatchFamily(family, style);
            if (typeface is not null) return typeface;
        }
        // No font manager match (no fontconfig): Debian's DejaVu files by path.
        string file = style.Weight >= (int)SKFontStyleWeight.Bold
            ? "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
            : "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        return (File.Exists(file) ? SKTypeface.FromFile(file) : null) ?? SKTypeface.Default;
    }
}
