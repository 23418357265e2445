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
/// </summary>
public sealed class EnvGroupRunner
{
    private readonly RunCounters _counters;

    public EnvGroupRunner(int index, IVectorEnv group, int firstEnvIndex, RunCounters counters)
    {
        Index = index;
        Group = group;
        FirstEnvIndex = firstEnvIndex;
        _counters = counters;
        Observations = new float[group.NumEnvs * group.Spec.ObservationSize];
        Result = new VectorStepResult(group.NumEnvs, group.Spec.ObservationSize);
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

    public void Reset(ReadOnlySpan<long> seeds) => Group.Reset(seeds, Observations);

    /// <summary>
    /// Steps every env. True when <see cref="Result"/> holds a step; false when the worker was lost, in which
    /// case the group has been reset (new episodes everywhere) and nothing of this step may be stored.
    /// </summary>
    public bool Step(ReadOnlySpan<float> actions)
    {
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
            else if (Result.Reasons[i] == EndReason.SimError)
            {
                _counters.Add(ref _counters.SimErrors, 1);
            }
        }
        return true;
    }
}
