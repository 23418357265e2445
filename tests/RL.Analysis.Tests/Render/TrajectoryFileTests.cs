using RL.Analysis.Render;

namespace RL.Analysis.Tests.Render;

/// <summary>Issue 13, rl render: the recorded episode is a file a drawing can be redone from.</summary>
public class TrajectoryFileTests
{
    private string _dir = "";

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("rl-trajectory-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void ATrajectoryRoundTripsExactly()
    {
        var trajectory = SampleRunner.Trajectory();
        string path = Path.Combine(_dir, "a" + TrajectoryFile.Extension);
        TrajectoryFile.Write(path, trajectory);
        var back = TrajectoryFile.Read(path);
        Assert.That(back.Run, Is.EqualTo(trajectory.Run));
        Assert.That(back.Checkpoint, Is.EqualTo(trajectory.Checkpoint));
        Assert.That(back.Seed, Is.EqualTo(trajectory.Seed));
        Assert.That(back.End, Is.EqualTo(trajectory.End));
        Assert.That(back.Options, Is.EquivalentTo(trajectory.Options));
        Assert.That(back.Model.Bodies, Is.EqualTo(trajectory.Model.Bodies));
        Assert.That(back.Model.Joints, Is.EqualTo(trajectory.Model.Joints));
        Assert.That(back.Model.Spheres, Is.EqualTo(trajectory.Model.Spheres));
        Assert.That(back.Model.Muscles.Select(m => m.Points), Is.EqualTo(trajectory.Model.Muscles.Select(m => m.Points)));
        Assert.That(back.Obstacles, Is.EqualTo(trajectory.Obstacles));
        Assert.That(back.Steps, Has.Count.EqualTo(trajectory.Steps.Count));
        for (int k = 0; k < back.Steps.Count; k++)
        {
            Assert.That(back.Steps[k].T, Is.EqualTo(trajectory.Steps[k].T));
            Assert.That(back.Steps[k].Q, Is.EqualTo(trajectory.Steps[k].Q), "doubles come back bit for bit");
            Assert.That(back.Steps[k].Muscles, Is.EqualTo(trajectory.Steps[k].Muscles));
            Assert.That(back.Steps[k].Observed, Is.EqualTo(trajectory.Steps[k].Observed));
            Assert.That(back.Steps[k].Score, Is.EqualTo(trajectory.Steps[k].Score));
        }
        string again = Path.Combine(_dir, "b" + TrajectoryFile.Extension);
        TrajectoryFile.Write(again, back);
        Assert.That(File.ReadAllText(again), Is.EqualTo(File.ReadAllText(path)));
        Assert.That(File.ReadAllText(path), Does.Contain("\"muscle_values\":\"activation\"").And.Contain("\"observed_bodies\""), "snake_case keys");
    }

    [Test]
    public void AFileThatDoesNotFitTogetherIsRefusedNamingFileAndPart()
    {
        var trajectory = SampleRunner.Trajectory();
        var steps = trajectory.Steps.ToList();
        steps[4] = steps[4] with { Q = steps[4].Q.Take(8).ToArray() };
        string path = Path.Combine(_dir, "short" + TrajectoryFile.Extension);
        Assert.That(() => TrajectoryFile.Write(path, trajectory with { Steps = steps }),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains(path).And.Message.Contains("step 4 has 8 coordinates, the model 9"));
        var orphan = trajectory.Model with { Joints = trajectory.Model.Joints.Append(new ModelJoint("tail", "tail", ModelJoint.Hinge, 0, 0, 0, 1, 0, 0)).ToList() };
        Assert.That(() => TrajectoryFile.Validate(trajectory with { Model = orphan }, "x"),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("joint 'tail' is on body 'tail'"));

        string notJson = Path.Combine(_dir, "junk" + TrajectoryFile.Extension);
        File.WriteAllText(notJson, "{ not json");
        Assert.That(() => TrajectoryFile.Read(notJson), Throws.TypeOf<InvalidDataException>().With.Message.Contains(notJson).And.Message.Contains("not a trajectory file"));
        string noModel = Path.Combine(_dir, "nomodel" + TrajectoryFile.Extension);
        File.WriteAllText(noModel, "{\"format\":\"rl-trajectory/1\",\"steps\":[]}");
        Assert.That(() => TrajectoryFile.Read(noModel), Throws.TypeOf<InvalidDataException>().With.Message.Contains("no bodies"));
        Assert.That(() => TrajectoryFile.Read(Path.Combine(_dir, "missing.json")), Throws.TypeOf<InvalidDataException>().With.Message.Contains("no such file"));
    }
}
