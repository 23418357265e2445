namespace RL.Envs.Locomotion.Tests;

/// <summary>Walker2d's published mirror maps: involutions that swap the right and left legs and nothing else.</summary>
public class MirrorTests
{
    private static EnvSpec Spec()
    {
        using var env = Envs.Create(Walker2dEnv.Id);
        return env.Spec;
    }

    private static string Swapped(string name) =>
        name.Contains("_left") ? name.Replace("_left", "") : name.Replace("thigh", "thigh_left").Replace("leg_", "leg_left_").Replace("foot", "foot_left");

    [Test]
    public void TheSpecPublishesBothMaps()
    {
        var spec = Spec();
        Assert.That(spec.ObservationMirror, Is.SameAs(Walker2dEnv.ObservationMirror));
        Assert.That(spec.ActionMirror, Is.SameAs(Walker2dEnv.ActionMirror));
        Assert.That(spec.ObservationMirror!.Size, Is.EqualTo(17));
        Assert.That(spec.ActionMirror!.Size, Is.EqualTo(6));
        using var hopper = Envs.Create(HopperEnv.Id);
        Assert.That(hopper.Spec.ObservationMirror, Is.Null, "a one-legged robot has no mirror");
    }

    [Test]
    public void MirroringTwiceIsTheIdentity()
    {
        var spec = Spec();
        var rng = new RL.Envs.Random.Xoshiro256(3);
        foreach (var map in new[] { spec.ObservationMirror!, spec.ActionMirror! })
        {
            var x = Enumerable.Range(0, map.Size).Select(_ => (float)rng.Uniform(-5, 5)).ToArray();
            var once = new float[map.Size];
            var twice = new float[map.Size];
            map.Apply(x, once);
            map.Apply(once, twice);
            Assert.That(twice, Is.EqualTo(x));
            Assert.That(once, Is.Not.EqualTo(x), "the map must move something");
        }
    }

    [Test]
    public void EachElementMapsToTheSameQuantityOfTheOtherLeg()
    {
        var spec = Spec();
        foreach (var (map, names) in new[] { (spec.ObservationMirror!, spec.ObservationNames), (spec.ActionMirror!, spec.ActionNames) })
        {
            for (int i = 0; i < map.Size; i++)
            {
                string name = names[i];
                bool leg = name.Contains("thigh") || name.Contains("leg") || name.Contains("foot");
                string expected = leg ? Swapped(name) : name;
                Assert.That(names[map.Source[i]], Is.EqualTo(expected), $"element {i} ({name})");
                Assert.That(map.Sign[i], Is.EqualTo(1f), $"element {i} ({name}): a planar robot changes no sign");
            }
        }
    }

    [Test]
    public void InTheAirTheMirroredStateAndActionGiveTheMirroredObservation()
    {
        // Off the ground the two legs are identical (only the feet's friction differs), so the swap is an exact symmetry.
        using var env = Envs.Create(Walker2dEnv.Id);
        var map = env.Spec.ObservationMirror!;
        var obs = new float[17];
        env.Reset(0, obs);
        var qpos = new[] { 0.3, 1.6, 0.05, -0.4, -0.6, 0.2, -0.1, -0.3, -0.2 };
        var qvel = new[] { 1.5, 0.2, -0.3, 2.0, -1.0, 0.5, -0.7, 0.4, 0.9 };
        var action = new[] { 0.9f, -0.2f, 0.4f, -0.6f, 0.1f, -0.8f };
        Envs.SetState(env, qpos, qvel);
        env.Step(action, obs);

        var state = qpos.Skip(1).Concat(qvel).Select(v => (float)v).ToArray();
        var mirroredState = new float[17];
        map.Apply(state, mirroredState);
        var mirroredAction = new float[6];
        env.Spec.ActionMirror!.Apply(action, mirroredAction);
        var mirroredObs = new float[17];
        Envs.SetState(env, new[] { qpos[0] }.Concat(mirroredState.Take(8).Select(v => (double)v)).ToArray(), mirroredState.Skip(8).Select(v => (double)v).ToArray());
        env.Step(mirroredAction, mirroredObs);

        var expected = new float[17];
        map.Apply(obs, expected);
        Assert.That(mirroredObs, Is.EqualTo(expected).Within(1e-5f));
    }
}
