using RL.MuJoCo;

namespace RL.MuJoCo.Tests;

/// <summary>
/// Issue 10, part 2: an env server stepped a simulator whose mjData was already freed and corrupted its heap. After
/// Dispose every way into the native memory throws <see cref="ObjectDisposedException"/> instead.
/// </summary>
public unsafe class DisposedDataTests
{
    private const string Arm = """
        <mujoco model="arm">
          <worldbody>
            <body name="arm" pos="0 1 0">
              <joint name="hinge" type="hinge" axis="0 0 1"/>
              <inertial pos="0.5 0 0" mass="1" diaginertia="0.001 0.001 0.001"/>
            </body>
          </worldbody>
          <actuator><motor joint="hinge"/></actuator>
        </mujoco>
        """;

    [Test]
    public void ArraysAndCallsOfAFreedMjDataThrowInsteadOfTouchingFreedMemory()
    {
        using var model = MjModel.FromXml(Arm);
        var data = new MjData(model);
        data.Step();
        data.Dispose();
        Assert.Multiple(() =>
        {
            Assert.Throws<ObjectDisposedException>(() => _ = (IntPtr)data.Qpos);
            Assert.Throws<ObjectDisposedException>(() => _ = (IntPtr)data.Qvel);
            Assert.Throws<ObjectDisposedException>(() => _ = (IntPtr)data.Ctrl);
            Assert.Throws<ObjectDisposedException>(() => _ = (IntPtr)data.Xpos);
            Assert.Throws<ObjectDisposedException>(() => _ = data.Time);
            Assert.Throws<ObjectDisposedException>(() => _ = data.TotalWarnings);
            Assert.Throws<ObjectDisposedException>(data.Step);
            Assert.Throws<ObjectDisposedException>(data.Reset);
        });
        data.Dispose(); // twice is fine
    }

    [Test]
    public void DataOfAFreedModelCannotStep()
    {
        var model = MjModel.FromXml(Arm);
        using var data = new MjData(model);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(data.Step);
        Assert.Throws<ObjectDisposedException>(() => _ = (IntPtr)model.Doubles("body_mass"));
    }
}
