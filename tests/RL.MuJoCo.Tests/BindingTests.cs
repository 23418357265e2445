using RL.MuJoCo;

namespace RL.MuJoCo.Tests;

public unsafe class BindingTests
{
    // A pendulum: one hinge, gravity along -y as in the L2R model's frame (Y up).
    private const string Pendulum = """
        <mujoco model="pendulum">
          <option timestep="0.001" gravity="0 -9.81 0"/>
          <worldbody>
            <body name="arm" pos="0 1 0">
              <joint name="hinge" type="hinge" axis="0 0 1"/>
              <inertial pos="0.5 0 0" mass="1" diaginertia="0.001 0.001 0.001"/>
            </body>
          </worldbody>
        </mujoco>
        """;

    [Test]
    public void VersionIs222()
    {
        Assert.That(MuJoCoRuntime.Version, Is.EqualTo(222));
        Assert.That(MuJoCoRuntime.VersionString, Is.EqualTo("2.2.2"));
    }

    [Test]
    public void PendulumFallsLikeAPendulum()
    {
        using var model = MjModel.FromXml(Pendulum);
        using var data = new MjData(model);
        Assert.That((model.Nq, model.Nv, model.Nbody), Is.EqualTo((1, 1, 2)));
        for (int i = 0; i < 100; i++) data.Step();
        // Horizontal arm released from rest: for small t, theta ≈ -(g / (2 L_eff)) t² with
        // I = m l² + I_zz about the hinge = 0.251, torque = m g l = 4.905 → alpha0 = -19.54 rad/s².
        double expected = -0.5 * 19.54 * 0.1 * 0.1;
        Assert.That(data.Time, Is.EqualTo(0.1).Within(1e-12));
        Assert.That(data.Qpos[0], Is.EqualTo(expected).Within(0.01 * Math.Abs(expected)));
        Assert.That(data.Qvel[0], Is.LessThan(0));
        Assert.That(data.TotalWarnings, Is.Zero);
    }

    [Test]
    public void BadMjcfIsAnErrorThatNamesTheProblem()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXml("<mujoco><worldbody><body><joint type='nonsense'/></body></worldbody></mujoco>", "bad.xml"));
        Assert.That(e!.Message, Does.Contain("bad.xml"));
        Assert.That(e.Message, Does.Contain("nonsense").Or.Contain("type"));
    }

    [Test]
    public void MuJoCoErrorDuringAStepIsAnExceptionNotAProcessExit()
    {
        // An invalid integrator makes mj_step call mju_error, which by default logs to MUJOCO_LOG.TXT,
        // waits for Enter and exits the process (mujoco-notes.md, pitfall 1).
        using var model = MjModel.FromXml(Pendulum);
        using var data = new MjData(model);
        data.Step();
        *model.Ints("opt.integrator") = 99;
        var e = Assert.Throws<MuJoCoException>(() => data.Step());
        Assert.That(e!.Message, Does.Contain("mj_step").And.Contain("ntegrator"));
        Assert.That(File.Exists("MUJOCO_LOG.TXT"), Is.False);

        // The data was reset after the error and the process goes on stepping.
        Assert.That(data.Time, Is.Zero);
        *model.Ints("opt.integrator") = 0;
        data.Step();
        Assert.That(data.Time, Is.EqualTo(0.001).Within(1e-12));
    }

    [Test]
    public void ModelThatOverflowsItsStackFailsToCompileWithTheReason()
    {
        string tiny = Pendulum.Replace("<worldbody>", "<size nstack=\"10\"/><worldbody>");
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXml(tiny, "tiny.xml"));
        Assert.That(e!.Message, Does.Contain("tiny.xml").And.Contain("Stack overflow"));
    }

    [Test]
    public void NaNStateIsCountedAsAWarningAndAutoResets()
    {
        using var model = MjModel.FromXml(Pendulum);
        using var data = new MjData(model);
        for (int i = 0; i < 10; i++) data.Step();
        data.Qvel[0] = double.NaN;
        long before = data.TotalWarnings;
        data.Step();
        // MuJoCo silently resets mjData on a bad qvel (pitfall 3): the counter is the only signal.
        Assert.That(data.TotalWarnings, Is.GreaterThan(before));
        Assert.That(double.IsFinite(data.Qvel[0]), Is.True);
        Assert.That(MuJoCoRuntime.ThreadWarningCount, Is.GreaterThan(0));
        Assert.That(File.Exists("MUJOCO_LOG.TXT"), Is.False);
    }

    [Test]
    public void SolveMMatchesTheInverseInertia()
    {
        using var model = MjModel.FromXml(Pendulum);
        using var data = new MjData(model);
        data.Forward();
        double y = 1.0, x = 0;
        data.SolveM(&x, &y, 1);
        Assert.That(x, Is.EqualTo(1 / 0.251).Within(1e-9));
    }
}
