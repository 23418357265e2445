using RL.Analysis.Render;

namespace RL.Analysis.Tests.Render;

/// <summary>Issue 13, rl render: a drawing whose bodies are not where the env observed them is refused.</summary>
public class KinematicsCheckTests
{
    [Test]
    public void ATrajectoryWhoseModelFitsItsObservationsPasses()
    {
        var trajectory = SampleRunner.Trajectory();
        double largest = KinematicsCheck.Verify(trajectory, new PlanarKinematics(trajectory.Model), "sample");
        Assert.That(largest, Is.LessThan(1e-9));
    }

    [Test]
    public void AModelWithAWrongSegmentIsRefusedNamingTheBodyAndStep()
    {
        var trajectory = SampleRunner.Trajectory();
        // The right shank 2 cm too long: the right foot misses its observed position by up to 2 cm.
        var bodies = trajectory.Model.Bodies.Select(b => b.Name == "foot_r" ? b with { Y = b.Y - 0.02 } : b).ToList();
        var wrong = trajectory with { Model = trajectory.Model with { Bodies = bodies } };
        var e = Assert.Throws<InvalidDataException>(() => KinematicsCheck.Verify(wrong, new PlanarKinematics(wrong.Model), "wrong.trajectory.json"))!;
        Assert.That(e.Message, Does.Contain("wrong.trajectory.json").And.Contain("foot_r").And.Contain("20.0 mm").And.Contain("at step"));
    }
}
