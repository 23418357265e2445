using System.Globalization;
using System.Security;
using System.Text;

namespace RL.Analysis.Render;

/// <summary>
/// Draws into one &lt;svg&gt; element, written by hand (well-formed XML, so the page that holds it parses as XHTML):
/// coordinates in pixels with two decimals, a shape's tag as its class.
/// </summary>
public sealed class SvgFrameCanvas : IFrameCanvas
{
    private readonly StringBuilder _svg = new();
    private int _clips;
    private bool _finished;

    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="attributes">Extra attributes of the &lt;svg&gt; element, written as given (values are escaped).</param>
    public SvgFrameCanvas(double width, double height, IEnumerable<KeyValuePair<string, string>>? attributes = null)
    {
        _svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:0.##}\" height=\"{height:0.##}\" viewBox=\"0 0 {width:0.##} {height:0.##}\""));
        foreach (var (name, value) in attributes ?? Array.Empty<KeyValuePair<string, string>>())
            _svg.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        _svg.Append('>');
    }

    public void Rect(double x, double y, double width, double height, Rgb fill) =>
        _svg.Append(Invariant($"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{width:0.##}\" height=\"{height:0.##}\" fill=\"{fill.Hex}\"/>"));

    public void Line(double x1, double y1, double x2, double y2, Rgb colour, double width, string? tag = null) =>
        _svg.Append(Invariant($"<line{Class(tag)} x1=\"{x1:0.##}\" y1=\"{y1:0.##}\" x2=\"{x2:0.##}\" y2=\"{y2:0.##}\" stroke=\"{colour.Hex}\" stroke-width=\"{width:0.##}\" stroke-linecap=\"round\"/>"));

    public void Polyline(IReadOnlyList<(double X, double Y)> points, Rgb colour, double width, string? tag = null)
    {
        _svg.Append(Invariant($"<polyline{Class(tag)} fill=\"none\" stroke=\"{colour.Hex}\" stroke-width=\"{width:0.##}\" stroke-linecap=\"round\" stroke-linejoin=\"round\" points=\""));
        for (int i = 0; i < points.Count; i++)
            _svg.Append(Invariant($"{(i == 0 ? "" : " ")}{points[i].X:0.##},{points[i].Y:0.##}"));
        _svg.Append("\"/>");
    }

    public void Circle(double cx, double cy, double radius, Rgb? fill, Rgb? stroke, double strokeWidth, string? tag = null)
    {
        string strokeText = stroke is Rgb s ? Invariant($" stroke=\"{s.Hex}\" stroke-width=\"{strokeWidth:0.##}\"") : "";
        _svg.Append(Invariant($"<circle{Class(tag)} cx=\"{cx:0.##}\" cy=\"{cy:0.##}\" r=\"{radius:0.##}\" fill=\"{(fill is Rgb f ? f.Hex : "none")}\"{strokeText}/>"));
    }

    public void Text(double x, double y, string text, double size, Rgb colour, TextAlign align = TextAlign.Left, bool bold = false)
    {
        string anchor = align switch { TextAlign.Centre => "middle", TextAlign.Right => "end", _ => "start" };
        _svg.Append(Invariant($"<text x=\"{x:0.##}\" y=\"{y:0.##}\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"{size:0.##}\" fill=\"{colour.Hex}\" text-anchor=\"{anchor}\"{(bold ? " font-weight=\"bold\"" : "")}>"))
            .Append(Escape(text)).Append("</text>");
    }

    public void PushClip(double x, double y, double width, double height)
    {
        // A nested <svg> clips to its viewport: no ids, so many frames on one page cannot collide.
        _svg.Append(Invariant($"<svg x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{width:0.##}\" height=\"{height:0.##}\" viewBox=\"{x:0.##} {y:0.##} {width:0.##} {height:0.##}\" overflow=\"hidden\">"));
        _clips++;
    }

    public void PopClip()
    {
        if (_clips == 0) throw new InvalidOperationException("PopClip without PushClip.");
        _svg.Append("</svg>");
        _clips--;
    }

    /// <summary>The finished &lt;svg&gt; element.</summary>
    public override string ToString()
    {
        if (!_finished)
        {
            if (_clips != 0) throw new InvalidOperationException($"{_clips} clip(s) still open.");
            _svg.Append("</svg>");
            _finished = true;
        }
        return _svg.ToString();
    }

    private static string Class(string? tag) => tag is null ? "" : $" class=\"{Escape(tag)}\"";

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
