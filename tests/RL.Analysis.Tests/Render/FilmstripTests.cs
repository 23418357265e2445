using RL.Analysis.Render;
using SkiaSharp;

namespace RL.Analysis.Tests.Render;

/// <summary>Issue 13, rl render: the filmstrip PNG.</summary>
public class FilmstripTests
{
    [Test]
    public void FramesAreEvenlySpacedFromTheFirstStepToTheLast()
    {
        Assert.That(Filmstrip.FrameIndices(100, 12), Is.EqualTo(new[] { 0, 9, 18, 27, 36, 45, 54, 63, 72, 81, 90, 99 }));
        Assert.That(Filmstrip.FrameIndices(5, 12), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }), "never more frames than steps");
        Assert.That(Filmstrip.FrameIndices(1, 12), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void TheFilmstripIsAPngOfTheExpectedSizeWithTheRunnerTheGroundAndTheObstaclesDrawn()
    {
        var trajectory = SampleRunner.Trajectory(steps: 40);
        string path = Path.Combine(Path.GetTempPath(), $"rl-filmstrip-{Guid.NewGuid():N}.png");
        try
        {
            Filmstrip.Write(path, trajectory, frames: 6);
            byte[] bytes = File.ReadAllBytes(path);
            Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a }), "PNG signature");
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.That(bitmap, Is.Not.Null);
            var (width, height) = Filmstrip.Size(6, FrameStyle.Filmstrip);
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((width, height)));
            int Count(Rgb c) => bitmap.Pixels.Count(p => Math.Abs(p.Red - c.R) <= 8 && Math.Abs(p.Green - c.G) <= 8 && Math.Abs(p.Blue - c.B) <= 8);
            Assert.That(Count(FramePainter.RightColour), Is.GreaterThan(6 * 200), "right leg bones in every frame");
            Assert.That(Count(FramePainter.LeftColour), Is.GreaterThan(6 * 200), "left leg bones in every frame");
            Assert.That(Count(FramePainter.Ground), Is.GreaterThan(width * 20), "the ground");
            Assert.That(Count(FramePainter.ObstacleFill), Is.GreaterThan(50), "the first obstacle (0.8 m) is in the first frames");
            Assert.That(Count(FramePainter.Ink), Is.GreaterThan(500), "captions and heading are drawn text");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
