using System.Reflection;

namespace RL.Core.Config;

/// <summary>The table of moved keys of a root config type (its <see cref="ConfigMovedAttribute"/>s), and the relocation of old configs.</summary>
public static class ConfigMoves
{
    public static IReadOnlyList<ConfigMovedAttribute> Of(Type root) => root.GetCustomAttributes<ConfigMovedAttribute>().ToList();

    /// <summary>The move of key path <paramref name="key"/> (or of a section above it), or null.</summary>
    public static ConfigMovedAttribute? Find(Type root, string key) =>
        Of(root).FirstOrDefault(m => key == m.From || key.StartsWith(m.From + ".", StringComparison.Ordinal));

    /// <summary>
    /// Moves every old key in <paramref name="node"/> to its new place, for configs written by this program before
    /// the move (a run directory's config.yaml, resumes.yaml): those still load, while a config a person writes with
    /// an old key gets the error. Returns the old keys that were found.
    /// </summary>
    public static IReadOnlyList<string> Relocate(ConfigNode node, Type root)
    {
        var moved = new List<string>();
        foreach (var move in Of(root))
        {
            string[] from = move.From.Split('.');
            var parent = node;
            for (int i = 0; i < from.Length - 1 && parent is not null; i++)
                parent = parent.Get(from[i]) is { Kind: ConfigNodeKind.Mapping } next ? next : null;
            if (parent is null) continue;
            var (_, source, value) = parent.Entries.FirstOrDefault(e => e.Key == from[^1]);
            if (value is null) continue;
            parent.Remove(from[^1]);
            string[] to = move.To.Split('.');
            var target = node;
            for (int i = 0; i < to.Length - 1; i++)
            {
                var next = target.Get(to[i]);
                if (next is not { Kind: ConfigNodeKind.Mapping })
                {
                    next = ConfigNode.Mapping(source);
                    target.Set(to[i], source, next);
                }
                target = next;
            }
            target.Set(to[^1], source, value);
            moved.Add(move.From);
        }
        return moved;
    }

    /// <summary>A <c>key.path=value</c> assignment with its key moved to its new place (unchanged when it did not move).</summary>
    public static string Relocate(string assignment, Type root)
    {
        int eq = assignment.IndexOf('=');
        string key = (eq < 0 ? assignment : assignment[..eq]).Trim();
        return Find(root, key) is { } move ? move.To + key[move.From.Length..] + (eq < 0 ? "" : assignment[eq..]) : assignment;
    }
}
