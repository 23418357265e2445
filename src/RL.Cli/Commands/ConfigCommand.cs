using System.CommandLine;
using RL.Algorithms;
using RL.Core.Config;
using RL.Envs;

namespace RL.Cli.Commands;

/// <summary>
/// `rl config explain [key] [--markdown]`: what every config key means, its unit, default, range and where the
/// default comes from (issue 11), generated from the config types' <see cref="ConfigDocAttribute"/>s and a fresh
/// <see cref="RunConfig"/>, so it cannot drift from what `rl train` accepts. docs/config.md is its --markdown output.
/// </summary>
public static class ConfigCommand
{
    /// <summary>The command that regenerates docs/config.md (named in the docs and in the test that guards them).</summary>
    public const string RegenerateDocs = "./rl config explain --markdown > docs/config.md";

    public static Command Create()
    {
        var command = new Command("config", "Explain the keys of a training config.");
        command.Subcommands.Add(Explain());
        return command;
    }

    /// <summary>Every key of a <see cref="RunConfig"/>, with the env options listed under env.options.</summary>
    public static IReadOnlyList<ConfigKeyDoc> Reference()
    {
        var keys = new List<ConfigKeyDoc>();
        foreach (var key in ConfigReference.Describe(new RunConfig()))
        {
            keys.Add(key);
            if (key.Key == "env.options") keys.AddRange(EnvOptionReference.AsKeys(key.Key));
        }
        return keys;
    }

    private static Command Explain()
    {
        var key = new Argument<string?>("key")
        {
            Description = "A key (ddpg.tau) or a section (ddpg.exploration); without one, every key, one per line.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var markdown = new Option<bool>("--markdown") { Description = $"Print the whole reference as Markdown ({RegenerateDocs})." };
        var command = new Command("explain", "Meaning, unit, default, allowed range and source of the default of each config key.") { key, markdown };
        command.SetAction(r => Cli.Run(() =>
        {
            var reference = Reference();
            string? wanted = r.GetValue(key);
            if (r.GetValue(markdown))
            {
                if (wanted is not null) throw new CliException($"config explain: --markdown prints the whole reference; leave out the key '{wanted}'.");
                Console.Out.Write(ConfigReferenceFormat.Markdown(reference));
                return ExitCodes.Ok;
            }
            if (wanted is null)
            {
                Console.Out.Write(ConfigReferenceFormat.Table(reference));
                return ExitCodes.Ok;
            }
            var matches = reference.Where(k => k.Key == wanted || k.Key.StartsWith(wanted + ".", StringComparison.Ordinal)).ToList();
            if (matches.Count == 0) throw new CliException(UnknownKey(wanted, reference));
            Console.Out.Write(ConfigReferenceFormat.Entries(matches));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>One line naming the key and, as the config binder does for a typo, the nearest valid one.</summary>
    public static string UnknownKey(string wanted, IReadOnlyList<ConfigKeyDoc> reference)
    {
        // A key that moved (issue 12) is named with its new place, as `rl train` names it.
        if (ConfigMoves.Find(typeof(RunConfig), wanted) is { } moved) return $"config explain: '{wanted}' {moved.Message}";
        // As the config binder does, by edit distance (EnvOptions.Nearest). A bare name ("tau", "gama") is looked up
        // among the last segments of the keys; a dotted one among whole keys first ("ddpg.tua"), then among the keys of
        // the same section ("ddpg.exploration.ou.tehta"), never across sections that merely share a short name.
        int dot = wanted.LastIndexOf('.');
        string name = wanted[(dot + 1)..], parent = dot < 0 ? "" : wanted[..dot];
        var byName = reference.Where(k => k.Name == name && (dot < 0 || k.Key.StartsWith(parent + ".", StringComparison.Ordinal))).Select(k => k.Key).ToList();
        var siblings = reference.Where(k => dot < 0 || k.Key == $"{parent}.{k.Name}").ToList();
        string? near = byName.Count > 0
            ? string.Join("' or '", byName)
            : (dot < 0 ? null : EnvOptions.Nearest(wanted, reference.Select(k => k.Key)))
              ?? (EnvOptions.Nearest(name, siblings.Select(k => k.Name)) is string n ? string.Join("' or '", siblings.Where(k => k.Name == n).Select(k => k.Key)) : null);
        string hint = near is null ? "" : $" (did you mean '{near}'?)";
        return $"config explain: unknown key '{wanted}'{hint}; `rl config explain` lists every key.";
    }
}
