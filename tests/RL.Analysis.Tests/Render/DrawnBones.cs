using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace RL.Analysis.Tests.Render;

/// <summary>What the animated page drew, read back from its XML: per frame, each bone's drawn length in metres and its ends.</summary>
internal static class DrawnBones
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>The page as XML (its &lt;!DOCTYPE html&gt; is skipped, not fetched).</summary>
    public static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    public static List<XElement> Frames(XDocument page) =>
        page.Descendants(Svg + "svg").Where(e => (string?)e.Attribute("class") == "frame").ToList();

    /// <summary>The bones of one frame (by "parent-child" name): drawn length (pixels over data-scale) in metres.</summary>
    public static Dictionary<string, double> Lengths(XElement frame)
    {
        double scale = Number(frame, "data-scale");
        return frame.Descendants(Svg + "line")
            .Where(l => ((string?)l.Attribute("class") ?? "").StartsWith("bone ", StringComparison.Ordinal))
            .ToDictionary(l => ((string)l.Attribute("class")!)["bone ".Length..], l =>
            {
                double dx = Number(l, "x2") - Number(l, "x1"), dy = Number(l, "y2") - Number(l, "y1");
                return Math.Sqrt(dx * dx + dy * dy) / scale;
            });
    }

    public static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
