using RL.Core.Config;

namespace RL.Core.Tests;

public class ConfigBinderTests
{
    public enum Mode
    {
        Sync,
        Async,
    }

    public sealed record Inner : IValidatedConfig
    {
        [ConfigRange(0, 1)]
        public double Rate { get; init; } = 0.5;

        [ConfigCount(1, 3)]
        public int[] Sizes { get; init; } = { 8 };

        public void Validate(Action<string, string> error)
        {
            if (Sizes.Length > 1 && Rate == 0) error("rate", "must be positive with several sizes");
        }
    }

    public sealed record Root
    {
        public string Name { get; init; } = "x";
        public long Steps { get; init; } = 10;
        public bool Flag { get; init; }
        public Mode Mode { get; init; } = Mode.Sync;
        public string? Optional { get; init; }
        public Inner First { get; init; } = new();
        public Inner Second { get; init; } = new() { Rate = 0.25 };
        public Dictionary<string, string> Options { get; init; } = new();
    }

    private static Root Bind(string yaml, params string[] overrides)
    {
        var node = YamlConfigReader.Parse(yaml, "test.yaml");
        foreach (var o in overrides) YamlConfigReader.ApplyOverride(node, o);
        return ConfigBinder.Bind(node, new Root());
    }

    [Test]
    public void KeysBindAndAbsentKeysKeepTheirDefaults()
    {
        var r = Bind("name: run\nsteps: 1e6\nflag: true\nmode: async\nfirst:\n  sizes: [64, 32]\nsecond: {sizes: [4]}\noptions: {difficulty: 2}\n");
        Assert.That(r.Name, Is.EqualTo("run"));
        Assert.That(r.Steps, Is.EqualTo(1_000_000));
        Assert.That(r.Flag, Is.True);
        Assert.That(r.Mode, Is.EqualTo(Mode.Async));
        Assert.That(r.First.Sizes, Is.EqualTo(new[] { 64, 32 }));
        Assert.That(r.First.Rate, Is.EqualTo(0.5));
        Assert.That(r.Second.Rate, Is.EqualTo(0.25), "a section keeps the defaults of the property it binds onto");
        Assert.That(r.Options["difficulty"], Is.EqualTo("2"));
        Assert.That(r.Optional, Is.Null);
    }

    [Test]
    public void AnUnknownKeyNamesItsPathLineAndTheNearestKey()
    {
        var e = Assert.Throws<ConfigException>(() => Bind("name: a\nfirst:\n  rtae: 0.1\n"))!;
        Assert.That(e.Errors.Single().ToString(), Is.EqualTo("test.yaml:3:3: 'first.rtae': unknown key (did you mean 'first.rate'?). Valid keys here: rate, sizes."));
    }

    [TestCase("steps: 1.5\n", "steps", "must be a whole number")]
    [TestCase("steps: ten\n", "steps", "must be a whole number, got 'ten'")]
    [TestCase("flag: yes please\n", "flag", "must be true or false")]
    [TestCase("mode: asnyc\n", "mode", "did you mean 'async'")]
    [TestCase("first: {rate: 1.5}\n", "first.rate", "1.5 is outside [0, 1]")]
    [TestCase("first: {sizes: []}\n", "first.sizes", "needs 1 to 3 elements")]
    [TestCase("first: 3\n", "first", "must be a section of keys")]
    [TestCase("second: {rate: 0, sizes: [1, 2]}\n", "second.rate", "must be positive with several sizes")]
    [TestCase("name: [a, b]\n", "name", "must be a text value")]
    public void AWrongValueNamesItsKey(string yaml, string key, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Bind(yaml))!;
        Assert.That(e.Errors.Single().Key, Is.EqualTo(key));
        Assert.That(e.Errors.Single().Message, Does.Contain(message));
        Assert.That(e.Errors.Single().Source!.Line, Is.EqualTo(1));
    }

    [Test]
    public void MalformedYamlAndDuplicateKeysGiveThePosition()
    {
        var e = Assert.Throws<ConfigException>(() => Bind("name: a\nfirst:\n  rate: [1,\n"))!;
        Assert.That(e.Message, Does.StartWith("test.yaml:").And.Contain("malformed YAML"));
        var d = Assert.Throws<ConfigException>(() => Bind("name: a\nname: b\n"))!;
        Assert.That(d.Errors.Single().Source!.Line, Is.EqualTo(2));
        Assert.That(d.Message, Does.Contain("given twice"));
    }

    [Test]
    public void OverridesReplaceValuesAndCreateSections()
    {
        var r = Bind("first: {rate: 0.1}\n", "first.rate=0.9", "second.sizes=[1, 2, 3]", "options.frame_skip=4", "name=\"007\"");
        Assert.That(r.First.Rate, Is.EqualTo(0.9));
        Assert.That(r.Second.Sizes, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(r.Options["frame_skip"], Is.EqualTo("4"));
        Assert.That(r.Name, Is.EqualTo("007"));
        var e = Assert.Throws<ConfigException>(() => Bind("", "first.rate=2"))!;
        Assert.That(e.Errors.Single().Source!.File, Is.EqualTo("--set first.rate=2"));
    }

    [Test]
    public void BaseFilesAreOverlaidKeyByKey()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rl-cfg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "base.yaml"), "name: base\nsteps: 5\nfirst: {rate: 0.1, sizes: [4, 4]}\noptions: {a: 1, b: 2}\n");
            File.WriteAllText(Path.Combine(dir, "child.yaml"), "base: base.yaml\nname: child\nfirst: {rate: 0.2}\noptions: {b: 3}\n");
            var r = ConfigBinder.Bind(YamlConfigReader.ReadFile(Path.Combine(dir, "child.yaml")), new Root());
            Assert.That((r.Name, r.Steps, r.First.Rate), Is.EqualTo(("child", 5L, 0.2)));
            Assert.That(r.First.Sizes, Is.EqualTo(new[] { 4, 4 }));
            Assert.That(r.Options, Is.EqualTo(new Dictionary<string, string> { ["a"] = "1", ["b"] = "3" }));
            File.WriteAllText(Path.Combine(dir, "bad.yaml"), "base: base.yaml\nfirst: {rat: 1}\n");
            var e = Assert.Throws<ConfigException>(() => ConfigBinder.Bind(YamlConfigReader.ReadFile(Path.Combine(dir, "bad.yaml")), new Root()))!;
            Assert.That(e.Errors.Single().Source!.File, Does.EndWith("bad.yaml"), "an error points at the file that wrote the key");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void TheWriterRoundTrips()
    {
        var r = Bind("name: \"a: b\"\nsteps: 12345678901\nmode: async\noptional: \"true\"\nfirst: {rate: 1.0e-7, sizes: [3]}\noptions: {x: \"1\"}\n");
        string yaml = ConfigWriter.ToYaml(r);
        var again = ConfigBinder.Bind(YamlConfigReader.Parse(yaml, "written"), new Root());
        Assert.That(ConfigWriter.ToYaml(again), Is.EqualTo(yaml));
        Assert.That(again.Name, Is.EqualTo("a: b"));
        Assert.That(again.Optional, Is.EqualTo("true"));
        Assert.That(again.First.Rate, Is.EqualTo(1e-7));
    }
}
