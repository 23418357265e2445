using RL.Analysis.Render;

namespace RL.Analysis.Tests.Render;

/// <summary>Issue 13, rl render: the figure's joints come from forward kinematics of the recorded coordinates.</summary>
public class PlanarKinematicsTests
{
    [Test]
    public void SolvedPositionsAreTheHandComputedOnesInManyPoses()
    {
        var kinematics = new PlanarKinematics(SampleRunner.Model());
        int head = kinematics.BodyIndex("head"), right = kinematics.BodyIndex("foot_r"), left = kinematics.BodyIndex("foot_l");
        for (double t = 0; t < 1.5; t += 0.07)
        {
            var q = SampleRunner.Pose(t);
            var poses = kinematics.Solve(q);
            var expected = SampleRunner.Observed(q);
            var solved = new[] { poses[head].X, poses[head].Y, poses[right].X, poses[right].Y, poses[left].X, poses[left].Y };
            Assert.That(solved, Is.EqualTo(expected).Within(1e-12), $"t = {t}");
        }
    }

    [Test]
    public void AHingeTurnsItsBodyAboutItsAnchorAndASlideMovesAlongTheTurnedAxis()
    {
        // A body turned by a quarter turn in its parent, sliding along its own x (which now points up), then hinged
        // about an anchor 0.1 m along its x, with the hinge's axis reversed (MuJoCo axis 0 0 -1: sign -1).
        var model = new SkeletonModel("two", new[] { "slide", "hinge" },
            new[] { new ModelBody("base", "", 1, 2, 0), new ModelBody("arm", "base", 0.5, 0, Math.PI / 2) },
            new[]
            {
                new ModelJoint("slide", "arm", ModelJoint.Slide, 0, 1, 0, 1, 0, 0),
                new ModelJoint("hinge", "arm", ModelJoint.Hinge, 1, 0, 0, -1, 0.1, 0),
            },
            Array.Empty<ModelSphere>(), Array.Empty<ModelMuscle>(), Array.Empty<string>());
        var poses = new PlanarKinematics(model).Solve(new[] { 2.0, Math.PI / 2 });
        // After the slide the arm's origin is at (1.5, 4) with its x pointing up; its anchor is at (1.5, 4.1). The
        // hinge turns it by −π/2 about the anchor: x points along world +x again, and the origin is 0.1 m behind the anchor.
        Assert.That(poses[1].Angle, Is.EqualTo(0).Within(1e-12));
        Assert.That(poses[1].X, Is.EqualTo(1.4).Within(1e-12));
        Assert.That(poses[1].Y, Is.EqualTo(4.1).Within(1e-12));
        Assert.That(poses[0], Is.EqualTo(new Pose2(1, 2, 0)));
    }

    [Test]
    public void AWrongNumberOfCoordinatesIsRefused()
    {
        var kinematics = new PlanarKinematics(SampleRunner.Model());
        Assert.That(() => kinematics.Solve(new double[3]), Throws.ArgumentException.With.Message.Contains("3 coordinates given, the model has 9"));
        Assert.That(() => kinematics.BodyIndex("tail"), Throws.ArgumentException.With.Message.Contains("no body 'tail'"));
    }
}
