using System.Diagnostics;
using System.Globalization;
using RL.Core.Checkpoints;
using RL.Core.Config;
using RL.Core.Devices;
using RL.Core.Environments;
using RL.Core.Logging;
using RL.Core.Normalization;
using RL.Envs;
using RL.Envs.Random;
using static TorchSharp.torch;

namespace RL.Algorithms.Training;

/// <summary>How a run was started.</summary>
public sealed record SessionOptions
{
    /// <summary>Continue the run in this directory from its newest valid checkpoint.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>Start a new run in exactly this directory instead of runs_dir/name-seedN (`rl train --run-dir`, used by `rl sweep`).</summary>
    public string? NewRunDirectory { get; init; }

    /// <summary>The <c>--set</c> overrides of this resume, recorded in resumes.yaml (the config already includes them).</summary>
    public IReadOnlyList<string> ResumeOverrides { get; init; } = Array.Empty<string>();

    public ITrainingReporter Reporter { get; init; } = new LineReporter(TextWriter.Null);
    public CancellationToken Cancel { get; init; }

    /// <summary>Extra progress.csv columns the algorithm fills (losses, learning rates, noise), with units and meanings.</summary>
    public IReadOnlyList<CsvColumn> AlgorithmColumns { get; init; } = Array.Empty<CsvColumn>();

    /// <summary>
    /// The seeds of the algorithm's own random streams, by name, for config.yaml's provenance (<see cref="IAlgorithm.SeedStreams"/>):
    /// the session records the master and env seeds, and only the algorithm knows which other streams it draws (issue 12).
    /// </summary>
    public Func<TrainingSession, IReadOnlyDictionary<string, object>>? SeedStreams { get; init; }
}

/// <summary>One finished (or dropped) episode as the run logs it.</summary>
public sealed record EpisodeRecord(int Group, EpisodeSummary Summary, string Exploration, long EnvSteps, long Updates);

