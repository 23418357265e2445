using SkiaSharp;

namespace RL.Analysis.Render;

/// <summary>
/// An episode as one PNG: a heading (run, checkpoint, seed, setting; score and how it ended; legend) over frames evenly
/// spaced from the first recorded step to the last, side by side, each following the runner with world x marked on the
/// ground and captioned with its time and score (issue 13, rl render).
/// </summary>
public static class Filmstrip
{
    public const int DefaultFrames = 12;
    public const double Margin = 10, Gap = 6, HeadingHeight = 52;

    /// <summary>Indices of <paramref name="frames"/> steps evenly spaced over <paramref name="steps"/>, first and last included.</summary>
    public static int[] FrameIndices(int steps, int frames)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "no steps to draw.");
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "a filmstrip needs at least one frame.");
        int n = Math.Min(frames, steps);
        if (n == 1) return new[] { 0 };
        return Enumerable.Range(0, n).Select(i => (int)Math.Round(i * (steps - 1) / (double)(n - 1))).ToArray();
    }

    /// <summary>The PNG's size for <paramref name="frames"/> panels of <paramref name="style"/>.</summary>
    public static (int Width, int Height) Size(int frames, FrameStyle style) =>
        ((int)Math.Ceiling(2 * Margin + frames * style.Width + (frames - 1) * Gap), (int)Math.Ceiling(2 * Margin + HeadingHeight + style.Height));

    public static void Write(string path, Trajectory trajectory, int frames = DefaultFrames)
    {
        var style = FrameStyle.Filmstrip;
        var indices = FrameIndices(trajectory.Steps.Count, frames);
        var (width, height) = Size(indices.Length, style);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}×{height} surface.");
        var canvas = new SkiaFrameCanvas(surface.Canvas);
        canvas.Rect(0, 0, width, height, new Rgb(0xff, 0xff, 0xff));
        canvas.Text(Margin, Margin + 16, EpisodeTitle.Heading(trajectory), 15, FramePainter.Ink, bold: true);
        canvas.Text(Margin, Margin + 38, $"{EpisodeTitle.Outcome(trajectory)}   ·   {EpisodeTitle.Legend(trajectory)}", 13, FramePainter.Ink);
        var kinematics = new PlanarKinematics(trajectory.Model);
        for (int i = 0; i < indices.Length; i++)
        {
            var step = trajectory.Steps[indices[i]];
            var figure = StickFigure.At(kinematics, step);
            var view = FrameView.AroundFigure(figure, style, Margin + i * (style.Width + Gap), Margin + HeadingHeight);
            var caption = new List<string> { FramePainter.Caption(step) };
            if (indices[i] == trajectory.Steps.Count - 1) caption.Add(EpisodeTitle.EndText(trajectory.End));
            else if (i == 0) caption.Add("start");
            FramePainter.Paint(canvas, view, style, trajectory, figure, caption);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary)) data.SaveTo(stream);
        File.Move(temporary, path, overwrite: true);
    }
}
