using System.Buffers.Binary;
using System.Xml.Linq;
using SkiaSharp;

namespace RL.Analysis.Tests;

/// <summary>Issue 13: the figures are valid PNG and SVG files of the size asked, with a coloured curve per variant.</summary>
public class LearningCurveFigureTests
{
    private static (RunFixture Runs, IReadOnlyDictionary<string, IReadOnlyList<string>> Figures) Figures(int width, int height)
    {
        var runs = new RunFixture();
        AnalysisFixtures.Sweep(runs);
        var analysis = ExperimentAnalysis.Run(RunScan.Scan(runs.Root), new AnalysisOptions { Metrics = [Metric.Score, Metric.Eval], Window = 3 });
        return (runs, AnalysisFiles.Write(analysis, Path.Combine(runs.Root, "plots"), ["png", "svg"], width, height));
    }

    [Test]
    public void ThePngHasItsSignatureTheSizeAskedAndEachVariantsColour()
    {
        var (runs, figures) = Figures(640, 480);
        using var _ = runs;
        Assert.That(figures.Keys, Is.EquivalentTo(new[] { "score", "eval" }));
        string png = figures["score"].Single(p => p.EndsWith(".png"));
        Assert.That(png, Is.EqualTo(Path.Combine(runs.Root, "plots", "score.png")));
        var bytes = File.ReadAllBytes(png);
        Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }));
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(640));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(480));
        using var bitmap = SKBitmap.Decode(png);
        var colours = bitmap.Pixels.Select(p => (uint)p).ToHashSet();
        Assert.That(colours, Has.Count.GreaterThan(50), "curves, bands, text and grid, not a blank image");
        for (int i = 0; i < 2; i++)
        {
            var c = LearningCurveFigure.Colours[i];
            Assert.That(bitmap.Pixels.Count(p => Math.Abs(p.Red - c.R) + Math.Abs(p.Green - c.G) + Math.Abs(p.Blue - c.B) < 12), Is.GreaterThan(100),
                $"variant {i}'s line colour #{c.R:X2}{c.G:X2}{c.B:X2}");
        }
    }

    [Test]
    public void TheSvgIsXmlOfTheSizeAskedWithACurvePerVariantAndTheLabels()
    {
        var (runs, figures) = Figures(800, 500);
        using var _ = runs;
        var svg = XDocument.Load(figures["eval"].Single(p => p.EndsWith(".svg")));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.That(svg.Root!.Name, Is.EqualTo(ns + "svg"));
        Assert.That((svg.Root.Attribute("width")?.Value, svg.Root.Attribute("height")?.Value), Is.EqualTo(("800", "500")));
        var paths = svg.Descendants(ns + "path").ToArray();
        Assert.That(paths, Has.Length.GreaterThan(20));
        for (int i = 0; i < 2; i++)
        {
            string hex = LearningCurveFigure.Colours[i].ToHex()[..7];
            Assert.That(paths.Count(p => string.Equals(p.Attribute("stroke")?.Value, hex, StringComparison.OrdinalIgnoreCase)), Is.GreaterThan(0), $"variant {i}'s line {hex}");
            Assert.That(paths.Count(p => string.Equals(p.Attribute("fill")?.Value, hex, StringComparison.OrdinalIgnoreCase)), Is.GreaterThan(0), $"variant {i}'s band {hex}");
        }
        string text = string.Concat(svg.Descendants(ns + "text").Select(t => t.Value));
        Assert.That(text, Does.Contain("exp: evaluation score").And.Contain("evaluation score (m)").And.Contain("env steps (decisions, all envs)")
            .And.Contain("a (4 runs)").And.Contain("b (3 runs)"));
    }
}
