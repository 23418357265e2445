using System.Globalization;

namespace RL.Analysis;

/// <summary>Numbers as the tables, notes and console show them: invariant culture, as many digits as a reader compares.</summary>
public static class Formats
{
    /// <summary>Counts with thousands separators (350,000 decisions), scores with two decimals, small values (losses, learning rates) with three significant digits.</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        double a = Math.Abs(v);
        string format = a == 0 ? "0.00" : a >= 1000 ? "#,0" : a >= 1 ? "0.00" : a >= 0.001 ? "0.####" : "0.00e+0";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>An x value: counts (decisions, updates) whole with thousands separators, hours as a number.</summary>
    public static string X(double v, XAxis axis) =>
        double.IsNaN(v) ? Number(v)
        : axis != XAxis.Hours ? v.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(v) >= 0.01 ? v.ToString("0.00", CultureInfo.InvariantCulture) : Number(v);

    public static string Probability(double p) => p.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A number for a CSV cell: round-trip precision, empty for no value (the run directory's convention).</summary>
    public static string Cell(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
