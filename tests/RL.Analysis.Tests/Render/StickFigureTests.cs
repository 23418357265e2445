using RL.Analysis.Render;

namespace RL.Analysis.Tests.Render;

/// <summary>Issue 13, rl render: what the stick figure is made of.</summary>
public class StickFigureTests
{
    [Test]
    public void EveryBodyHangsOnABoneFromItsParentWhoseLengthIsTheSegmentsInEveryPose()
    {
        var trajectory = SampleRunner.Trajectory();
        var kinematics = new PlanarKinematics(trajectory.Model);
        var segment = new Dictionary<string, double>
        {
            ["pelvis-thigh_r"] = Math.Sqrt(SampleRunner.HipX * SampleRunner.HipX + SampleRunner.HipY * SampleRunner.HipY),
            ["thigh_r-shank_r"] = SampleRunner.Thigh, ["shank_r-foot_r"] = SampleRunner.Shank,
            ["pelvis-thigh_l"] = Math.Sqrt(SampleRunner.HipX * SampleRunner.HipX + SampleRunner.HipY * SampleRunner.HipY),
            ["thigh_l-shank_l"] = SampleRunner.Thigh, ["shank_l-foot_l"] = SampleRunner.Shank,
            ["pelvis-torso"] = Math.Sqrt(SampleRunner.TorsoX * SampleRunner.TorsoX + SampleRunner.TorsoY * SampleRunner.TorsoY),
            ["torso-head"] = SampleRunner.Neck,
        };
        foreach (var step in trajectory.Steps)
        {
            var figure = StickFigure.At(kinematics, step);
            Assert.That(figure.Bones.Select(b => b.Name), Is.EquivalentTo(segment.Keys));
            foreach (var bone in figure.Bones) Assert.That(bone.Length, Is.EqualTo(segment[bone.Name]).Within(1e-12), $"{bone.Name} at {step.T} s");
        }
    }

    [Test]
    public void SidesComeFromTheNamesAndMusclesCarryTheirRecordedValues()
    {
        var trajectory = SampleRunner.Trajectory();
        var figure = StickFigure.At(new PlanarKinematics(trajectory.Model), trajectory.Steps[3]);
        Assert.That(figure.Bones.Single(b => b.Name == "thigh_r-shank_r").Side, Is.EqualTo(BodySide.Right));
        Assert.That(figure.Bones.Single(b => b.Name == "thigh_l-shank_l").Side, Is.EqualTo(BodySide.Left));
        Assert.That(figure.Bones.Single(b => b.Name == "torso-head").Side, Is.EqualTo(BodySide.Centre));
        Assert.That(figure.Spheres.Single(s => s.Name == "l_heel").Side, Is.EqualTo(BodySide.Left));
        Assert.That(figure.Muscles.Select(m => m.Value), Is.EqualTo(trajectory.Steps[3].Muscles));
        Assert.That(figure.Muscles[1].Points, Has.Count.EqualTo(3));
    }

    [Test]
    public void MusclesAreLightAtZeroDarkRedAtOneAndClampedOutside()
    {
        Assert.That(FramePainter.MuscleShade(0), Is.EqualTo(FramePainter.MuscleLow));
        Assert.That(FramePainter.MuscleShade(1), Is.EqualTo(FramePainter.MuscleHigh));
        Assert.That(FramePainter.MuscleShade(-0.02), Is.EqualTo(FramePainter.MuscleLow), "the activation state dips below 0 in 2017's model");
        Assert.That(FramePainter.MuscleShade(1.3), Is.EqualTo(FramePainter.MuscleHigh));
        var half = FramePainter.MuscleShade(0.5);
        Assert.That(half.G, Is.LessThan(FramePainter.MuscleLow.G).And.GreaterThan(FramePainter.MuscleHigh.G));
    }
}
