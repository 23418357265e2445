using RL.Core.Config;

namespace RL.Core.Tests;

/// <summary>Malformed and empty config files are config errors with a position, never a crash (reliability.md R16; issue 10, part 6).</summary>
public class YamlErrorTests
{
    [Test]
    public void AnUnclosedFlowSequenceIsAConfigErrorNamingWhereItStopsAndTheOpenBracket()
    {
        // YamlDotNet 18.1's scanner throws a bare InvalidOperationException on this text.
        var e = Assert.Throws<ConfigException>(() => YamlConfigReader.Parse("a: [1\nb: 2\n", "bad.yaml"))!;
        var error = e.Errors.Single();
        Assert.That((error.Source!.File, error.Source.Line, error.Source.Column), Is.EqualTo(("bad.yaml", 2, 1)));
        Assert.That(e.Message, Does.StartWith("bad.yaml:2:1: malformed YAML").And.Contain("the '[' at line 1, column 4 is not closed with ']'"));
    }

    [TestCase("a: {x: 1\nb: 2\n", 2, "the '{' at line 1, column 4 is not closed with '}'")]
    [TestCase("a:\n  - 1\nb: [\n", 4, "the '[' at line 3, column 4 is not closed with ']'")]
    [TestCase("# a: [ in a comment\nname: \"[x\"\nseed: [1\nb: 2\n", 4, "the '[' at line 3, column 7 is not closed")]
    public void OtherMalformedTextNamesItsLineAndTheOpenBracket(string yaml, int line, string hint)
    {
        var e = Assert.Throws<ConfigException>(() => YamlConfigReader.Parse(yaml, "bad.yaml"))!;
        Assert.That(e.Errors.Single().Source!.Line, Is.EqualTo(line));
        Assert.That(e.Message, Does.Contain("malformed YAML").And.Contain(hint));
    }

    [TestCase("")]
    [TestCase("# nothing but a comment\n\n   # and another\n")]
    [TestCase("---\n")]
    public void AnEmptyConfigFileIsAConfigErrorNamingTheFile(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-empty-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        try
        {
            var e = Assert.Throws<ConfigException>(() => YamlConfigReader.ReadFile(path))!;
            Assert.That(e.Errors.Single().Source, Is.EqualTo(new ConfigSource(path, 1, 1)));
            Assert.That(e.Message, Does.Contain("this file is empty").And.Contain("experiments/configs/").And.Contain("base:"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void AFileThatOnlyExtendsAnotherIsNotEmpty()
    {
        string dir = Directory.CreateTempSubdirectory("rl-base-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "parent.yaml"), "name: parent\n");
            File.WriteAllText(Path.Combine(dir, "child.yaml"), "base: parent.yaml\n");
            Assert.That(YamlConfigReader.ReadFile(Path.Combine(dir, "child.yaml")).Get("name")!.Value, Is.EqualTo("parent"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
