namespace RL.Algorithms.Training;

/// <summary>
/// The counters of a run (reliability.md §5), updated from sampler threads with interlocked adds and saved in
/// every checkpoint so a resumed run continues them. Wall time adds up over resumes.
/// </summary>
public sealed class RunCounters
{
    public long EnvSteps;
    public long Updates;
    public long Episodes;
    public long EpisodesDropped;
    public long TransitionsDropped;
    public long NonfiniteObservations;
    public long SimErrors;
    public long NonfiniteUpdates;
    public long Rollbacks;
    public long ClippedActionElements;
    public long ActionElements;
    public long Evaluations;
    public long Resumes;
    /// <summary>Env steps when the replay first held warm-up transitions; −1 before.</summary>
    public long LearningStartEnvSteps = -1;
    /// <summary>Updates done when learning (re)started (a resume without replay buffer warms up again).</summary>
    public long LearningStartUpdates;
    /// <summary>Wall-clock seconds of earlier processes of this run.</summary>
    public double PreviousWallSeconds;

    public void Add(ref long counter, long amount) => Interlocked.Add(ref counter, amount);

    /// <summary>Adds and returns the new value.</summary>
    public long AddAndGet(ref long counter, long amount) => Interlocked.Add(ref counter, amount);

    public static long Read(ref long counter) => Interlocked.Read(ref counter);

    private long[] Values() => new[]
    {
        EnvSteps, Updates, Episodes, EpisodesDropped, TransitionsDropped, NonfiniteObservations, SimErrors,
        NonfiniteUpdates, Rollbacks, ClippedActionElements, ActionElements, Evaluations, Resumes, LearningStartEnvSteps,
        LearningStartUpdates,
    };

    public void Save(BinaryWriter writer, double wallSeconds)
    {
        var values = Values();
        writer.Write(values.Length);
        foreach (long v in values) writer.Write(v);
        writer.Write(wallSeconds);
    }

    public void Load(BinaryReader reader)
    {
        int n = reader.ReadInt32();
        if (n != Values().Length) throw new InvalidDataException($"saved counters have {n} values, this version {Values().Length}.");
        EnvSteps = reader.ReadInt64();
        Updates = reader.ReadInt64();
        Episodes = reader.ReadInt64();
        EpisodesDropped = reader.ReadInt64();
        TransitionsDropped = reader.ReadInt64();
        NonfiniteObservations = reader.ReadInt64();
        SimErrors = reader.ReadInt64();
        NonfiniteUpdates = reader.ReadInt64();
        Rollbacks = reader.ReadInt64();
        ClippedActionElements = reader.ReadInt64();
        ActionElements = reader.ReadInt64();
        Evaluations = reader.ReadInt64();
        Resumes = reader.ReadInt64();
        LearningStartEnvSteps = reader.ReadInt64();
        LearningStartUpdates = reader.ReadInt64();
        PreviousWallSeconds = reader.ReadDouble();
    }

    /// <summary>The counters by name, for the checkpoint manifest and logs.</summary>
    public Dictionary<string, string> ToMeta() => new()
    {
        ["env_steps"] = EnvSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["updates"] = Updates.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["episodes"] = Episodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["episodes_dropped"] = EpisodesDropped.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["nonfinite_updates"] = NonfiniteUpdates.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["resumes"] = Resumes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
