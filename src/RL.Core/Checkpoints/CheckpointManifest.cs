using System.Text.Json;
using System.Text.Json.Serialization;

namespace RL.Core.Checkpoints;

/// <summary>One file of a checkpoint with its size and SHA-256, as listed in the manifest.</summary>
public sealed record CheckpointFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>
/// manifest.json of a checkpoint directory: what it holds, at which step, how it scored, and a hash per file.
/// It is written last, so a directory without a valid manifest is never a checkpoint.
/// </summary>
public sealed record CheckpointManifest
{
    public const int CurrentFormat = 1;
    public const string FileName = "manifest.json";

    [JsonPropertyName("format")] public int Format { get; init; } = CurrentFormat;
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    [JsonPropertyName("step")] public long Step { get; init; }
    [JsonPropertyName("created_utc")] public string CreatedUtc { get; init; } = "";
    /// <summary>Mean evaluation score of the policy in this checkpoint, when it was evaluated.</summary>
    [JsonPropertyName("score")] public double? Score { get; init; }
    [JsonPropertyName("meta")] public Dictionary<string, string> Meta { get; init; } = new();
    [JsonPropertyName("files")] public List<CheckpointFile> Files { get; init; } = new();

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static CheckpointManifest Parse(string json, string where) =>
        JsonSerializer.Deserialize<CheckpointManifest>(json, Options) ?? throw new InvalidDataException($"{where}: empty manifest.");
}
