using System.Globalization;
using RL.Cli.Commands;
using RL.Envs;
using RL.Envs.Server;

namespace RL.Cli.Tests;

/// <summary>
/// The env options are read by each env's own code, not by a config type, so their reference is a table
/// (EnvOptionReference). These tests build every registered env to hold the table to what the envs read: the same
/// keys with the same defaults, and the same bounds and choices.
/// </summary>
public class EnvOptionReferenceTests
{
    private static IEnumerable<EnvOptionDoc> For(string envId) =>
        EnvOptionReference.All.Where(o => o.Envs == EnvOptionReference.EveryEnv || o.Envs == envId);

    [Test]
    public void TheTableListsExactlyTheOptionsEachEnvReadsWithTheirDefaults()
    {
        var registry = EnvCatalog.Create();
        Assert.That(registry.Ids, Is.Not.Empty);
        foreach (string id in registry.Ids)
        {
            var options = new EnvOptions();
            using (registry.Create(id, options)) { }
            var documented = For(id).ToDictionary(o => o.Key, o => o.Default);
            Assert.That(options.Effective, Is.EquivalentTo(documented), $"env '{id}': options read (with defaults) vs EnvOptionReference");
        }
        Assert.That(EnvOptionReference.All.Select(o => o.Envs).Distinct().Where(e => e != EnvOptionReference.EveryEnv),
            Is.SubsetOf(registry.Ids), "every env the table names is registered");
    }

    [Test]
    public void TheDocumentedBoundsAndChoicesAreWhatTheEnvsAccept()
    {
        var registry = EnvCatalog.Create();
        foreach (var o in EnvOptionReference.All)
        {
            string id = o.Envs == EnvOptionReference.EveryEnv ? "L2R" : o.Envs;
            bool integral = o.Type == "whole number";
            var accepted = new List<string>();
            var refused = new List<string>();
            if (o.Min is double min && o.Max is double max)
            {
                accepted.Add(Text(min));
                accepted.Add(Text(max));
                refused.Add(Text(integral ? min - 1 : min / 2));
                refused.Add(Text(integral ? max + 1 : max * 2));
            }
            else
            {
                Assert.That(o.Choices, Is.Not.Empty, $"{o.Key}: a text option lists its choices");
                accepted.AddRange(o.Choices.Select(c => c.Name));
                refused.Add("no_such_value");
            }
            foreach (string value in accepted)
                Assert.DoesNotThrow(() => registry.Create(id, new Dictionary<string, string> { [o.Key] = value }).Dispose(), $"{o.Key} = {value} is documented as accepted");
            foreach (string value in refused)
                Assert.Throws<ArgumentException>(() => registry.Create(id, new Dictionary<string, string> { [o.Key] = value }).Dispose(), $"{o.Key} = {value} is outside what is documented");
        }
    }

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
