using RL.Envs.LearningToRun.Course;

namespace RL.Envs.LearningToRun.Tests;

/// <summary>
/// 2017 obstacle courses and strengths for given seeds. Expected values were computed independently of our
/// generator, in Python on CPython's own MT19937 (random.Random with its state set to init_genrand(seed), whose
/// random() is genrand_res53 like numpy's random_sample) and numpy's legacy uniform/exponential/gauss formulas;
/// seed 0's first draws equal numpy's well-known np.random.seed(0); np.random.rand() = 0.5488135, 0.71518937,
/// 0.60276338 (×4 + 1 = the first x values below, before sorting).
/// </summary>
public class CourseTests
{
    [Test]
    public void Mt19937MatchesThePublishedTestVectors()
    {
        // init_genrand(5489): first output 3499211612; the 10000th is 4123659995 (C++11 std::mt19937).
        var rng = new NumpyRandomState(5489);
        Assert.That(rng.NextUInt32(), Is.EqualTo(3499211612u));
        for (int i = 2; i < 10000; i++) rng.NextUInt32();
        Assert.That(rng.NextUInt32(), Is.EqualTo(4123659995u));
    }

    [Test]
    public void RandomSampleOfSeedZeroIsNumpys()
    {
        var rng = new NumpyRandomState(0);
        Assert.That(rng.NextDouble(), Is.EqualTo(0.5488135039273248).Within(1e-16));
        Assert.That(rng.NextDouble(), Is.EqualTo(0.7151893663724195).Within(1e-16));
        Assert.That(rng.NextDouble(), Is.EqualTo(0.6027633760716439).Within(1e-16));
    }

    private static readonly object[] Courses =
    {
        new object[] { 0L, 2, 3, new[,]
        {
            { 3.195254015709299, 0.0017678579132852615, 0.07877595995843199 },
            { 3.4110535042865755, 0.015738007144031275, 0.2157456091026907 },
            { 3.860757465489678, -0.00615251545372294, 0.16117622065163284 },
        }, 0.8733881470142222, 1.0505876539760513 },
        new object[] { 1L, 2, 3, new[,]
        {
            { 1.0004574992693795, -0.015342872466567221, 0.07527262708553743 },
            { 2.668088018810296, -0.00596023942075237, 0.060305731704104026 },
            { 3.8812979737686324, -0.01257528259533304, 0.07119882409035375 },
        }, 1.2363468604780012, 0.8864654652099861 },
        new object[] { 42L, 2, 10, new[,]
        {
            { 2.49816047538945, 0.0026140521601046565, 0.05299193843043404 },
            { 3.9279757672456204, -0.01650436941931951, 0.09595410768136323 },
            { 4.802857225639665, -0.02589518216763767, 0.15056154322399698 },
            { 8.41614515559209, 0.0030052226630836822, 0.07281386091104236 },
            { 10.457314144183696, 0.008642145663309923, 0.08044673439298876 },
            { 14.397133848507686, 0.010098892236381385, 0.12689680055154562 },
            { 18.06201913010853, 0.002284605051934024, 0.061136793106434516 },
            { 20.486697351465082, 0.011499354961967469, 0.0861014577516564 },
            { 22.850347285879284, -0.0007734079155597734, 0.09487523606548803 },
            { 25.21715630558615, 0.001971692966188269, 0.05237819248782043 },
        }, 1.1150993577422303, 0.9624301981654328 },
        new object[] { 123456789L, 1, 3, new[,]
        {
            { 3.038212142105868, 0.013331608600551532, 0.10551599353902688 },
            { 3.131332099159036, 0.0168348474448229, 0.15765620549818038 },
            { 3.1365464035616664, -0.007097448349958735, 0.05841496149006766 },
        }, 1.0, 1.0 },
        new object[] { 4294967295L, 2, 5, new[,]
        {
            { 1.3905281159760552, 0.01329578199512056, 0.09496865100806755 },
            { 4.156141207406559, 0.03992004670264405, 0.1700512984546682 },
            { 4.649531381210487, -0.013955179798974829, 0.05789806398044512 },
            { 8.107472623185, 0.004458696118159493, 0.06003042918274282 },
            { 12.076583735256591, 0.008769261703781771, 0.18555305145248407 },
        }, 1.1456865550953808, 1.0050159765544118 },
    };

    [TestCaseSource(nameof(Courses))]
    public void SeedReproducesThe2017Course(long seed, int difficulty, int maxObstacles, double[,] obstacles, double rightPsoas, double leftPsoas)
    {
        using var env = new LearningToRunEnv(new LearningToRunOptions { Difficulty = difficulty, MaxObstacles = maxObstacles });
        env.Reset(seed, new float[41]);
        var course = env.Course;
        Assert.That(course.Obstacles, Has.Length.EqualTo(obstacles.GetLength(0)));
        for (int i = 0; i < obstacles.GetLength(0); i++)
        {
            Assert.That(course.Obstacles[i].X, Is.EqualTo(obstacles[i, 0]).Within(1e-13), $"obstacle {i} x");
            Assert.That(course.Obstacles[i].Y, Is.EqualTo(obstacles[i, 1]).Within(1e-13), $"obstacle {i} y");
            Assert.That(course.Obstacles[i].R, Is.EqualTo(obstacles[i, 2]).Within(1e-13), $"obstacle {i} r");
        }
        Assert.That(course.Strength[3], Is.EqualTo(rightPsoas).Within(1e-13));
        Assert.That(course.Strength[11], Is.EqualTo(leftPsoas).Within(1e-13));
        Assert.That(course.Strength.Where((_, i) => i != 3 && i != 11), Is.All.EqualTo(1.0));
        // The observation reports them: obs[36] = strength[11] (the 2017 quirk), obs[37] = strength[3].
        Assert.That(env.ObservationDouble[36], Is.EqualTo(leftPsoas).Within(1e-13));
        Assert.That(env.ObservationDouble[37], Is.EqualTo(rightPsoas).Within(1e-13));
        Assert.That(env.ObservationDouble[38], Is.EqualTo(obstacles[0, 0]).Within(1e-13), "next obstacle dx from the pelvis at x = 0");
    }

    [Test]
    public void IntendedPsoasIndexWeakensTheLeftIliopsoasInstead()
    {
        using var env = new LearningToRunEnv(new LearningToRunOptions { LeftPsoasIndex = 12 });
        env.Reset(0, new float[41]);
        Assert.That(env.Course.Strength[12], Is.EqualTo(1.0505876539760513).Within(1e-13));
        Assert.That(env.Course.Strength[11], Is.EqualTo(1.0));
    }

    [Test]
    public void ResetWithoutSeedContinuesTheStream()
    {
        using var a = new LearningToRunEnv();
        using var b = new LearningToRunEnv();
        var obs = new float[41];
        a.Reset(7, obs);
        a.Reset(null, obs);
        var second = a.Course;
        b.Reset(7, obs);
        b.Reset(null, obs);
        Assert.That(b.Course.Obstacles, Is.EqualTo(second.Obstacles));
        a.Reset(7, obs);
        Assert.That(a.Course.Obstacles, Is.Not.EqualTo(second.Obstacles));
    }

    [Test]
    public void SeedOutsideNumpysRangeIsAnError()
    {
        using var env = new LearningToRunEnv();
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Reset(-1, new float[41]));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Reset(1L << 32, new float[41]));
    }
}
