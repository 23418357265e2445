using System.Globalization;

namespace RL.Analysis.Render;

/// <summary>Sizes of a drawn frame in pixels: the whole panel, the caption band above the scene, the scale and line widths.</summary>
public sealed record FrameStyle(double Width, double Height, double CaptionHeight, double Scale, double BoneWidth, double MuscleWidth, double FontSize)
{
    /// <summary>One panel of the filmstrip: 1.8 m of the world across (the runner lying down is 1.7 m), 2.1 m up (standing, 1.7 m with his head).</summary>
    public static readonly FrameStyle Filmstrip = new(270, 360, 45, 150, 4.5, 2, 13);

    /// <summary>One frame of the animated page: 3.2 m across, so the next obstacle shows before the runner reaches it.</summary>
    public static readonly FrameStyle Animation = new(640, 470, 50, 200, 6, 3, 16);

    /// <summary>The world's bottom edge (m): the ground band with its metre labels lies between here and y = 0.</summary>
    public const double WorldBottom = -0.3;

    public double WorldWidth => Width / Scale;
    public double WorldHeight => (Height - CaptionHeight) / Scale;
}

/// <summary>
/// Where a frame's world window lies and how it maps to pixels: the window moves with the runner, so the world x
/// labels on the ground show the progress; y is up in the world and down on the canvas.
/// </summary>
public readonly record struct FrameView(double Left, double Top, double Scale, double PanelX, double PanelY, double CaptionHeight)
{
    public double Px(double worldX) => PanelX + (worldX - Left) * Scale;
    public double Py(double worldY) => PanelY + CaptionHeight + (Top - worldY) * Scale;

    /// <summary>Centred on the pelvis: a steady camera for the animation, whose window is wide enough for a stride either way.</summary>
    public static FrameView FollowingPelvis(StickFigure figure, FrameStyle style, double panelX, double panelY) =>
        Centred(figure.Poses[0].X, style, panelX, panelY);

    /// <summary>
    /// Centred on the figure's horizontal extent (bones and spheres), for the filmstrip's narrow panels: a runner whose
    /// legs trail far behind the pelvis, or who lies on the ground, still fits.
    /// </summary>
    public static FrameView AroundFigure(StickFigure figure, FrameStyle style, double panelX, double panelY)
    {
        var xs = figure.Bones.SelectMany(b => new[] { b.Start.X, b.End.X })
            .Concat(figure.Spheres.SelectMany(s => new[] { s.Centre.X - s.Radius, s.Centre.X + s.Radius }))
            .DefaultIfEmpty(figure.Poses[0].X)
            .ToList();
        return Centred((xs.Min() + xs.Max()) / 2, style, panelX, panelY);
    }

    private static FrameView Centred(double x, FrameStyle style, double panelX, double panelY) =>
        new(x - style.WorldWidth / 2, FrameStyle.WorldBottom + style.WorldHeight, style.Scale, panelX, panelY, style.CaptionHeight);
}

/// <summary>
/// Draws one recorded step as a stick figure (issue 13, rl render): sky, the obstacles in view, the ground with world
/// x every 0.5 m, then the far (left) leg, the trunk and head, the near (right) leg, each leg's muscles under its bones
/// and shaded by their value from light (0) to dark red (1); the caption above gives time and the 2017 score so far.
/// The model's right side faces the viewer (OpenSim's z axis points to the runner's right, toward the camera).
/// </summary>
public static class FramePainter
{
    public static readonly Rgb RightColour = new(0x1f, 0x5a, 0xa6);
    public static readonly Rgb LeftColour = new(0xe0, 0x82, 0x14);
    public static readonly Rgb CentreColour = new(0x3a, 0x3a, 0x3a);
    public static readonly Rgb MuscleLow = new(0xf1, 0xdc, 0xdc);
    public static readonly Rgb MuscleHigh = new(0x9b, 0x00, 0x00);
    public static readonly Rgb Sky = new(0xf7, 0xf9, 0xfc);
    public static readonly Rgb Ground = new(0xe6, 0xdc, 0xc6);
    public static readonly Rgb GroundLine = new(0x8c, 0x7b, 0x5c);
    public static readonly Rgb ObstacleFill = new(0xa3, 0xa3, 0xa3);
    public static readonly Rgb ObstacleEdge = new(0x60, 0x60, 0x60);
    public static readonly Rgb Ink = new(0x22, 0x22, 0x22);
    public static readonly Rgb CaptionBand = new(0xff, 0xff, 0xff);

