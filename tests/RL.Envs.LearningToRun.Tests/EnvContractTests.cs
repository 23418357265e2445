using RL.Envs.LearningToRun.Simulation;

namespace RL.Envs.LearningToRun.Tests;

public class EnvContractTests
{
    [Test]
    public void EnvCheckerPasses()
    {
        var results = EnvChecker.Check(() => new LearningToRunEnv(), seed: 5, steps: 150);
        foreach (var r in results) TestContext.Out.WriteLine($"{(r.Passed ? "ok  " : "FAIL")} {r.Check}: {r.Detail}");
        Assert.That(results.Where(r => !r.Passed).Select(r => r.Check), Is.Empty);
    }

    [Test]
    public void BadActionsAreErrorsThatNameTheValue()
    {
        using var env = new LearningToRunEnv();
        var obs = new float[41];
        env.Reset(0, obs);
        Assert.That(Assert.Throws<ArgumentException>(() => env.Step(new float[17], obs))!.Message, Does.Contain("17").And.Contain("18"));
        var nan = new float[18];
        nan[4] = float.NaN;
        Assert.That(Assert.Throws<ArgumentException>(() => env.Step(nan, obs))!.Message, Does.Contain("action[4]"));
        var inf = new float[18];
        inf[17] = float.PositiveInfinity;
        Assert.That(Assert.Throws<ArgumentException>(() => env.Step(inf, obs))!.Message, Does.Contain("action[17]"));
        // Nothing was lost: the episode goes on after the rejected actions.
        Assert.That(env.StepsTaken, Is.Zero);
        Assert.DoesNotThrow(() => env.Step(new float[18], obs));
    }

    [Test]
    public void OutOfRangeExcitationsAreClippedAndCounted()
    {
        using var a = new LearningToRunEnv();
        using var b = new LearningToRunEnv();
        var oa = new float[41];
        var ob = new float[41];
        a.Reset(3, oa);
        b.Reset(3, ob);
        var wild = Enumerable.Range(0, 18).Select(i => i % 3 == 0 ? 1.7f : i % 3 == 1 ? -0.4f : 0.5f).ToArray();
        var clipped = wild.Select(v => Math.Clamp(v, 0f, 1f)).ToArray();
        var outcome = a.Step(wild, oa);
        b.Step(clipped, ob);
        Assert.That(outcome.ClippedActions, Is.EqualTo(12));
        Assert.That(oa, Is.EqualTo(ob), "clipping must give exactly the clipped action's result");
        Assert.That(a.TotalClippedActions, Is.EqualTo(12));
    }

    [Test]
    public void SteppingBeforeResetOrAfterTheEndIsAnError()
    {
        using var env = new LearningToRunEnv(new LearningToRunOptions { Difficulty = 0 });
        var obs = new float[41];
        Assert.That(Assert.Throws<InvalidOperationException>(() => env.Step(new float[18], obs))!.Message, Does.Contain("before Reset"));
        env.Reset(0, obs);
        StepOutcome outcome;
        do outcome = env.Step(new float[18], obs); while (!outcome.Done);
        Assert.That(outcome.Terminated && !outcome.Truncated, Is.True);
        Assert.That(Assert.Throws<InvalidOperationException>(() => env.Step(new float[18], obs))!.Message, Does.Contain("after the episode ended"));
    }

    [Test]
    public void SameSeedGivesBitIdenticalTrajectoriesAlsoOnParallelThreads()
    {
        var actions = FidelityTests.HeldRandomActions(11, 120, hold: 3);
        var sequential = FidelityTests.Trajectory(0.001, 99, actions);
        var again = FidelityTests.Trajectory(0.001, 99, actions);
        Assert.That(Flatten(again), Is.EqualTo(Flatten(sequential)));
        var parallel = new List<double[]>[2];
        Parallel.For(0, 2, i => parallel[i] = FidelityTests.Trajectory(0.001, 99, actions));
        Assert.That(Flatten(parallel[0]), Is.EqualTo(Flatten(sequential)));
        Assert.That(Flatten(parallel[1]), Is.EqualTo(Flatten(sequential)));
        var other = FidelityTests.Trajectory(0.001, 100, actions);
        Assert.That(Flatten(other), Is.Not.EqualTo(Flatten(sequential)), "a different seed draws a different course and strengths");
    }

    private static double[] Flatten(List<double[]> trajectory) => trajectory.SelectMany(x => x).ToArray();

    [Test]
    public void SimulatorFaultEndsTheEpisodeWithItsOwnReason()
    {
        using var env = new LearningToRunEnv();
        var obs = new float[41];
        env.Reset(1, obs);
        env.Step(new float[18], obs);
        var before = obs.ToArray();
        // Corrupt the state as a diverging simulation would (the planar engine's implicit step then fails; MuJoCo's
        // would reset its data by itself and only count a warning, mujoco-notes.md pitfall 3); the env must notice
        // and end the episode.
        var state = new double[FaithfulSimulator.StateSize];
        env.Simulator.GetState(state);
        state[Skeleton.Dofs + Skeleton.HipR] = double.NaN;
        env.Simulator.SetState(state);
        var outcome = env.Step(new float[18], obs);
        Assert.That(outcome.Reason, Is.EqualTo(EndReason.SimError));
        Assert.That(outcome.Truncated && !outcome.Terminated, Is.True, "a simulator fault is a truncation, not a terminal state");
        Assert.That(obs, Is.EqualTo(before), "the last good observation is returned, never the reset state");
        Assert.Throws<InvalidOperationException>(() => env.Step(new float[18], obs));
        env.Reset(1, obs);
        Assert.That(env.Step(new float[18], obs).Reason, Is.EqualTo(EndReason.None), "the env recovers on reset");
    }

    [Test]
    public void UnknownOrBadOptionsAreErrorsNamingTheKey()
    {
        var registry = LearningToRunCatalog.Register(new EnvRegistry());
        Assert.That(Assert.Throws<ArgumentException>(() => registry.Create("L2R", new Dictionary<string, string> { ["dificulty"] = "1" }))!.Message,
            Does.Contain("'dificulty'").And.Contain("did you mean 'difficulty'"));
        Assert.That(Assert.Throws<ArgumentException>(() => registry.Create("L2R", new Dictionary<string, string> { ["difficulty"] = "3" }))!.Message,
            Does.Contain("difficulty").And.Contain("outside"));
        Assert.That(Assert.Throws<ArgumentException>(() => registry.Create("L2R", new Dictionary<string, string> { ["substep"] = "0.003" }))!.Message,
            Does.Contain("substep"));
        using var env = registry.Create("L2R", new Dictionary<string, string> { ["difficulty"] = "1", ["max_obstacles"] = "10", ["frame_skip"] = "4" });
        Assert.That(env.Spec.Options["max_obstacles"], Is.EqualTo("10"));
        Assert.That(env.Spec.MaxEpisodeSteps, Is.EqualTo(250));
    }
}
