using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using RL.Algorithms.Training;
using RL.Analysis.Render;
using RL.Cli.Commands;
using RL.Cli.Environments;
using RL.Envs.LearningToRun;
using RL.Envs.LearningToRun.Simulation;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 13, rl render: the stick figure is drawn with the segment lengths of the model the env compiles. A recorded
/// Learning-to-Run episode (random excitations, so hips, knees and ankles move, and with them the knee's spline-driven
/// thigh length) is drawn on the animated page; each drawn bone, read back from the page's SVG, must join the positions
/// MuJoCo computed for the two bodies at that step, so its length is the model's distance between them.
/// </summary>
public class RenderBonesTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Random excitations, held for 4 simulator steps; before each decision it notes where MuJoCo has every body.</summary>
    private sealed class RandomPolicyThatNotesBodies(LearningToRunEnv env) : IPolicy
    {
        private readonly Random _random = new(11);
        public List<Dictionary<string, (double X, double Y)>> Bodies { get; } = new();

        public void Act(ReadOnlySpan<float> observations, Span<float> actions)
        {
            Bodies.Add(Where(env));
            for (int i = 0; i < actions.Length; i++) actions[i] = _random.NextSingle();
        }

        public static Dictionary<string, (double X, double Y)> Where(LearningToRunEnv env)
        {
            var skeleton = env.Simulator.Skeleton;
            return env.Simulator.Kinematics.Bodies.ToDictionary(b => b.Name, b =>
            {
                int i = Skeleton.BodyIndex(b.Name);
                return (skeleton.X(i), skeleton.Y(i));
            });
        }
    }

    [Test]
    public void RenderDrawsBonesWithTheModelsSegmentLengths()
    {
        using var env = CliEnvironments.CreateRegistry().Create(LearningToRunSpec.Id,
            new Dictionary<string, string> { ["difficulty"] = "2", ["frame_skip"] = "4" }, "test");
        var l2r = TrajectoryRecorder.FindLearningToRun(env)!;
        var policy = new RandomPolicyThatNotesBodies(l2r);
        var trajectory = TrajectoryRecorder.Record(env, policy, seed: 3, maxDecisions: 30, new Trajectory { Run = "test", Checkpoint = "none" });
        var mujoco = policy.Bodies.Append(RandomPolicyThatNotesBodies.Where(l2r)).ToList(); // the last state: after the last decision
        Assert.That(trajectory.Steps, Has.Count.EqualTo(mujoco.Count));

        using var reader = XmlReader.Create(new StringReader(AnimationPage.Build(trajectory)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var frames = XDocument.Load(reader).Descendants(Svg + "svg").Where(e => (string?)e.Attribute("class") == "frame").ToList();
        Assert.That(frames, Has.Count.EqualTo(trajectory.Steps.Count));
        var thighs = new List<double>();
        var model = l2r.Simulator.Kinematics;
        int bonesPerFrame = model.Bodies.Count(b => b.Parent.Length > 0);
        for (int k = 0; k < frames.Count; k++)
        {
            double scale = Number(frames[k], "data-scale"), left = Number(frames[k], "data-left"), top = Number(frames[k], "data-top");
            var bones = frames[k].Descendants(Svg + "line").Where(l => ((string?)l.Attribute("class") ?? "").StartsWith("bone ", StringComparison.Ordinal)).ToList();
            Assert.That(bones, Has.Count.EqualTo(bonesPerFrame), "a bone from every body's parent to it");
            foreach (var line in bones)
            {
                string[] ends = ((string)line.Attribute("class")!)["bone ".Length..].Split('-');
                var (fx, fy) = mujoco[k][ends[0]];
                var (tx, ty) = mujoco[k][ends[1]];
                double drawnLength = Math.Sqrt(Math.Pow(Number(line, "x2") - Number(line, "x1"), 2) + Math.Pow(Number(line, "y2") - Number(line, "y1"), 2)) / scale;
                double modelLength = Math.Sqrt((tx - fx) * (tx - fx) + (ty - fy) * (ty - fy));
                // Two decimals of a pixel at 200 px/m: 25 µm per coordinate.
                Assert.That(drawnLength, Is.EqualTo(modelLength).Within(1e-4), $"{ends[0]}-{ends[1]} at step {k}");
                Assert.That(left + Number(line, "x2") / scale, Is.EqualTo(tx).Within(1e-4), $"{ends[1]} x at step {k}");
                Assert.That(top - Number(line, "y2") / scale, Is.EqualTo(ty).Within(1e-4), $"{ends[1]} y at step {k}");
                if (ends[0] == "femur_r") thighs.Add(drawnLength);
            }
        }
        // The rigid segments are the MJCF's offsets: the shank is talus_r's pos, 0.43 m below the knee (gait9dof18musc.xml).
        var talus = model.Bodies.Single(b => b.Name == "talus_r");
        Assert.That(Math.Sqrt(talus.X * talus.X + talus.Y * talus.Y), Is.EqualTo(0.43).Within(1e-12));
        Assert.That(thighs.Max() - thighs.Min(), Is.GreaterThan(1e-4), "the thigh's length follows the knee spline, so poses differ");
    }

    private static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
