namespace RL.Envs.Spaces;

/// <summary>
/// The checks every env applies to an incoming action (reliability.md R10): a wrong length or a NaN/∞ is an
/// error naming the element; a finite value outside the action space is clipped and counted.
/// </summary>
public static class ActionGuard
{
    /// <summary>Copies <paramref name="action"/> into <paramref name="clipped"/> within <paramref name="space"/>; returns how many elements were clipped.</summary>
    public static int ValidateAndClip(ReadOnlySpan<float> action, Box space, Span<float> clipped, string envId)
    {
        if (action.Length != space.Size)
            throw new ArgumentException($"{envId}: action has {action.Length} values, expected {space.Size}.");
        int count = 0;
        for (int i = 0; i < action.Length; i++)
        {
            float a = action[i];
            if (!float.IsFinite(a))
                throw new ArgumentException($"{envId}: action[{i}] is {a}; actions must be finite numbers.");
            float c = Math.Clamp(a, space.Low[i], space.High[i]);
            if (c != a) count++;
            clipped[i] = c;
        }
        return count;
    }
}
