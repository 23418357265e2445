using RL.MuJoCo;

namespace RL.Envs.Locomotion.Tests;

/// <summary>
/// Reward, termination and truncation against cases computed by hand from the v4 table (standard-tasks: hopper_v4.py,
/// walker2d_v4.py, half_cheetah_v4.py): a state is set, one step is taken with a known action, and the outcome is
/// compared with the formula. The expected motion comes from Gymnasium's own model file stepped separately, so
/// neither the env's physics nor its bookkeeping is trusted.
/// </summary>
public unsafe class RewardAndEndTests
{
    // The v4 table, written out again here on purpose (not read from the env's LocomotionTask).
    private static readonly Dictionary<string, (int FrameSkip, double Dt, double Healthy, double CtrlWeight, double Clip, string File)> Table = new()
    {
        [HopperEnv.Id] = (4, 0.008, 1, 1e-3, 10, "hopper.xml"),
        [Walker2dEnv.Id] = (4, 0.008, 1, 1e-3, 10, "walker2d.xml"),
        [HalfCheetahEnv.Id] = (5, 0.05, 0, 0.1, double.PositiveInfinity, "half_cheetah.xml"),
    };

    /// <summary>An airborne state (no contact, joints inside their ranges) with some speed in every dof.</summary>
    private static (double[] Qpos, double[] Qvel) Airborne(string id) => id switch
    {
        HopperEnv.Id => (new[] { 0.3, 1.6, 0.05, -0.4, -0.6, 0.2 }, new[] { 1.5, 0.2, -0.3, 2.0, -1.0, 0.5 }),
        Walker2dEnv.Id => (new[] { 0.3, 1.6, 0.05, -0.4, -0.6, 0.2, -0.1, -0.3, -0.2 }, new[] { 1.5, 0.2, -0.3, 2.0, -1.0, 0.5, -0.7, 0.4, 0.9 }),
        _ => (new[] { 0.3, 1.2, 0.05, 0.2, -0.3, 0.1, -0.2, 0.4, 0.1 }, new[] { 1.5, 0.2, -0.3, 2.0, -1.0, 0.5, -0.7, 0.4, 0.9 }),
    };

    [TestCaseSource(typeof(Envs), nameof(Envs.Ids))]
    public void OneStepMatchesTheFormulaOnGymnasiumsModel(string id)
    {
        var row = Table[id];
        using var env = Envs.Create(id);
        var obs = new float[env.Spec.ObservationSize];
        env.Reset(1, obs);
        var (qpos, qvel) = Airborne(id);
        Envs.SetState(env, qpos, qvel);
        var action = Enumerable.Range(0, env.Spec.ActionSize).Select(i => 0.9f - 0.35f * i).ToArray();
        var outcome = env.Step(action, obs);

        using var model = ReferenceModels.Reference(row.File);
        using var data = new MjData(model);
        for (int i = 0; i < qpos.Length; i++) data.Qpos[i] = qpos[i];
        for (int i = 0; i < qvel.Length; i++) data.Qvel[i] = qvel[i];
        double ctrlSquared = 0;
        for (int i = 0; i < action.Length; i++)
        {
            data.Ctrl[i] = action[i];
            ctrlSquared += (double)action[i] * action[i];
        }
        data.Forward();
        for (int k = 0; k < row.FrameSkip; k++) data.Step();
        double forward = (data.Qpos[0] - qpos[0]) / row.Dt;
        double expected = forward + row.Healthy - row.CtrlWeight * ctrlSquared;

        Assert.That(outcome.Reward, Is.EqualTo(expected).Within(1e-9));
        Assert.That(outcome.ScoreReward, Is.EqualTo(outcome.Reward));
        Assert.That(outcome.Terminated || outcome.Truncated, Is.False);
        var terms = env.RewardTerms.ToArray();
        var named = env.Spec.RewardTermNames.Zip(terms).ToDictionary(p => p.First, p => p.Second);
        Assert.That(named["forward"], Is.EqualTo(forward).Within(1e-9));
        Assert.That(named["ctrl"], Is.EqualTo(-row.CtrlWeight * ctrlSquared).Within(1e-12));
        Assert.That(named.GetValueOrDefault("healthy"), Is.EqualTo(row.Healthy));
        Assert.That(terms.Sum(), Is.EqualTo(outcome.Reward).Within(1e-12), "the terms are signed contributions that sum to the reward");
        for (int i = 1; i < model.Nq; i++)
            Assert.That(obs[i - 1], Is.EqualTo((float)data.Qpos[i]).Within(1e-6f), $"observation of qpos[{i}]");
        for (int i = 0; i < model.Nv; i++)
            Assert.That(obs[model.Nq - 1 + i], Is.EqualTo((float)Math.Clamp(data.Qvel[i], -row.Clip, row.Clip)).Within(1e-5f), $"observation of qvel[{i}]");
    }

