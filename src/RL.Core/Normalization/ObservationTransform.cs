using RL.Envs;

namespace RL.Core.Normalization;

/// <summary>
/// Trainer-side observation features located by NAME, never by index: x coordinates made relative to a
/// reference (Reason8 subtracts pelvis_x from the head, CoM, torso, toe and talus x; recipes §3.3) and
/// elements dropped (pelvis_x itself, which grows without bound over an episode). The transformed
/// observation gets its own names and mirror map, derived from the env's, so symmetry augmentation keeps
/// working on it.
/// </summary>
public sealed class ObservationTransform
{
    private readonly int[] _keep;
    private readonly int[] _relative;
    private readonly bool[] _isRelative;
    private readonly int _reference;

    public ObservationTransform(EnvSpec spec, string? relativeTo, IReadOnlyList<string> relative, IReadOnlyList<string> drop)
    {
        InputSize = spec.ObservationSize;
        _reference = relativeTo is null ? -1 : spec.ObservationIndex(relativeTo);
        if (_reference < 0 && relative.Count > 0)
            throw new ArgumentException("observation.relative lists elements but observation.relative_to names no reference.");
        _relative = relative.Select(spec.ObservationIndex).ToArray();
        _isRelative = new bool[InputSize];
        foreach (int i in _relative) _isRelative[i] = true;
        if (_relative.Contains(_reference))
            throw new ArgumentException($"observation '{relativeTo}' cannot be made relative to itself.");
        var dropped = new HashSet<int>(drop.Select(spec.ObservationIndex));
        _keep = Enumerable.Range(0, InputSize).Where(i => !dropped.Contains(i)).ToArray();
        if (_keep.Length == 0) throw new ArgumentException("observation.drop removes every element.");
        Names = _keep.Select(i => spec.ObservationNames[i]).ToArray();
        IsIdentity = _relative.Length == 0 && _keep.Length == InputSize;
        Mirror = spec.ObservationMirror is null ? null : Restrict(spec.ObservationMirror, spec.ObservationNames);
    }

    public int InputSize { get; }
    public int OutputSize => _keep.Length;
    public string[] Names { get; }
    public MirrorMap? Mirror { get; }
    public bool IsIdentity { get; }

    /// <summary>Transforms one observation.</summary>
    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputSize || output.Length != OutputSize)
            throw new ArgumentException($"observation transform maps {InputSize} → {OutputSize} values, got {input.Length} → {output.Length}.");
        if (IsIdentity)
        {
            input.CopyTo(output);
            return;
        }
        float reference = _reference >= 0 ? input[_reference] : 0f;
        for (int k = 0; k < _keep.Length; k++)
        {
            int i = _keep[k];
            output[k] = _isRelative[i] ? input[i] - reference : input[i];
        }
    }

    /// <summary>Transforms every row of a row-major batch.</summary>
    public void ApplyRows(ReadOnlySpan<float> input, Span<float> output)
    {
        int rows = input.Length / InputSize;
        for (int r = 0; r < rows; r++) Apply(input.Slice(r * InputSize, InputSize), output.Slice(r * OutputSize, OutputSize));
    }

    private MirrorMap Restrict(MirrorMap mirror, string[] names)
    {
        var position = new Dictionary<int, int>();
        for (int k = 0; k < _keep.Length; k++) position[_keep[k]] = k;
        var source = new int[_keep.Length];
        var sign = new float[_keep.Length];
        for (int k = 0; k < _keep.Length; k++)
        {
            int from = mirror.Source[_keep[k]];
            if (!position.TryGetValue(from, out int mapped))
                throw new ArgumentException($"observation.drop removes '{names[from]}' but keeps its mirror image '{names[_keep[k]]}'; drop both or neither.");
            source[k] = mapped;
            sign[k] = mirror.Sign[_keep[k]];
        }
        // A relative coordinate x_i − x_ref mirrors correctly only when the reference is its own mirror image.
        if (_reference >= 0 && (mirror.Source[_reference] != _reference || mirror.Sign[_reference] != 1f) && _relative.Length > 0)
            throw new ArgumentException($"'{names[_reference]}' is not symmetric under the env's mirror map, so coordinates relative to it cannot be mirrored.");
        return new MirrorMap(source, sign);
    }
}