    /// <summary>A muscle's shade: its value clamped to [0, 1] between light and dark red.</summary>
    public static Rgb MuscleShade(double value) => Rgb.Lerp(MuscleLow, MuscleHigh, value);

    public static Rgb SideColour(BodySide side) => side switch
    {
        BodySide.Right => RightColour,
        BodySide.Left => LeftColour,
        _ => CentreColour,
    };

    /// <summary>The caption of a step: time and score so far, e.g. "3.20 s · 4.12 m".</summary>
    public static string Caption(TrajectoryStep step) =>
        string.Create(CultureInfo.InvariantCulture, $"{step.T:F2} s · {step.Score:F2} m");

    public static void Paint(IFrameCanvas canvas, FrameView view, FrameStyle style, Trajectory trajectory, StickFigure figure, IReadOnlyList<string> caption)
    {
        double x0 = view.PanelX, y0 = view.PanelY;
        canvas.PushClip(x0, y0, style.Width, style.Height);
        canvas.Rect(x0, y0, style.Width, style.Height, Sky);
        double left = view.Left, right = view.Left + style.WorldWidth;

        foreach (var o in trajectory.Obstacles)
        {
            if (o.X + o.R < left || o.X - o.R > right) continue;
            canvas.Circle(view.Px(o.X), view.Py(o.Y), o.R * view.Scale, ObstacleFill, ObstacleEdge, 1.2, "obstacle");
        }
        // The ground covers the buried part of each obstacle.
        canvas.Rect(x0, view.Py(0), style.Width, y0 + style.Height - view.Py(0), Ground);
        canvas.Line(x0, view.Py(0), x0 + style.Width, view.Py(0), GroundLine, 1.5, "ground");
        for (int half = (int)Math.Ceiling(left * 2); half <= right * 2; half++)
        {
            double x = half / 2.0;
            canvas.Line(view.Px(x), view.Py(0), view.Px(x), view.Py(-0.04), GroundLine, 1);
            canvas.Text(view.Px(x), view.Py(-0.04) + style.FontSize, string.Create(CultureInfo.InvariantCulture, $"{x:0.#} m"),
                style.FontSize * 0.8, GroundLine, TextAlign.Centre);
        }

        foreach (var side in new[] { BodySide.Left, BodySide.Centre, BodySide.Right })
        {
            foreach (var m in figure.Muscles.Where(m => m.Side == side))
                canvas.Polyline(m.Points.Select(p => (view.Px(p.X), view.Py(p.Y))).ToList(), MuscleShade(m.Value), style.MuscleWidth, $"muscle {m.Name}");
            var colour = SideColour(side);
            foreach (var b in figure.Bones.Where(b => b.Side == side))
                canvas.Line(view.Px(b.Start.X), view.Py(b.Start.Y), view.Px(b.End.X), view.Py(b.End.Y), colour, style.BoneWidth, $"bone {b.Name}");
            foreach (var s in figure.Spheres.Where(s => s.Side == side))
            {
                // The head is a filled circle; the foot contact spheres and the pelvis sphere are thin outlines (they
                // show what touches the ground, not flesh).
                bool head = s.Name == "head";
                canvas.Circle(view.Px(s.Centre.X), view.Py(s.Centre.Y), s.Radius * view.Scale,
                    head ? new Rgb(0xee, 0xee, 0xee) : null, colour, head ? style.BoneWidth * 0.6 : 1, $"sphere {s.Name}");
            }
        }

        canvas.Rect(x0, y0, style.Width, style.CaptionHeight, CaptionBand);
        double line = style.CaptionHeight / Math.Max(1, caption.Count);
        for (int i = 0; i < caption.Count; i++)
            canvas.Text(x0 + style.Width / 2, y0 + line * (i + 1) - line * 0.3, caption[i], i == 0 ? style.FontSize : style.FontSize * 0.85,
                Ink, TextAlign.Centre, bold: i == 0);
        canvas.Line(x0, y0 + style.CaptionHeight, x0 + style.Width, y0 + style.CaptionHeight, new Rgb(0xcc, 0xcc, 0xcc), 1);
        canvas.PopClip();
    }
}
