namespace RL.Analysis.Render;

/// <summary>What a rendering wrote, and how far its drawn bodies were from the observed ones (m).</summary>
public sealed record RenderedEpisode(string FilmstripPath, string PagePath, double LargestObservedDeviation);

/// <summary>
/// Draws a recorded episode from its trajectory alone (no policy, no simulator, no display): the filmstrip PNG and the
/// animated HTML page beside each other as &lt;stem&gt;.filmstrip.png and &lt;stem&gt;.html, after checking that the
/// model's kinematics reproduce the observed body positions (<see cref="KinematicsCheck"/>).
/// </summary>
public static class TrajectoryRenderer
{
    public const string FilmstripSuffix = ".filmstrip.png";
    public const string PageSuffix = ".html";

    /// <summary>The stem outputs share: the trajectory path without ".trajectory.json".</summary>
    public static string StemOf(string trajectoryPath) =>
        trajectoryPath.EndsWith(TrajectoryFile.Extension, StringComparison.Ordinal)
            ? trajectoryPath[..^TrajectoryFile.Extension.Length]
            : Path.Combine(Path.GetDirectoryName(trajectoryPath) ?? "", Path.GetFileNameWithoutExtension(trajectoryPath));

    public static RenderedEpisode Render(Trajectory trajectory, string stem, string source, int frames = Filmstrip.DefaultFrames)
    {
        TrajectoryFile.Validate(trajectory, source);
        double deviation = KinematicsCheck.Verify(trajectory, new PlanarKinematics(trajectory.Model), source);
        string dir = Path.GetDirectoryName(Path.GetFullPath(stem))!;
        Directory.CreateDirectory(dir);
        string png = stem + FilmstripSuffix, page = stem + PageSuffix;
        Filmstrip.Write(png, trajectory, frames);
        AnimationPage.Write(page, trajectory);
        return new RenderedEpisode(png, page, deviation);
    }
}
