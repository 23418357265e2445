using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using RL.Core.Config;
using RL.Envs;

namespace RL.Algorithms.Training;

/// <summary>
/// What a run directory's config.yaml records besides the config itself (ecosystem.md §5): the derived seeds,
/// the code and library versions, and the simulator. It is written under the top-level key
/// <see cref="Key"/>, which the config loader skips, so config.yaml can be loaded back as a config.
/// </summary>
public static class Provenance
{
    public const string Key = "provenance";

    public static string RlVersion =>
        typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static string TorchSharpVersion =>
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The git commit of the working directory, with "+dirty" when it has changes, or "unknown".</summary>
    public static string GitCommit()
    {
        try
        {
            string? Run(string args)
            {
                var psi = new ProcessStartInfo("git", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                using var p = Process.Start(psi);
                if (p is null) return null;
                string output = p.StandardOutput.ReadToEnd().Trim();
                return p.WaitForExit(5000) && p.ExitCode == 0 ? output : null;
            }
            string? head = Run("rev-parse HEAD");
            if (head is null) return "unknown";
            string? status = Run("status --porcelain --untracked-files=no");
            return string.IsNullOrEmpty(status) ? head : head + "+dirty";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }

    /// <summary>The config as YAML followed by the provenance block.</summary>
    public static string ConfigWithProvenance(RunConfig config, EnvSpec spec, IReadOnlyDictionary<string, object> seeds, string? note = null)
    {
        var sb = new StringBuilder();
        sb.Append("# Effective config of this run (all keys, defaults included). Load it with: rl train --resume <this directory>\n");
        if (note is not null) sb.Append("# ").Append(note).Append('\n');
        sb.Append(ConfigWriter.ToYaml(config));
        var versions = new Dictionary<string, string>
        {
            ["rl"] = RlVersion,
            ["git_commit"] = GitCommit(),
            ["torchsharp"] = TorchSharpVersion,
            ["libtorch"] = TorchSharp.torch.__version__,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["os"] = RuntimeInformation.OSDescription,
            ["simulator"] = spec.Simulator,
            ["simulator_version"] = spec.SimulatorVersion,
        };
        var block = new Dictionary<string, object>
        {
            ["written_utc"] = DateTime.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["versions"] = versions,
            ["env_spec"] = new Dictionary<string, object>
            {
                ["id"] = spec.Id,
                ["observation_size"] = spec.ObservationSize,
                ["action_size"] = spec.ActionSize,
                ["max_episode_steps"] = spec.MaxEpisodeSteps,
                ["options"] = spec.Options.ToDictionary(k => k.Key, k => (object)k.Value),
                ["reward_terms"] = spec.RewardTermNames,
            },
            ["seeds"] = seeds,
        };
        ConfigWriter.WriteEntry(sb, Key, block, 0);
        return sb.ToString();
    }
}
