using RL.Core.Environments;
using RL.Envs;
using RL.Envs.Vector;

namespace RL.Algorithms.Training;

/// <summary>
/// One env group as a sampler sees it: current observations, the reusable step result, and the handling of a
/// lost env worker shared by every algorithm. When <see cref="IVectorEnv.Step"/> throws
/// <see cref="EnvWorkerLostException"/>, the in-flight transitions of every env in the group have no valid next
/// state: they are dropped and counted (never stored), the partial episodes end as server_lost, and
/// <see cref="IVectorEnv.Reset"/> waits for the replacement (reliability.md R1, R2). An
/// <see cref="EnvFleetFailedException"/> propagates: the run must stop (exit code 3).
/// It also keeps each env's episode bookkeeping (running score, return, length and the episode's seed) and
/// names the episodes each call ended in <see cref="EndedEpisodes"/>, so that no algorithm keeps its own
/// copy of those sums (issue 12).
/// </summary>
public sealed class EnvGroupRunner
{
    private readonly RunCounters _counters;
    // Sums of each env's current episode over its stored (not dropped) transitions: an episode a lost worker cuts
    // short has no summary from the env, so its server_lost row is built from these (issue 12).
    private readonly double[] _score, _return;
    private readonly int[] _length;
    private readonly long?[] _episodeSeed;
    private readonly List<EpisodeSummary> _ended = new();

    public EnvGroupRunner(int index, IVectorEnv group, int firstEnvIndex, RunCounters counters)
    {
        Index = index;
        Group = group;
        FirstEnvIndex = firstEnvIndex;
        _counters = counters;
        Observations = new float[group.NumEnvs * group.Spec.ObservationSize];
        Result = new VectorStepResult(group.NumEnvs, group.Spec.ObservationSize);
        _score = new double[group.NumEnvs];
        _return = new double[group.NumEnvs];
        _length = new int[group.NumEnvs];
        _episodeSeed = new long?[group.NumEnvs];
    }

    public int Index { get; }
    public IVectorEnv Group { get; }

    /// <summary>Run-wide index of this group's env 0 (env seeds are derived from it).</summary>
    public int FirstEnvIndex { get; }

    public int NumEnvs => Group.NumEnvs;
    public EnvSpec Spec => Group.Spec;

    /// <summary>The current observation of each env (row-major).</summary>
    public float[] Observations { get; }

    public VectorStepResult Result { get; }

    /// <summary>The message of the last worker loss, for logs.</summary>
    public string? LastLoss { get; private set; }

    /// <summary>
    /// Episodes that ended in the last Reset/Step call (after Step returns, true or false): the env's own summaries
    /// (with Seed filled from the episode's start when the env left it null), and, when the worker was lost, one
    /// ServerLost summary per env built from the runner's own sums. Cleared at the start of every Step.
    /// One summary per ended episode, in env order.
    /// </summary>
    public IReadOnlyList<EpisodeSummary> EndedEpisodes => _ended;

    /// <summary>Resets every env and begins the bookkeeping of their new episodes.</summary>
    public void Reset(ReadOnlySpan<long> seeds)
    {
        _ended.Clear();
        Group.Reset(seeds, Observations);
        RestartEpisodes();
    }

    /// <summary>
    /// Begins the bookkeeping of every env's current episode afresh (zero sums, the seed the group names now), for
    /// episodes whose sums are unknown: a group restored from a checkpoint that lacks the runner's sums.
    /// </summary>
    public void RestartEpisodes()
    {
        for (int i = 0; i < NumEnvs; i++) BeginEpisode(i);
    }

    // Every env group names the seed of each episode it begins, autoresets and served envs included; it is logged
    // when the episode is lost with its server (issue 11).
    private void BeginEpisode(int i)
    {
        _episodeSeed[i] = Group.EpisodeSeed(i);
        _score[i] = _return[i] = 0;
        _length[i] = 0;
    }

    /// <summary>
    /// Steps every env. True when <see cref="Result"/> holds a step; false when the worker was lost, in which
    /// case the group has been reset (new episodes everywhere) and nothing of this step may be stored.
    /// </summary>
    public bool Step(ReadOnlySpan<float> actions)
    {
        _ended.Clear();
        try
        {
            Group.Step(actions, Result);
        }
        catch (EnvWorkerLostException e)
        {
            LastLoss = e.Message;
            _counters.Add(ref _counters.EpisodesDropped, NumEnvs);
            _counters.Add(ref _counters.TransitionsDropped, NumEnvs);
            Group.Reset(ReadOnlySpan<long>.Empty, Observations);
            // The in-flight step has no next state; the partial episodes end here (R2), every env's, as the
            // runner's sums have them.
            for (int i = 0; i < NumEnvs; i++)
            {
                _ended.Add(new EpisodeSummary(i, _score[i], _return[i], _length[i], EndReason.ServerLost, _episodeSeed[i], Array.Empty<double>()));
                BeginEpisode(i);
            }
            return false;
        }
        Result.Observations.CopyTo(Observations, 0);
        for (int i = 0; i < NumEnvs; i++)
        {
            if (Result.Dropped[i])
            {
                _counters.Add(ref _counters.NonfiniteObservations, 1);
                _counters.Add(ref _counters.TransitionsDropped, 1);
            }
            else
            {
                if (Result.Reasons[i] == EndReason.SimError) _counters.Add(ref _counters.SimErrors, 1);
                _score[i] += Result.ScoreRewards[i];
                _return[i] += Result.Rewards[i];
                _length[i]++;
            }
        }
        for (int i = 0; i < NumEnvs; i++)
        {
            if (!Result.Done(i) && !Result.Dropped[i]) continue;
            var summary = FindSummary(i) ?? new EpisodeSummary(i, _score[i], _return[i], _length[i], Result.Reasons[i], null, Array.Empty<double>());
            if (summary.Seed is null && _episodeSeed[i] is long seed) summary = summary with { Seed = seed };
            _ended.Add(summary);
            // SAME_STEP autoreset: the group has begun env i's next episode already.
            BeginEpisode(i);
        }
        return true;
    }

    private EpisodeSummary? FindSummary(int env)
    {
        foreach (var e in Result.Episodes)
            if (e.EnvIndex == env) return e;
        return null;
    }

    // --- checkpoints ---

    /// <summary>
    /// Writes env <paramref name="env"/>'s episode sums and seed (DDPG interleaves them with its own per-env
    /// state, so a resumed run logs the same rows; another algorithm writes every env's in a row).
    /// </summary>
    public void WriteEpisode(BinaryWriter w, int env)
    {
        w.Write(_score[env]);
        w.Write(_return[env]);
        w.Write(_length[env]);
        w.Write(_episodeSeed[env].HasValue);
        w.Write(_episodeSeed[env] ?? 0);
    }

    /// <summary>Reads what <see cref="WriteEpisode"/> wrote.</summary>
    public void ReadEpisode(BinaryReader r, int env)
    {
        _score[env] = r.ReadDouble();
        _return[env] = r.ReadDouble();
        _length[env] = r.ReadInt32();
        bool hasSeed = r.ReadBoolean();
        long seed = r.ReadInt64();
        _episodeSeed[env] = hasSeed ? seed : null;
    }
}
