using RL.Envs.Classic;
using RL.Testing;

namespace RL.Envs.Tests;

public class EnvCheckerTests
{
    [Test]
    public void WellBehavedEnvsPassEveryCheck()
    {
        foreach (Func<IEnv> create in new Func<IEnv>[] { () => new Pendulum(), () => new CountingEnv(maxSteps: 7) })
        {
            var results = EnvChecker.Check(create, seed: 3, steps: 50);
            Assert.That(results.Where(r => !r.Passed).Select(r => $"{r.Check}: {r.Detail}"), Is.Empty);
            Assert.That(results.Select(r => r.Check), Does.Contain("seed determinism").And.Contain("step after episode end"));
        }
    }

    [Test]
    public void NondeterministicEnvIsCaught()
    {
        int calls = 0;
        var results = EnvChecker.Check(() => new CountingEnv(maxSteps: 5) { ObservationOverride = _ => calls++ }, steps: 10);
        Assert.That(results.Single(r => r.Check == "seed determinism").Passed, Is.False);
    }
}
