using MathNet.Numerics.Interpolation;
using MathNet.Numerics.Statistics;

namespace RL.Analysis;

/// <summary>
/// Puts runs logged at different x (each run logs when its own updates or episodes fall) on one grid of x so that
/// seeds can be aggregated point by point: each run linearly interpolated between its own points and never
/// extrapolated past them, a point outside a run's range has no value (NaN) for that run.
/// </summary>
public static class CurveGrid
{
    /// <summary>
    /// <paramref name="points"/> evenly spaced x from the latest first point of the runs to the earliest last point
    /// (every point has every run), or with <paramref name="longest"/> to the latest last point (later points have
    /// only the runs that got there). Null when the runs' ranges do not overlap.
    /// </summary>
    public static double[]? Span(IReadOnlyList<RunCurve> curves, int points, bool longest)
    {
        if (points < 1) throw new ArgumentOutOfRangeException(nameof(points), "a grid needs at least one point.");
        double lo = curves.Max(c => c.X[0]);
        double hi = longest ? curves.Max(c => c.X[^1]) : curves.Min(c => c.X[^1]);
        if (hi < lo) return null;
        if (hi == lo || points == 1) return [hi];
        var grid = new double[points];
        for (int i = 0; i < points; i++) grid[i] = lo + (hi - lo) * i / (points - 1);
        grid[^1] = hi; // exactly the shortest run's end, never a rounding step past it
        return grid;
    }

    /// <summary>The curve's values at <paramref name="grid"/>: linear between its points, NaN outside its x range.</summary>
    public static double[] OnGrid(RunCurve curve, IReadOnlyList<double> grid)
    {
        var (x, y) = LastAtEachX(curve.X, curve.Y);
        var values = new double[grid.Count];
        if (x.Length == 1)
        {
            for (int i = 0; i < grid.Count; i++) values[i] = grid[i] == x[0] ? y[0] : double.NaN;
            return values;
        }
        var spline = LinearSpline.InterpolateSorted(x, y);
        for (int i = 0; i < grid.Count; i++)
            values[i] = grid[i] < x[0] || grid[i] > x[^1] ? double.NaN : spline.Interpolate(grid[i]);
        return values;
    }

    /// <summary>
    /// A trailing moving average over <paramref name="k"/> grid points (MathNet's MovingAverage, fewer points at the
    /// start): causal like the running mean of episodes, so a curve never shows at x what happened after x.
    /// </summary>
    public static double[] Smooth(double[] values, int k) => k <= 1 ? values : values.MovingAverage(k).ToArray();

    /// <summary>
    /// One point per distinct x, the last one logged there: several episodes can end at one decision count (many
    /// envs), and the running mean after the last of them includes them all. A spline needs strictly increasing x.
    /// </summary>
    private static (double[] X, double[] Y) LastAtEachX(double[] x, double[] y)
    {
        var xs = new List<double>(x.Length);
        var ys = new List<double>(y.Length);
        for (int i = 0; i < x.Length; i++)
        {
            if (xs.Count > 0 && xs[^1] == x[i]) ys[^1] = y[i];
            else
            {
                xs.Add(x[i]);
                ys.Add(y[i]);
            }
        }
        return (xs.ToArray(), ys.ToArray());
    }
}
