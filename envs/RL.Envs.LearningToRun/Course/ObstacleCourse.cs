namespace RL.Envs.LearningToRun.Course;

/// <summary>One obstacle as the 2017 observation reports it: centre x, centre height y and radius r.</summary>
public readonly record struct Obstacle(double X, double Y, double R);

/// <summary>An episode's course: the sorted obstacles and the 18 muscle strength factors.</summary>
public sealed record CourseLayout(Obstacle[] Obstacles, double[] Strength);

/// <summary>
/// osim-rl v1.5's RunEnv.generate_env, draw for draw (l2r-environment.md §3.4, §3.5), on numpy's legacy RNG:
/// <list type="number">
/// <item>difficulty &gt; 0: n0 = min(3, max_obstacles); xs = U(1, 5, n0), ys = U(−0.25, 0.25, n0), rs = 0.05 + Exp(0.05, n0);</item>
/// <item>difficulty &gt; 0 and max_obstacles &gt; 3: extra = min(20, max_obstacles) − n0 more: x = 5 + cumsum(U(2, 4)), y = U(−0.05, 0.25), r = 0.05 + Exp(0.05);</item>
/// <item>every y is multiplied by its r; then the (x, y, r) list is sorted;</item>
/// <item>difficulty 2: rpsoas = max(0.5, 1 − N(0, 0.1)), then lpsoas = max(0.5, 1 − N(0, 0.1)) (the second value of the same Gaussian pair).</item>
/// </list>
/// </summary>
public static class ObstacleCourse
{
    public const int MaxObstaclesLimit = 20;

    /// <summary>Index of the right iliopsoas, weakened at difficulty 2 (MUSCLES_PSOAS_R = 3 in run.py).</summary>
    public const int RightPsoas = 3;

    public static CourseLayout Generate(NumpyRandomState rng, int difficulty, int maxObstacles, int leftPsoasIndex)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        var rs = new List<double>();
        if (difficulty > 0)
        {
            int n0 = Math.Min(3, maxObstacles);
            for (int i = 0; i < n0; i++) xs.Add(rng.Uniform(1.0, 5.0));
            for (int i = 0; i < n0; i++) ys.Add(rng.Uniform(-0.25, 0.25));
            for (int i = 0; i < n0; i++) rs.Add(0.05 + rng.Exponential(0.05));
            if (maxObstacles > 3)
            {
                int extra = Math.Max(Math.Min(MaxObstaclesLimit, maxObstacles) - n0, 0);
                double cumulative = 0;
                var increments = new double[extra];
                for (int i = 0; i < extra; i++) increments[i] = rng.Uniform(2.0, 4.0);
                foreach (double d in increments)
                {
                    cumulative += d;
                    xs.Add(cumulative + 5);
                }
                for (int i = 0; i < extra; i++) ys.Add(rng.Uniform(-0.05, 0.25));
                for (int i = 0; i < extra; i++) rs.Add(0.05 + rng.Exponential(0.05));
            }
        }
        var obstacles = new Obstacle[xs.Count];
        for (int i = 0; i < xs.Count; i++) obstacles[i] = new Obstacle(xs[i], ys[i] * rs[i], rs[i]);
        // Python sorts the tuples lexicographically: by x, then y, then r.
        Array.Sort(obstacles, (a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y != b.Y ? a.Y.CompareTo(b.Y) : a.R.CompareTo(b.R));

        var strength = Enumerable.Repeat(1.0, 18).ToArray();
        if (difficulty >= 2)
        {
            double rpsoas = Math.Max(0.5, 1 - rng.Normal(0, 0.1));
            double lpsoas = Math.Max(0.5, 1 - rng.Normal(0, 0.1));
            strength[RightPsoas] = rpsoas;
            strength[leftPsoasIndex] = lpsoas;
        }
        return new CourseLayout(obstacles, strength);
    }
}
