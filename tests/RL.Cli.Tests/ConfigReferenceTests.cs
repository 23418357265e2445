using RL.Algorithms;
using RL.Cli.Commands;
using RL.Core.Config;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 11: `rl config explain` and docs/config.md document every config key (meaning, unit, default, range, source
/// of the default) from the config types themselves, and docs/config.md is exactly what the generator prints now.
/// </summary>
public class ConfigReferenceTests
{
    private static string RepositoryRoot => Path.GetDirectoryName(Path.GetDirectoryName(RlProcess.ConfigsDirectory))!;

    [Test]
    public void DocsConfigMdIsWhatTheGeneratorPrintsNow()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "config", "explain", "--markdown");
        Assert.That(code, Is.EqualTo(0), stderr);
        string path = Path.Combine(RepositoryRoot, "docs", "config.md");
        string committed = File.Exists(path) ? File.ReadAllText(path) : "(missing)";
        if (committed != stdout)
        {
            // Name the first line that differs, so the failure says what drifted, not only that something did.
            string[] a = committed.Split('\n'), b = stdout.Split('\n');
            int line = Enumerable.Range(0, Math.Max(a.Length, b.Length)).First(i => i >= a.Length || i >= b.Length || a[i] != b[i]);
            Assert.Fail($"docs/config.md is out of date with the config types (first difference at line {line + 1}:\n" +
                $"  file:      {(line < a.Length ? a[line] : "(end)")}\n  generated: {(line < b.Length ? b[line] : "(end)")}).\n" +
                $"Regenerate it from the repository root with: {ConfigCommand.RegenerateDocs}");
        }
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public void EveryConfigKeyHasAMeaningAUnitAndASourceOfItsDefault()
    {
        var reference = ConfigCommand.Reference();
        Assert.That(reference.Count(k => !k.IsSection), Is.GreaterThan(50), "the walk reached the nested sections");
        var gaps = ConfigReference.Gaps(reference);
        Assert.That(gaps, Is.Empty, "undocumented config keys (add [ConfigDoc(...)] with Unit and Source):\n  " + string.Join("\n  ", gaps));
    }

    private sealed record Undocumented
    {
        [ConfigDoc("documented", Unit = "-", Source = "ours")]
        public int Documented { get; init; }

        [ConfigDoc("no unit or source")]
        public int Half { get; init; }

        public double Bare { get; init; }
    }

    [Test]
    public void TheDocumentationCheckFindsAKeyWithoutMeaningUnitOrSource()
    {
        var gaps = ConfigReference.Gaps(ConfigReference.Describe(new Undocumented()));
        Assert.That(gaps, Has.Some.StartsWith("half: no unit").And.Some.StartsWith("half: no source"));
        Assert.That(gaps, Has.Some.StartsWith("bare: no meaning").And.Some.StartsWith("bare: no unit").And.Some.StartsWith("bare: no source"));
        Assert.That(gaps, Has.None.StartsWith("documented"));
    }

    [Test]
    public void ExplainingAKeyPrintsItsDefaultRangeAndSourceFromTheTypes()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "config", "explain", "ddpg.tau");
        Assert.That(code, Is.EqualTo(0), stderr);
        var tau = typeof(RL.Algorithms.Ddpg.DdpgConfig).GetProperty("Tau")!;
        var range = (ConfigRangeAttribute)Attribute.GetCustomAttribute(tau, typeof(ConfigRangeAttribute))!;
        var doc = (ConfigDocAttribute)Attribute.GetCustomAttribute(tau, typeof(ConfigDocAttribute))!;
        Assert.That(stdout, Does.Contain($"default:  {ConfigWriter.Scalar(new RunConfig().Ddpg.Tau)}\n"));
        Assert.That(stdout, Does.Contain($"range:    {(range.MinExclusive ? "(" : "[")}{range.Min}, {range.Max}]"));
        Assert.That(stdout, Does.Contain($"source:   {doc.Source}").And.Contain($"unit:     {doc.Unit}").And.Contain(doc.Meaning));
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public void ExplainingASectionPrintsEveryKeyUnderItAndTheEnumValues()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "config", "explain", "ddpg.exploration");
        Assert.That(code, Is.EqualTo(0), stderr);
        var expected = ConfigCommand.Reference().Where(k => k.Key.StartsWith("ddpg.exploration.", StringComparison.Ordinal)).ToList();
        Assert.That(expected, Is.Not.Empty);
        foreach (var k in expected) Assert.That(stdout, Does.Contain($"\n{k.Key}{(k.IsSection ? " (section)" : "")}\n"), k.Key);
        Assert.That(stdout, Does.Contain("bisection: Reason8's bisection"), "enum values are listed with their meaning");
        Assert.That(stdout, Does.Not.Contain("\nddpg.tau\n"), "only the section asked for");
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public void ExplainingWithoutAKeyListsEveryKeyOnALineOfItsOwn()
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "config", "explain");
        Assert.That(code, Is.EqualTo(0), stderr);
        var lines = stdout.Split('\n');
        foreach (var k in ConfigCommand.Reference().Where(k => !k.IsSection))
            Assert.That(lines.Count(l => l.StartsWith(k.Key + " ", StringComparison.Ordinal)), Is.EqualTo(1), k.Key);
        Directory.Delete(dir, recursive: true);
    }

    [TestCase("ddpg.tua", "ddpg.tau")]
    [TestCase("gama", "ddpg.gamma")]
    [TestCase("env.options.dificulty", "env.options.difficulty")]
    public void AnUnknownKeyIsOneLineNamingItAndTheNearestKeyWithExitCode2(string typo, string nearest)
    {
        string dir = Directory.CreateTempSubdirectory("rl-cli-").FullName;
        var (code, stdout, stderr) = RlProcess.Run(dir, TimeSpan.FromSeconds(60), "config", "explain", typo);
        Assert.That(code, Is.EqualTo(RL.Core.ExitCodes.Usage), stderr);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), stderr);
        Assert.That(stderr, Does.Contain($"unknown key '{typo}'").And.Contain($"did you mean '{nearest}'"));
        Assert.That(stdout, Is.Empty);
        PendulumRuns.AssertNoStackTrace(stderr);
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public void AMovedKeyIsExplainedWithItsNewPlace()
    {
        // Issue 12: the off-policy keys moved under ddpg:.
        Assert.That(ConfigCommand.UnknownKey("train.updates_per_env_step", ConfigCommand.Reference()),
            Is.EqualTo("config explain: 'train.updates_per_env_step' has moved: it is now ddpg.updates_per_env_step (issue 12: off-policy settings live under the algorithm's section)."));
        Assert.That(ConfigCommand.Reference().Select(k => k.Key), Does.Contain("ddpg.checkpoint_replay_buffer").And.Not.Contain("checkpoint.replay_buffer"));
    }
}
