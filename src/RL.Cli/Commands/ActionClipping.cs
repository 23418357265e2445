using System.Globalization;
using RL.Envs.Spaces;

namespace RL.Cli.Commands;

/// <summary>
/// Tallies the action values `rl env rollout` replayed outside the action space. The env clips them, as osim-rl's
/// RunEnv did (l2r-environment.md; <see cref="ActionGuard"/>), and the rollout goes on, but a value of 2.0 used to
/// be clipped to 1 without a word, so a user could not tell that the file was not what was simulated (issue 11).
/// </summary>
public sealed class ActionClipping
{
    private readonly Box _space;
    private readonly IReadOnlyList<string> _names;
    private string? _first;

    public ActionClipping(Box space, IReadOnlyList<string> names)
    {
        _space = space;
        _names = names;
    }

    /// <summary>Values clipped so far over all steps.</summary>
    public long Count { get; private set; }

    /// <summary>Counts the <paramref name="clipped"/> values of step <paramref name="step"/> (counting from 1) and remembers the first.</summary>
    public void Record(int step, ReadOnlySpan<float> action, int clipped)
    {
        Count += clipped;
        if (_first is not null || clipped == 0) return;
        for (int i = 0; i < action.Length; i++)
            if (action[i] < _space.Low[i] || action[i] > _space.High[i])
            {
                _first = string.Create(CultureInfo.InvariantCulture,
                    $"step {step} ({ActionFile.StepCounting}), action[{i}] ({_names[i]}) = {action[i]:G9} became {Math.Clamp(action[i], _space.Low[i], _space.High[i]):G9}");
                return;
            }
    }

    /// <summary>The stderr warning, or null when nothing was clipped.</summary>
    public string? Warning()
    {
        if (Count == 0) return null;
        string range = _space.Low.Distinct().Count() == 1 && _space.High.Distinct().Count() == 1
            ? string.Create(CultureInfo.InvariantCulture, $"[{_space.Low[0]}, {_space.High[0]}]")
            : "the action space";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Count} action value{(Count == 1 ? "" : "s")} outside {range} {(Count == 1 ? "was" : "were")} clipped to it, as the env does; the first: {_first}.");
    }
}