    [TestCase(HopperEnv.Id, 1.60, 0.00, 0, false, TestName = "Hopper standing tall is healthy")]
    [TestCase(HopperEnv.Id, 0.60, 0.00, 0, true, TestName = "Hopper below z 0.7 terminates")]
    [TestCase(HopperEnv.Id, 1.60, 0.25, 0, true, TestName = "Hopper leaning past 0.2 rad terminates")]
    [TestCase(HopperEnv.Id, 1.60, -0.25, 0, true, TestName = "Hopper leaning back past 0.2 rad terminates")]
    [TestCase(HopperEnv.Id, 1.60, 0.00, 150, true, TestName = "Hopper with a speed beyond 100 terminates")]
    [TestCase(Walker2dEnv.Id, 1.60, 0.00, 0, false, TestName = "Walker2d standing tall is healthy")]
    [TestCase(Walker2dEnv.Id, 0.70, 0.00, 0, true, TestName = "Walker2d below z 0.8 terminates")]
    [TestCase(Walker2dEnv.Id, 2.20, 0.00, 0, true, TestName = "Walker2d above z 2 terminates")]
    [TestCase(Walker2dEnv.Id, 1.60, 0.90, 0, false, TestName = "Walker2d leaning 0.9 rad is healthy")]
    [TestCase(Walker2dEnv.Id, 1.60, -1.10, 0, true, TestName = "Walker2d leaning past 1 rad terminates")]
    [TestCase(Walker2dEnv.Id, 1.60, 0.00, 150, false, TestName = "Walker2d has no speed limit")]
    [TestCase(HalfCheetahEnv.Id, 0.10, 3.14, 150, false, TestName = "HalfCheetah upside down and fast never terminates")]
    public void HealthyTestOnTheStateAfterTheStep(string id, double z, double angle, double speed, bool terminated)
    {
        var row = Table[id];
        using var env = Envs.Create(id);
        var obs = new float[env.Spec.ObservationSize];
        env.Reset(2, obs);
        var qpos = new double[env.Qpos.Length];
        var qvel = new double[env.Qvel.Length];
        qpos[1] = z;
        qpos[2] = angle;
        if (id != HalfCheetahEnv.Id) qpos[3] = qpos[4] = -0.3; // knees and hips slightly bent, inside their ranges
        qvel[0] = speed;
        Envs.SetState(env, qpos, qvel);
        double x0 = env.Qpos[0];
        var action = new float[env.Spec.ActionSize];
        action[0] = 0.5f;
        var outcome = env.Step(action, obs);
        Assert.That(outcome.Terminated, Is.EqualTo(terminated));
        Assert.That(outcome.Truncated, Is.False);
        Assert.That(outcome.Reason, Is.EqualTo(terminated ? EndReason.Terminated : EndReason.None));
        // Gymnasium pays the healthy reward on the step that terminates too (terminate_when_unhealthy=True).
        double expected = (env.Qpos[0] - x0) / row.Dt + row.Healthy - row.CtrlWeight * 0.25;
        Assert.That(outcome.Reward, Is.EqualTo(expected).Within(1e-9));
        // The observation of the root's x speed: clipped to ±10 by Hopper and Walker2d, raw for HalfCheetah.
        int vx = env.Qpos.Length - 1;
        Assert.That(obs[vx], Is.EqualTo((float)Math.Min(env.Qvel[0], row.Clip)).Within(1e-5f));
        if (terminated)
            Assert.Throws<InvalidOperationException>(() => env.Step(action, obs));
    }

    [TestCaseSource(typeof(Envs), nameof(Envs.Ids))]
    public void TruncatedAtExactly1000StepsAndNotTerminated(string id)
    {
        using var env = Envs.Create(id);
        var obs = new float[env.Spec.ObservationSize];
        env.Reset(3, obs);
        var (qpos, qvel) = Airborne(id);
        var action = new float[env.Spec.ActionSize];
        for (int t = 1; t <= 1000; t++)
        {
            // Put the robot back in the air before every step, so it stays healthy for the whole episode.
            Envs.SetState(env, qpos, qvel);
            var outcome = env.Step(action, obs);
            if (t < 1000)
                Assert.That(outcome.Done, Is.False, $"step {t}");
            else
            {
                Assert.That(outcome.Truncated, Is.True);
                Assert.That(outcome.Terminated, Is.False);
                Assert.That(outcome.Reason, Is.EqualTo(EndReason.TimeLimit));
            }
        }
        Assert.That(env.StepsTaken, Is.EqualTo(1000));
        Assert.Throws<InvalidOperationException>(() => env.Step(action, obs));
        Assert.That(env.Spec.MaxEpisodeSteps, Is.EqualTo(1000));
    }

    [Test]
    public void HalfCheetahLeftAloneRunsTheFullThousandSteps()
    {
        using var env = Envs.Create(HalfCheetahEnv.Id);
        var obs = new float[17];
        env.Reset(4, obs);
        var action = new float[6];
        StepOutcome outcome;
        int n = 0;
        do
        {
            outcome = env.Step(action, obs);
            n++;
        } while (!outcome.Done);
        Assert.That((n, outcome.Truncated, outcome.Terminated), Is.EqualTo((1000, true, false)));
    }

    [TestCaseSource(typeof(Envs), nameof(Envs.Ids))]
    public void OutOfRangeActionsAreClippedBeforeTheCostAndCounted(string id)
    {
        using var a = Envs.Create(id);
        using var b = Envs.Create(id);
        var oa = new float[a.Spec.ObservationSize];
        var ob = new float[b.Spec.ObservationSize];
        a.Reset(5, oa);
        b.Reset(5, ob);
        var wild = Enumerable.Range(0, a.Spec.ActionSize).Select(i => i % 2 == 0 ? 3f : -0.5f).ToArray();
        var clipped = wild.Select(v => Math.Clamp(v, -1f, 1f)).ToArray();
        var outcome = a.Step(wild, oa);
        var reference = b.Step(clipped, ob);
        Assert.That(outcome.ClippedActions, Is.EqualTo((a.Spec.ActionSize + 1) / 2));
        Assert.That(outcome.Reward, Is.EqualTo(reference.Reward));
        Assert.That(oa, Is.EqualTo(ob));
    }
}
