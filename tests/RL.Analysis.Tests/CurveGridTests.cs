namespace RL.Analysis.Tests;

/// <summary>Issue 13: runs logged at different x are aligned on one grid by linear interpolation, never extrapolated.</summary>
public class CurveGridTests
{
    private static RunCurve Curve(double[] x, double[] y) => new(null!, x, y, y[^1], x[^1]);

    // Run A logs at 0, 10, 20; run B at 5, 15, 25, 30: they share [5, 20].
    private static readonly RunCurve A = Curve([0, 10, 20], [0, 10, 40]);
    private static readonly RunCurve B = Curve([5, 15, 25, 30], [100, 200, 300, 0]);

    [Test]
    public void TheGridSpansWhereEveryRunHasDataAndValuesAreInterpolatedByHand()
    {
        var grid = CurveGrid.Span([A, B], points: 4, longest: false)!;
        Assert.That(grid, Is.EqualTo(new double[] { 5, 10, 15, 20 }));
        // A: 5 → halfway 0..10 = 5; 10 → 10; 15 → halfway 10..40 = 25; 20 → 40.
        Assert.That(CurveGrid.OnGrid(A, grid), Is.EqualTo(new double[] { 5, 10, 25, 40 }).Within(1e-12));
        // B: 5 → 100; 10 → halfway 100..200 = 150; 15 → 200; 20 → halfway 200..300 = 250.
        Assert.That(CurveGrid.OnGrid(B, grid), Is.EqualTo(new double[] { 100, 150, 200, 250 }).Within(1e-12));
        var curve = VariantCurve.Aggregate("v", [A, B], grid, new AnalysisOptions { Statistic = CentreStatistic.Mean });
        Assert.That(curve.Centre, Is.EqualTo(new double[] { 52.5, 80, 112.5, 145 }).Within(1e-12));
        Assert.That(curve.Runs, Is.All.EqualTo(2));
        for (int i = 0; i < grid.Length; i++) Assert.That(curve.Centre[i], Is.InRange(curve.Low[i], curve.High[i]));
    }

    [Test]
    public void NoValueIsExtrapolatedPastARunsEnds()
    {
        var grid = CurveGrid.Span([A, B], points: 6, longest: true)!;
        Assert.That(grid, Is.EqualTo(new double[] { 5, 10, 15, 20, 25, 30 }));
        var a = CurveGrid.OnGrid(A, grid);
        Assert.That(a[3], Is.EqualTo(40), "A's last point");
        Assert.That(a[4], Is.NaN, "after A's end");
        Assert.That(a[5], Is.NaN);
        Assert.That(CurveGrid.OnGrid(A, [-1.0]), Is.EqualTo(new[] { double.NaN }), "before A's start");
        var curve = VariantCurve.Aggregate("v", [A, B], grid, new AnalysisOptions { Statistic = CentreStatistic.Mean });
        Assert.That(curve.Runs, Is.EqualTo(new[] { 2, 2, 2, 2, 1, 1 }), "points past A's end have only B");
        Assert.That(curve.Centre[5], Is.EqualTo(0), "B alone at 30");
    }

    [Test]
    public void RunsThatDoNotOverlapHaveNoGridAndEpisodesAtOneXCountTheLast()
    {
        Assert.That(CurveGrid.Span([Curve([0, 1], [0, 1]), Curve([2, 3], [0, 1])], 10, longest: false), Is.Null);
        // Three episodes ended at decision 10: the running mean after the last of them holds them all.
        var ties = Curve([0, 10, 10, 10, 20], [0, 1, 2, 3, 5]);
        Assert.That(CurveGrid.OnGrid(ties, [5.0, 10, 15]), Is.EqualTo(new double[] { 1.5, 3, 4 }).Within(1e-12));
    }

    [Test]
    public void SmoothingIsATrailingMovingAverageOverGridPoints()
    {
        Assert.That(CurveGrid.Smooth([1, 2, 3, 4, 10], 2), Is.EqualTo(new double[] { 1, 1.5, 2.5, 3.5, 7 }).Within(1e-12));
        Assert.That(CurveGrid.Smooth([1, 2, 3], 1), Is.EqualTo(new double[] { 1, 2, 3 }));
    }
}