/// <summary>
/// The run loop's shared half, used by every algorithm: it resolves the device and the env source, opens the
/// env groups and the run directory (new, or an existing one to resume), writes the effective config with
/// provenance, keeps the counters, writes progress.csv / episodes.csv / evaluations.csv and TensorBoard events,
/// decides when budgets, checkpoints and evaluations are due, evaluates a policy, and saves and restores the
/// state every algorithm has (counters, normaliser, env groups) around the algorithm's own. The algorithm
/// owns the order of collecting and learning.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ITrainingReporter _reporter;
    private readonly CsvTable _progress;
    private readonly CsvTable _episodes;
    private readonly CsvTable _evaluations;
    private readonly TensorBoardWriter _tensorBoard;
    private readonly string[] _termNames;
    private readonly IEnvGroupProvider _provider;
    private readonly RunLock _lock;
    private EnvGroupSet? _evaluationEnvs;
    private double _lastFlush;
    private double _lastReport = double.NegativeInfinity;
    private double _rateTime, _stepsPerSecond = double.NaN, _updatesPerSecond = double.NaN;
    private long _rateSteps, _rateUpdates;
    private double _lastCheckpointTime;
    private long _lastCheckpointUpdates;
    private long _lastEvaluationSteps;
    private double _lastEvaluationTime;
    private double _lastEvaluationScore = double.NaN;
    // Window statistics between two progress rows.
    private long _windowEpisodes, _windowFalls;
    private double _windowScore, _windowReturn, _windowLength;
    private double[] _windowTerms;
    private double _windowStart;
    private long _windowEnvSteps, _windowUpdates;
    private readonly RecentEpisodes _recent = new();
    // Counters when this process started, for the ETA's average rate (a resumed run starts from its checkpoint's).
    private long _processStartSteps, _processStartUpdates;
    // Simulator steps per decision, for the console's simulator steps/s (the env spec carries the frame_skip it was made with).
    private readonly int _frameSkip;
    private readonly string _scoreUnit;
    private readonly Func<TrainingSession, IReadOnlyDictionary<string, object>>? _seedStreams;

    private TrainingSession(RunConfig config, IEnvGroupProvider provider, EnvGroupSet envs, RunDirectory directory, RunLock runLock,
        ObservationPipeline observations, SessionOptions options, CheckpointReader? resumeFrom, Device device)
    {
        Config = config;
        _seedStreams = options.SeedStreams;
        _lock = runLock;
        _provider = provider;
        Envs = envs;
        Directory = directory;
        Observations = observations;
        Device = device;
        Cancel = options.Cancel;
        _reporter = options.Reporter;
        ResumeFrom = resumeFrom;
        Rewards = new RewardTransform(config.Reward.Scale, config.Reward.FallPenalty);
        Checkpoints = new CheckpointStore(directory.CheckpointsDirectory, config.Checkpoint.KeepLast, config.Checkpoint.KeepBest);
        _termNames = envs.Spec.RewardTermNames;
        _windowTerms = new double[_termNames.Length];
        _frameSkip = envs.Spec.Options.TryGetValue("frame_skip", out string? k) && int.TryParse(k, NumberStyles.Integer, CultureInfo.InvariantCulture, out int skip) ? skip : 1;
        _scoreUnit = ScoreUnit.SuffixFor(envs.Spec.Id);
        int first = 0;
        Runners = envs.Groups.Select((g, i) =>
        {
            var runner = new EnvGroupRunner(i, g, first, Counters);
            first += g.NumEnvs;
            return runner;
        }).ToList();

        if (resumeFrom is not null) resumeFrom.ReadBinary(RunStateFile, ReadRunState);
        long keepSteps = Counters.EnvSteps, keepUpdates = Counters.Updates;
        (string, double)? Keep(string column, long value) => resumeFrom is null ? null : (column, value);
        var progressColumns = RunFileColumns.Progress.Concat(_termNames.Select(RunFileColumns.ProgressTerm)).Concat(options.AlgorithmColumns).ToArray();
        ProgressColumns = progressColumns.Select(c => c.Name).ToArray();
        _progress = new CsvTable(directory.ProgressPath, progressColumns, Keep("time/updates", keepUpdates));
        _episodes = new CsvTable(directory.EpisodesPath, RunFileColumns.Episodes.Concat(_termNames.Select(RunFileColumns.EpisodeTerm)).ToArray(), Keep("env_steps", keepSteps));
        // Only the trainer's own rows are redone after the resume point; rows of older `rl eval` runs (source "eval")
        // were never the trainer's to drop (issue 10, part 4).
        _evaluations = new CsvTable(directory.EvaluationsPath, RunFileColumns.Evaluations, Keep("env_steps", keepSteps),
            cells => cells.Length > EvaluationSourceColumn && cells[EvaluationSourceColumn] == TrainEvaluationSource);
        _tensorBoard = new TensorBoardWriter(directory.TensorBoardDirectory);
        _rateSteps = _processStartSteps = Counters.EnvSteps;
        _rateUpdates = _processStartUpdates = Counters.Updates;
        if (resumeFrom is null)
        {
            _lastCheckpointUpdates = Counters.Updates;
            _lastEvaluationSteps = Counters.EnvSteps;
            _windowEnvSteps = Counters.EnvSteps;
            _windowUpdates = Counters.Updates;
        }
    }

    public const string RunStateFile = "run.bin";

    // The names only; units and meanings are in RunFileColumns (and the sidecars made from it).
    public static readonly string[] CommonColumns = RunFileColumns.Progress.Select(c => c.Name).ToArray();
    public static readonly string[] EpisodeColumns = RunFileColumns.Episodes.Select(c => c.Name).ToArray();
    public static readonly string[] EvaluationColumns = RunFileColumns.Evaluations.Select(c => c.Name).ToArray();

    private const int EvaluationSourceColumn = 3;
    private const string TrainEvaluationSource = "train";

    public RunConfig Config { get; }
    public RunDirectory Directory { get; }
    public EnvGroupSet Envs { get; }
    public EnvSpec Spec => Envs.Spec;
    public IReadOnlyList<EnvGroupRunner> Runners { get; }
    public ObservationPipeline Observations { get; }
    public RewardTransform Rewards { get; }
    public RunCounters Counters { get; } = new();
    public CheckpointStore Checkpoints { get; }
    public Device Device { get; }
    public CancellationToken Cancel { get; }
    public string[] ProgressColumns { get; }

    /// <summary>The checkpoint this run resumes from (the algorithm restores its own part from it), or null.</summary>
    public CheckpointReader? ResumeFrom { get; }

    public ulong MasterSeed => (ulong)Config.Seed;
    public double WallSeconds => Counters.PreviousWallSeconds + _clock.Elapsed.TotalSeconds;
    private double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>The seed of the random stream <paramref name="stream"/> (index <paramref name="index"/>) of this run.</summary>
    public ulong SeedFor(string stream, long index = 0) => SeedSequence.Derive(MasterSeed, stream, index);

    // --- opening ---

    /// <summary>The directory name of a new run under runs_dir: <c>name-seedN</c> (a suffix -2, -3 … when it exists).</summary>
    public static string RunDirectoryName(RunConfig config) => string.Create(CultureInfo.InvariantCulture, $"{config.Name}-seed{config.Seed}");

    /// <summary>
    /// Opens a new run (or the one in <see cref="SessionOptions.ResumeDirectory"/>). Env problems that are
    /// really config problems (unknown env id, backend or option) come out as <see cref="ConfigException"/>.
    /// The run directory is locked for as long as the session lives (<see cref="RunLock"/>); a run another
    /// process trains gives <see cref="RunLockedException"/>, before any env server starts.
    /// </summary>
    public static TrainingSession Open(RunConfig config, EnvProviderCatalog providers, SessionOptions options)
    {
        config.ApplyTorchThreads();
        Device device;
        try
        {
            device = TorchDevices.Resolve(config.Device);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(null, "device", e.Message);
        }
        IEnvGroupProvider provider;
        try
        {
            provider = providers.Get(config.Env.Backend);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(null, "env.backend", e.Message);
        }
        RunDirectory? resumed = options.ResumeDirectory is string resume ? RunDirectory.Open(resume) : null;
        RunLock? runLock = resumed is null ? null : RunLock.Acquire(resumed.Root);
        EnvGroupSet envs;
        try
        {
            envs = OpenEnvs(provider, config, config.Env.Options, config.Env.Groups, config.Env.EnvsPerGroup, "env.options", config.Env.BatchesPerServer);
        }
        catch
        {
            runLock?.Dispose();
            throw;
        }
        try
        {
            ObservationTransform transform;
            try
            {
                transform = new ObservationTransform(envs.Spec, config.Observation.RelativeTo, config.Observation.Relative, config.Observation.Drop);
            }
            catch (ArgumentException e)
            {
                throw new ConfigException(null, "observation", e.Message);
            }
            var pipeline = new ObservationPipeline(transform, config.Observation.Normalize, config.Observation.Clip, config.Observation.Epsilon);
            RunDirectory directory;
            CheckpointReader? resumeFrom = null;
            if (resumed is not null)
            {
                directory = resumed;
                var store = new CheckpointStore(directory.CheckpointsDirectory, config.Checkpoint.KeepLast, config.Checkpoint.KeepBest);
                foreach (string stale in store.CleanStale())
                    options.Reporter.Message($"removed {stale}: an unfinished checkpoint of an interrupted process");
                var skipped = new List<string>();
                resumeFrom = store.OpenLatestValid(skipped);
                foreach (string s in skipped) options.Reporter.Message($"skipping {s}");
                if (resumeFrom is null)
                    throw new InvalidDataException($"{directory.Root} has no valid checkpoint to resume from{(skipped.Count > 0 ? " (every one failed verification, see above)" : "")}.");
                options.Reporter.Message($"resuming {directory.Name} from {resumeFrom.Name}");
            }
            else
            {
                // The seed is part of the name so that a seed sweep by hand needs no --set name= (issue 11).
                directory = options.NewRunDirectory is string exact
                    ? RunDirectory.CreateAt(exact)
                    : RunDirectory.CreateNew(config.RunsDir, RunDirectoryName(config));
                runLock = RunLock.Acquire(directory.Root);
            }
            if (!runLock!.Effective)
                options.Reporter.Message($"warning: this file system does not enforce file locks, so {RunLock.FileName} cannot stop a second trainer on {directory.Root}");
            var session = new TrainingSession(config, provider, envs, directory, runLock, pipeline, options, resumeFrom, device);
            if (resumeFrom is not null)
            {
                session.Counters.Resumes++;
                session.RecordResume(options.ResumeOverrides);
                if (session.BudgetReached() is string budget)
                    session.Message($"the run already reached {budget} at {resumeFrom.Name}, so it stops at once; extend it with --set train.max_hours=… (or max_env_steps, max_updates)");
            }
            else
            {
                session.WriteConfig();
            }
            return session;
        }
        catch
        {
            envs.Dispose();
            runLock?.Dispose();
            throw;
        }
    }

    private static EnvGroupSet OpenEnvs(IEnvGroupProvider provider, RunConfig config, IReadOnlyDictionary<string, string> options, int groups, int envsPerGroup, string optionsKey, int batchesPerServer = 1)
    {
        try
        {
            return provider.Open(new EnvGroupRequest
            {
                EnvId = config.Env.Id,
                Options = options,
                OptionsSource = $"config {optionsKey}",
                Groups = groups,
                EnvsPerGroup = envsPerGroup,
                BatchesPerServer = batchesPerServer,
                LocalTransport = config.Env.LocalTransport,
                Endpoints = config.Env.Endpoints,
                ParallelWithinGroup = config.Env.ParallelWithinGroup,
                Seed = SeedSequence.Derive((ulong)config.Seed, $"env-source-{optionsKey}"),
            });
        }
        catch (ArgumentException e)
        {
            string key = e.Message.Contains("unknown env '", StringComparison.Ordinal) ? "env.id" : optionsKey;
            throw new ConfigException(null, key, e.Message);
        }
    }

    /// <summary>Writes config.yaml with provenance, once, when the run starts; a resume never rewrites it (issue 10, part 3).</summary>
    private void WriteConfig()
    {
        var seeds = new Dictionary<string, object> { ["master"] = Config.Seed };
        foreach (var (stream, seed) in _seedStreams?.Invoke(this) ?? new Dictionary<string, object>()) seeds[stream] = seed;
        seeds["envs"] = Runners.SelectMany(r => Enumerable.Range(r.FirstEnvIndex, r.NumEnvs)).Select(EnvSeed).ToArray();
        AtomicFile.WriteAllText(Directory.ConfigPath, Provenance.ConfigWithProvenance(Config, Spec, seeds));
    }

    /// <summary>Appends this resume (checkpoint, process, versions, overrides) to resumes.yaml.</summary>
    private void RecordResume(IReadOnlyList<string> overrides)
    {
        var meta = ResumeFrom!.Manifest.Meta;
        int number = ResumeLog.Read(Directory.ResumesPath).Count + 1;
        ResumeLog.Append(Directory.ResumesPath, new ResumeRecord(number,
            DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), ResumeFrom.Name,
            meta.GetValueOrDefault("env_steps", ""), meta.GetValueOrDefault("updates", ""), Environment.ProcessId, Environment.MachineName,
            Provenance.RlVersion, Provenance.GitCommit(), overrides.Select(o => (o, new ConfigSource($"--set {o}", 0, 0))).ToList()));
        if (overrides.Count > 0)
            _reporter.Message($"resume {number}: {string.Join(" ", overrides)} (recorded in {ResumeLog.FileName}; config.yaml is unchanged)");
    }

    /// <summary>The reset seed of run-wide env <paramref name="globalIndex"/> (later episodes derive from it).</summary>
    public long EnvSeed(int globalIndex) => SeedSequence.DeriveEnvSeed(MasterSeed, "env", globalIndex);

    // --- env groups ---

    /// <summary>
    /// Resets every group with its derived seeds, or restores the groups saved in the resume checkpoint. True when
    /// every group's episodes in progress were restored, so an algorithm continues its own per-episode state from the
    /// checkpoint too (issue 12: the algorithm no longer asks each group whether it can be restored).
    /// </summary>
    public bool StartEnvs()
    {
        bool allRestored = true;
        BinaryReader? saved = null;
        Stream? stream = null;
        if (ResumeFrom is not null && ResumeFrom.Has(EnvStateFile))
        {
            stream = ResumeFrom.Open(EnvStateFile);
            saved = new BinaryReader(stream);
        }
        try
        {
            foreach (var runner in Runners)
            {
                bool restored = false;
                if (saved is not null)
                {
                    bool hasState = saved.ReadBoolean();
                    if (hasState && runner.Group is IResumableEnvGroup resumable)
                    {
                        resumable.RestoreState(saved, runner.Observations);
                        restored = true;
                    }
                    else if (hasState)
                    {
                        throw new InvalidDataException($"checkpoint {ResumeFrom!.Name} holds the state of env group {runner.Index}, but the group cannot restore it.");
                    }
                }
                if (restored) continue;
                allRestored = false;
                // A resumed run that could not restore its episodes starts new ones with seeds that differ from the first start.
                long salt = Counters.Resumes;
                var seeds = Enumerable.Range(runner.FirstEnvIndex, runner.NumEnvs)
                    .Select(i => salt == 0 ? EnvSeed(i) : SeedSequence.DeriveEnvSeed(MasterSeed, $"env-resume-{salt}", i)).ToArray();
                runner.Reset(seeds);
                if (ResumeFrom is not null)
                    _reporter.Message($"env group {runner.Index}: episodes in progress at the checkpoint could not be restored; starting new ones");
            }
        }
        finally
        {
            saved?.Dispose();
            stream?.Dispose();
        }
        return allRestored;
    }

    private const string EnvStateFile = "envs.bin";

    // --- budgets and schedules ---

    public bool StopRequested => Cancel.IsCancellationRequested;

    /// <summary>The budget that is exhausted ("env steps", "updates", "hours"), or null.</summary>
    public string? BudgetReached()
    {
        var t = Config.Train;
        if (t.MaxEnvSteps > 0 && RunCounters.Read(ref Counters.EnvSteps) >= t.MaxEnvSteps) return $"max_env_steps {t.MaxEnvSteps}";
        if (t.MaxUpdates > 0 && RunCounters.Read(ref Counters.Updates) >= t.MaxUpdates) return $"max_updates {t.MaxUpdates}";
        if (t.MaxHours > 0 && WallSeconds >= t.MaxHours * 3600) return $"max_hours {t.MaxHours}";
        return null;
    }

    public bool CheckpointDue()
    {
        var c = Config.Checkpoint;
        return (c.EveryUpdates > 0 && Counters.Updates - _lastCheckpointUpdates >= c.EveryUpdates)
            || (c.EveryMinutes > 0 && Now - _lastCheckpointTime >= c.EveryMinutes * 60);
    }

    /// <summary>Env steps at the last evaluation (−1 before any in this process).</summary>
    public long LastEvaluationEnvSteps => Counters.Evaluations == 0 ? -1 : _lastEvaluationSteps;

    public bool EvaluationDue()
    {
        var e = Config.Evaluation;
        return (e.EveryEnvSteps > 0 && RunCounters.Read(ref Counters.EnvSteps) - _lastEvaluationSteps >= e.EveryEnvSteps)
            || (e.EveryMinutes > 0 && Now - _lastEvaluationTime >= e.EveryMinutes * 60);
    }

    // --- logging ---

    public void LogEpisode(EpisodeRecord record)
    {
        var s = record.Summary;
        bool dropped = s.Reason is EndReason.ServerLost or EndReason.NonFiniteObservation;
        if (!dropped)
        {
            Counters.Add(ref Counters.Episodes, 1);
            _windowEpisodes++;
            _windowScore += s.Score;
            _windowReturn += s.Return;
            _windowLength += s.Length;
            if (s.Reason == EndReason.Terminated) _windowFalls++;
            for (int i = 0; i < Math.Min(_windowTerms.Length, s.Terms.Length); i++) _windowTerms[i] += s.Terms[i];
            _recent.Add(s.Score, s.Reason == EndReason.Terminated);
        }
        var row = new object?[EpisodeColumns.Length + _termNames.Length];
        row[0] = record.EnvSteps;
        row[1] = record.Updates;
        row[2] = Math.Round(WallSeconds, 3);
        row[3] = record.Group;
        row[4] = s.EnvIndex;
        row[5] = s.Seed;
        row[6] = s.Score;
        row[7] = s.Return;
        row[8] = s.Length;
        row[9] = s.Reason.Name();
        row[10] = record.Exploration;
        for (int i = 0; i < _termNames.Length; i++) row[EpisodeColumns.Length + i] = i < s.Terms.Length ? s.Terms[i] : null;
        _episodes.Append(row);
    }

    /// <summary>
    /// Writes one progress.csv row (and the same scalars to TensorBoard) with the common counters, the episode
    /// window since the previous row, and the algorithm's values (keys from <see cref="SessionOptions.AlgorithmColumns"/>).
    /// </summary>
    public void LogProgress(IReadOnlyDictionary<string, double> algorithmValues, double learnerIdleFraction)
    {
        double now = Now;
        double elapsed = Math.Max(1e-9, now - _windowStart);
        long steps = RunCounters.Read(ref Counters.EnvSteps), updates = Counters.Updates;
        long clipped = RunCounters.Read(ref Counters.ClippedActionElements), elements = RunCounters.Read(ref Counters.ActionElements);
        double n = _windowEpisodes;
        var status = Envs.Status;
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["time/updates"] = updates,
            ["time/env_steps"] = steps,
            ["time/episodes"] = RunCounters.Read(ref Counters.Episodes),
            ["time/wall_s"] = Math.Round(WallSeconds, 3),
            ["time/steps_per_s"] = (steps - _windowEnvSteps) / elapsed,
            ["time/updates_per_s"] = (updates - _windowUpdates) / elapsed,
            ["time/learner_idle_fraction"] = learnerIdleFraction,
            ["env/restarts"] = status?.Restarts ?? 0,
            ["env/timeouts"] = status?.Timeouts ?? 0,
            ["env/sim_errors"] = RunCounters.Read(ref Counters.SimErrors),
            ["env/nonfinite_obs"] = RunCounters.Read(ref Counters.NonfiniteObservations),
            ["env/healthy_servers"] = status?.HealthyServers ?? Runners.Count,
            ["episodes/dropped"] = RunCounters.Read(ref Counters.EpisodesDropped),
            ["transitions/dropped"] = RunCounters.Read(ref Counters.TransitionsDropped),
            ["train/nonfinite_updates"] = Counters.NonfiniteUpdates,
            ["train/rollbacks"] = Counters.Rollbacks,
            ["actions/clipped_fraction"] = elements > 0 ? clipped / (double)elements : 0,
        };
        // Window means only exist when an episode ended in the window: otherwise the cells stay empty, so that
        // "nan" in progress.csv only ever means a value that really was NaN (issue 11).
        if (n > 0)
        {
            values["charts/episodic_score"] = _windowScore / n;
            values["charts/episodic_return"] = _windowReturn / n;
            values["charts/episode_length"] = _windowLength / n;
            values["charts/fall_rate"] = _windowFalls / n;
            for (int i = 0; i < _termNames.Length; i++) values["shaping/" + _termNames[i]] = _windowTerms[i] / n;
        }
        foreach (var (k, v) in algorithmValues) values[k] = v;
        var row = new object?[ProgressColumns.Length];
        for (int i = 0; i < row.Length; i++) row[i] = values.TryGetValue(ProgressColumns[i], out double v) ? v : null;
        _progress.Append(row);
        _tensorBoard.AddScalars(steps, values.Where(kv => kv.Key != "time/env_steps"));
        _windowStart = now;
        _windowEnvSteps = steps;
        _windowUpdates = updates;
        _windowEpisodes = _windowFalls = 0;
        _windowScore = _windowReturn = _windowLength = 0;
        Array.Clear(_windowTerms);
        FlushIfDue(force: false);
    }

    /// <summary>Sends a progress snapshot to the console reporter about once a second, and flushes logs now and then.</summary>
    public void Tick(double learnerIdleFraction, bool force = false)
    {
        double now = Now;
        FlushIfDue(force: false);
        if (!force && now - _lastReport < 1.0) return;
        _lastReport = now;
        long steps = RunCounters.Read(ref Counters.EnvSteps);
        // Console rates over the last 5 s or more (independent of the progress.csv window, which may have just reset).
        if (now - _rateTime >= 5 || double.IsNaN(_stepsPerSecond))
        {
            double elapsed = Math.Max(1e-9, now - _rateTime);
            _stepsPerSecond = (steps - _rateSteps) / elapsed;
            _updatesPerSecond = (Counters.Updates - _rateUpdates) / elapsed;
            (_rateTime, _rateSteps, _rateUpdates) = (now, steps, Counters.Updates);
        }
        var t = Config.Train;
        // No rate (so no ETA) in the first 10 s: env servers starting and warm-up make it meaningless.
        double sinceStart = now >= 10 ? now : double.NaN;
        var budget = BudgetProgress.Of(steps, t.MaxEnvSteps, Counters.Updates, t.MaxUpdates, WallSeconds, t.MaxHours * 3600,
            (steps - _processStartSteps) / sinceStart, (Counters.Updates - _processStartUpdates) / sinceStart);
        _reporter.Report(new ProgressSnapshot(Directory.Name, steps, Counters.Updates, WallSeconds, budget,
            _stepsPerSecond, _stepsPerSecond * _frameSkip, _updatesPerSecond, learnerIdleFraction,
            RunCounters.Read(ref Counters.Episodes), _recent.Count, _recent.MeanScore, _recent.FallRate, _scoreUnit,
            _lastEvaluationScore, _lastEvaluationSteps, Counters.Evaluations,
            RunCounters.Read(ref Counters.EpisodesDropped), Envs.Status?.Restarts ?? 0));
    }

    public void Message(string line) => _reporter.Message(line);

    private void FlushIfDue(bool force)
    {
        // reliability.md R18: logs readable up to the last flush, at most ~10 s old.
        if (!force && Now - _lastFlush < 5) return;
        _lastFlush = Now;
        _progress.Flush();
        _episodes.Flush();
        _evaluations.Flush();
        _tensorBoard.Flush();
    }

    // --- evaluation ---

    /// <summary>Runs the deterministic <paramref name="policy"/> on the held-out evaluation seeds and logs the episodes.</summary>
    public EvaluationResult Evaluate(IPolicy policy)
    {
        var e = Config.Evaluation;
        var options = new Dictionary<string, string>(Config.Env.Options);
        foreach (var (k, v) in e.Options) options[k] = v;
        _evaluationEnvs ??= OpenEnvs(_provider, Config, options, 1, Math.Min(e.ParallelEnvs, e.Episodes), "evaluation.options");
        var result = Evaluator.Run(_evaluationEnvs.Groups[0], policy, e.Seed, e.Episodes, Cancel);
        long steps = RunCounters.Read(ref Counters.EnvSteps);
        string optionText = RunFileColumns.OptionsText(options);
        foreach (var ep in result.Episodes)
            _evaluations.Append(new object?[] { steps, Counters.Updates, Math.Round(WallSeconds, 3), TrainEvaluationSource, CheckpointStore.NameFor(Counters.Updates), ep.Index, ep.Seed, ep.Score, ep.Return, ep.Length, ep.Reason.Name(), optionText });
        _tensorBoard.AddScalars(steps, new Dictionary<string, double>
        {
            ["eval/mean_score"] = result.Mean,
            ["eval/sd_score"] = result.Sd,
            ["eval/fall_rate"] = result.FallRate,
            ["eval/mean_score_completed"] = result.MeanCompleted,
        });
        Counters.Evaluations++;
        _lastEvaluationSteps = steps;
        _lastEvaluationTime = Now;
        _lastEvaluationScore = result.Mean;
        FlushIfDue(force: true);
        _reporter.Message(string.Create(CultureInfo.InvariantCulture,
            $"evaluation at {steps} env steps: mean {result.Mean:F3} ± {result.Sd:F3} over {result.Episodes.Count} episodes, falls {result.FallRate:P0}, mean of completed {result.MeanCompleted:F3}"));
        return result;
    }

    // --- checkpoints ---

    /// <summary>
    /// Writes a checkpoint: the algorithm's files through <paramref name="writeAlgorithm"/>, then the run's own
    /// state (counters, normaliser, env groups). <paramref name="score"/> marks an evaluated policy (best kept).
    /// </summary>
    public CheckpointManifest SaveCheckpoint(string kind, double? score, Action<CheckpointWriter> writeAlgorithm)
    {
        var manifest = Checkpoints.Save(Counters.Updates, kind, score, w =>
        {
            writeAlgorithm(w);
            w.AddBinary(RunStateFile, WriteRunState);
            w.AddBinary(EnvStateFile, writer =>
            {
                foreach (var runner in Runners)
                {
                    bool resumable = runner.Group is IResumableEnvGroup;
                    writer.Write(resumable);
                    if (resumable) ((IResumableEnvGroup)runner.Group).SaveState(writer, runner.Observations);
                }
            });
        }, Counters.ToMeta());
        _lastCheckpointUpdates = Counters.Updates;
        _lastCheckpointTime = Now;
        FlushIfDue(force: true);
        return manifest;
    }

    /// <summary>The run's counters saved in a checkpoint; <see cref="RunCounters.PreviousWallSeconds"/> is the run's wall time when it was written.</summary>
    public static RunCounters ReadCounters(CheckpointReader checkpoint)
    {
        using var stream = checkpoint.Open(RunStateFile);
        using var r = new BinaryReader(stream);
        var counters = new RunCounters();
        counters.Load(r);
        return counters;
    }

    /// <summary>Loads the normaliser statistics saved in a checkpoint into <paramref name="pipeline"/> (for evaluation).</summary>
    public static void ReadObservationStatistics(CheckpointReader checkpoint, ObservationPipeline pipeline)
    {
        using var stream = checkpoint.Open(RunStateFile);
        using var r = new BinaryReader(stream);
        new RunCounters().Load(r);
        pipeline.Load(r);
    }

    private void WriteRunState(BinaryWriter w)
    {
        Counters.Save(w, WallSeconds);
        Observations.Save(w);
        // The schedule and the open progress window, so rows after a resume match an uninterrupted run (R13).
        w.Write(_lastCheckpointUpdates);
        w.Write(_lastEvaluationSteps);
        w.Write(_windowEpisodes);
        w.Write(_windowFalls);
        w.Write(_windowScore);
        w.Write(_windowReturn);
        w.Write(_windowLength);
        w.Write(_windowTerms.Length);
        foreach (double v in _windowTerms) w.Write(v);
        w.Write(_windowEnvSteps);
        w.Write(_windowUpdates);
    }

    private void ReadRunState(BinaryReader r)
    {
        Counters.Load(r);
        Observations.Load(r);
        _lastCheckpointUpdates = r.ReadInt64();
        _lastEvaluationSteps = r.ReadInt64();
        _windowEpisodes = r.ReadInt64();
        _windowFalls = r.ReadInt64();
        _windowScore = r.ReadDouble();
        _windowReturn = r.ReadDouble();
        _windowLength = r.ReadDouble();
        _windowTerms = new double[r.ReadInt32()];
        for (int i = 0; i < _windowTerms.Length; i++) _windowTerms[i] = r.ReadDouble();
        _windowEnvSteps = r.ReadInt64();
        _windowUpdates = r.ReadInt64();
    }

    public void Dispose()
    {
        FlushIfDue(force: true);
        _progress.Dispose();
        _episodes.Dispose();
        _evaluations.Dispose();
        _tensorBoard.Dispose();
        _evaluationEnvs?.Dispose();
        Envs.Dispose();
        // Last: nothing of this process writes into the run after the lock is gone.
        _lock.Dispose();
    }
}
