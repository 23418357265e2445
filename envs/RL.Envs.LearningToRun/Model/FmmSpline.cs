namespace RL.Envs.LearningToRun.Model;

/// <summary>
/// OpenSim's SimmSpline: a natural-looking cubic spline whose end conditions match the third derivative of the
/// cubic through the four end knots (Forsythe, Malcolm and Moler, "Computer Methods for Mathematical
/// Computations", 1977, routine SPLINE). Outside the knots it extrapolates linearly with the end slope, as
/// OpenSim's SimmSpline::calcValue does. l2r-environment.md §2.3 checks it: the knee's tx, ty at q = 0 are
/// (−0.0045000, −0.3958207).
/// </summary>
public sealed class FmmSpline
{
    private readonly double[] _x, _y, _b, _c, _d;
    private int _hint;

    public FmmSpline(double[] x, double[] y)
    {
        int n = x.Length;
        if (n != y.Length) throw new ArgumentException($"spline has {n} knots but {y.Length} values.");
        if (n < 4) throw new ArgumentException("FMM end conditions need at least 4 knots.");
        for (int i = 1; i < n; i++)
            if (!(x[i] > x[i - 1])) throw new ArgumentException($"spline knots must increase (x[{i}] = {x[i]} after {x[i - 1]}).");
        _x = (double[])x.Clone();
        _y = (double[])y.Clone();
        _b = new double[n];
        _c = new double[n];
        _d = new double[n];
        Fit();
    }

    public int Count => _x.Length;
    public double MinX => _x[0];
    public double MaxX => _x[^1];

    private void Fit()
    {
        int n = _x.Length, nm1 = n - 1;
        double[] x = _x, y = _y, b = _b, c = _c, d = _d;
        // Tridiagonal system: b = diagonal, d = off-diagonal, c = right-hand side.
        d[0] = x[1] - x[0];
        c[1] = (y[1] - y[0]) / d[0];
        for (int i = 1; i < nm1; i++)
        {
            d[i] = x[i + 1] - x[i];
            b[i] = 2 * (d[i - 1] + d[i]);
            c[i + 1] = (y[i + 1] - y[i]) / d[i];
            c[i] = c[i + 1] - c[i];
        }
        // End conditions: third derivatives at both ends from divided differences.
        b[0] = -d[0];
        b[nm1] = -d[n - 2];
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0]);
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4]);
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0]);
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4]);
        // Forward elimination, then back substitution.
        for (int i = 1; i < n; i++)
        {
            double t = d[i - 1] / b[i - 1];
            b[i] -= t * d[i - 1];
            c[i] -= t * c[i - 1];
        }
        c[nm1] /= b[nm1];
        for (int i = n - 2; i >= 0; i--) c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
        // Polynomial coefficients: y = y_i + b_i dx + c_i dx² + d_i dx³ on [x_i, x_i+1].
        b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2 * c[nm1]);
        for (int i = 0; i < nm1; i++)
        {
            b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2 * c[i]);
            d[i] = (c[i + 1] - c[i]) / d[i];
            c[i] *= 3;
        }
        c[nm1] *= 3;
        d[nm1] = d[n - 2];
    }

    /// <summary>Value, first and second derivative at <paramref name="q"/>.</summary>
    public double Evaluate(double q, out double d1, out double d2)
    {
        double[] x = _x;
        int n = x.Length;
        if (q < x[0])
        {
            d1 = _b[0];
            d2 = 0;
            return _y[0] + (q - x[0]) * _b[0];
        }
        if (q > x[n - 1])
        {
            d1 = _b[n - 1];
            d2 = 0;
            return _y[n - 1] + (q - x[n - 1]) * _b[n - 1];
        }
        int k = Interval(q);
        double dx = q - x[k];
        d1 = _b[k] + dx * (2 * _c[k] + 3 * dx * _d[k]);
        d2 = 2 * _c[k] + 6 * dx * _d[k];
        return _y[k] + dx * (_b[k] + dx * (_c[k] + dx * _d[k]));
    }

    public double Value(double q) => Evaluate(q, out _, out _);

    /// <summary>The knot interval [x_k, x_k+1] holding q (binary search; the last knot belongs to the last interval).</summary>
    private int Interval(double q)
    {
        // Coordinates move little between calls: try the interval found last time first. The hint is a plain
        // field, so a spline shared between threads may miss it but always returns the right interval.
        int k = _hint;
        if (k < _x.Length - 1 && q >= _x[k] && (q < _x[k + 1] || k == _x.Length - 2)) return k;
        int lo = 0, hi = _x.Length - 1;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (q >= _x[mid]) lo = mid;
            else hi = mid;
        }
        _hint = lo;
        return lo;
    }
}
