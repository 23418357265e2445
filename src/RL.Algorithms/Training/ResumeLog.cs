using System.Globalization;
using System.Text;
using RL.Core.Config;
using RL.Core.Logging;

namespace RL.Algorithms.Training;

/// <summary>
/// One `rl train --resume` of a run: its number, when (UTC), from which checkpoint (and its env steps and updates),
/// by which process (pid, host, rl version, git commit), and the <c>key.path=value</c> overrides given, each with
/// where it is written in resumes.yaml.
/// </summary>
public sealed record ResumeRecord(int Number, string TimeUtc, string Checkpoint, string EnvSteps, string Updates, int Pid, string Host,
    string RlVersion, string GitCommit, IReadOnlyList<(string Assignment, ConfigSource Source)> Overrides);

/// <summary>
/// resumes.yaml of a run directory: the record of every resume, oldest first (issue 10, part 3). config.yaml
/// keeps the config the run started with and is never rewritten by a resume; the effective config of a resume is
/// config.yaml plus the overrides that <see cref="ResumeOverrides.IsCarried"/> keeps from every earlier resume,
/// plus its own. Written whole (temporary file and rename) by the trainer that holds the run's lock.
/// </summary>
public static class ResumeLog
{
    public const string FileName = "resumes.yaml";

    /// <summary>The records in <paramref name="path"/> (none when it does not exist); a damaged file is a config error with its line.</summary>
    public static IReadOnlyList<ResumeRecord> Read(string path)
    {
        if (!File.Exists(path)) return Array.Empty<ResumeRecord>();
        var root = YamlConfigReader.Parse(File.ReadAllText(path), path);
        if (root.Kind == ConfigNodeKind.Mapping && root.Entries.Count == 0) return Array.Empty<ResumeRecord>();
        var list = root.Kind == ConfigNodeKind.Mapping ? root.Get("resumes") : null;
        if (list is null || list.Kind != ConfigNodeKind.Sequence)
            throw new ConfigException(root.Source, "resumes", "resumes.yaml must hold a list 'resumes:' of resume records.");
        var records = new List<ResumeRecord>();
        foreach (var item in list.Items)
        {
            if (item.Kind != ConfigNodeKind.Mapping) throw new ConfigException(item.Source, "resumes", "each resume record must be a mapping.");
            string Text(string key) => item.Get(key)?.Value ?? "";
            var overrides = new List<(string, ConfigSource)>();
            var node = item.Get("overrides");
            if (node is not null && !node.IsNull)
            {
                if (node.Kind != ConfigNodeKind.Sequence) throw new ConfigException(node.Source, "overrides", "must be a list of key.path=value strings.");
                foreach (var o in node.Items)
                {
                    if (o.Kind != ConfigNodeKind.Scalar || o.Value is null || !o.Value.Contains('='))
                        throw new ConfigException(o.Source, "overrides", "each override must be a key.path=value string.");
                    overrides.Add((o.Value, o.Source));
                }
            }
            records.Add(new ResumeRecord(
                int.TryParse(Text("resume"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : records.Count + 1,
                Text("time_utc"), Text("checkpoint"), Text("env_steps"), Text("updates"),
                int.TryParse(Text("pid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid) ? pid : 0,
                Text("host"), Text("rl"), Text("git_commit"), overrides));
        }
        return records;
    }

    /// <summary>Adds <paramref name="record"/> after the existing records and writes the file atomically.</summary>
    public static void Append(string path, ResumeRecord record)
    {
        var records = Read(path).Append(record).ToList();
        var sb = new StringBuilder();
        sb.Append("# Every `rl train --resume` of this run, oldest first. config.yaml keeps the config the run started with;\n");
        sb.Append("# a resume runs with config.yaml + the budget/schedule overrides of earlier resumes + its own overrides\n");
        sb.Append("# (device, torch_threads and env.backend/endpoints/parallel_within_group apply to their resume only).\n");
        sb.Append("resumes:\n");
        foreach (var r in records)
        {
            sb.Append("  - resume: ").Append(r.Number.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("    time_utc: ").Append(ConfigWriter.Scalar(r.TimeUtc)).Append('\n');
            sb.Append("    checkpoint: ").Append(ConfigWriter.Scalar(r.Checkpoint)).Append('\n');
            sb.Append("    env_steps: ").Append(ConfigWriter.Scalar(r.EnvSteps)).Append('\n');
            sb.Append("    updates: ").Append(ConfigWriter.Scalar(r.Updates)).Append('\n');
            sb.Append("    pid: ").Append(r.Pid.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("    host: ").Append(ConfigWriter.Scalar(r.Host)).Append('\n');
            sb.Append("    rl: ").Append(ConfigWriter.Scalar(r.RlVersion)).Append('\n');
            sb.Append("    git_commit: ").Append(ConfigWriter.Scalar(r.GitCommit)).Append('\n');
            if (r.Overrides.Count == 0)
            {
                sb.Append("    overrides: []\n");
                continue;
            }
            sb.Append("    overrides:\n");
            // Always double-quoted: an override such as env.endpoints=[a:1, b:2] is one string, not YAML structure.
            foreach (var (assignment, _) in r.Overrides)
                sb.Append("      - \"").Append(assignment.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\"\n");
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
