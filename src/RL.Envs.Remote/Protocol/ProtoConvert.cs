using Google.Protobuf.Collections;
using RL.Envs.Spaces;

namespace RL.Envs.Remote.Protocol;

/// <summary>Conversions between the RL.Envs contract and its rl.env.v1 messages, shared by client and server.</summary>
public static class ProtoConvert
{
    public static EnvSpec ToProto(this RL.Envs.EnvSpec spec)
    {
        var p = new EnvSpec
        {
            Id = spec.Id,
            ObservationSize = (uint)spec.ObservationSize,
            ActionSize = (uint)spec.ActionSize,
            MaxEpisodeSteps = (uint)spec.MaxEpisodeSteps,
            Simulator = spec.Simulator,
            SimulatorVersion = spec.SimulatorVersion,
            ObservationMirror = spec.ObservationMirror?.ToProto(),
            ActionMirror = spec.ActionMirror?.ToProto(),
        };
        p.ObservationLow.AddRange(spec.ObservationSpace.Low);
        p.ObservationHigh.AddRange(spec.ObservationSpace.High);
        p.ActionLow.AddRange(spec.ActionSpace.Low);
        p.ActionHigh.AddRange(spec.ActionSpace.High);
        p.ObservationNames.AddRange(spec.ObservationNames);
        p.ActionNames.AddRange(spec.ActionNames);
        p.RewardTermNames.AddRange(spec.RewardTermNames);
        foreach (var (k, v) in spec.Options) p.Options[k] = v;
        return p;
    }

    /// <summary>Rebuilds an <see cref="RL.Envs.EnvSpec"/>; inconsistent sizes are an error naming the field.</summary>
    public static RL.Envs.EnvSpec FromProto(this EnvSpec p, string source)
    {
        int obs = (int)p.ObservationSize, act = (int)p.ActionSize;
        void Check(int count, int expected, string field)
        {
            if (count != expected)
                throw new InvalidDataException($"{source}: spec.{field} has {count} values, expected {expected}.");
        }
        Check(p.ObservationLow.Count, obs, "observation_low");
        Check(p.ObservationHigh.Count, obs, "observation_high");
        Check(p.ActionLow.Count, act, "action_low");
        Check(p.ActionHigh.Count, act, "action_high");
        Check(p.ObservationNames.Count, obs, "observation_names");
        Check(p.ActionNames.Count, act, "action_names");
        return new RL.Envs.EnvSpec
        {
            Id = p.Id,
            ObservationSpace = new Box(p.ObservationLow.ToArray(), p.ObservationHigh.ToArray()),
            ActionSpace = new Box(p.ActionLow.ToArray(), p.ActionHigh.ToArray()),
            ObservationNames = p.ObservationNames.ToArray(),
            ActionNames = p.ActionNames.ToArray(),
            ObservationMirror = p.ObservationMirror is null ? null : new RL.Envs.MirrorMap(p.ObservationMirror.Source.ToArray(), p.ObservationMirror.Sign.ToArray()),
            ActionMirror = p.ActionMirror is null ? null : new RL.Envs.MirrorMap(p.ActionMirror.Source.ToArray(), p.ActionMirror.Sign.ToArray()),
            MaxEpisodeSteps = (int)p.MaxEpisodeSteps,
            RewardTermNames = p.RewardTermNames.ToArray(),
            Simulator = p.Simulator,
            SimulatorVersion = p.SimulatorVersion,
            Options = new Dictionary<string, string>(p.Options),
        };
    }

    public static MirrorMap ToProto(this RL.Envs.MirrorMap map)
    {
        var p = new MirrorMap();
        p.Source.AddRange(map.Source);
        p.Sign.AddRange(map.Sign);
        return p;
    }

    // The proto enum numbers equal RL.Envs.EndReason's (env.proto says so), so the conversion is a cast;
    // the test ProtocolTests.EndReasonNumbersMatch keeps them in step.
    public static EndReason ToProto(this RL.Envs.EndReason reason) => (EndReason)(int)reason;

    public static RL.Envs.EndReason FromProto(this EndReason reason) =>
        Enum.IsDefined((RL.Envs.EndReason)(int)reason)
            ? (RL.Envs.EndReason)(int)reason
            : throw new InvalidDataException($"unknown end reason {(int)reason} in a step reply.");

    /// <summary>Replaces the contents of <paramref name="field"/> with <paramref name="values"/> (no per-element adds).</summary>
    public static void SetFrom<T>(this RepeatedField<T> field, T[] values)
    {
        field.Clear();
        field.AddRange(values);
    }
}
