using RL.Envs;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Algorithms.OnPolicy;

/// <summary>
/// The training batch of one rollout: its valid rows, then (with mirror) their left/right mirror images
/// (NNAISENSE's symmetric training, recipes §5.3): mirrored observations and actions from the env's maps, the
/// same advantages, returns and old values, and log-probabilities of the mirrored actions recomputed under the
/// old policy, like those of the originals. The old distribution parameters are kept for the KL.
/// </summary>
public sealed class OnPolicyBatch : IDisposable
{
    private OnPolicyBatch(Tensor observations, Tensor actions, Tensor advantages, Tensor returns, Tensor oldValues,
        Tensor oldLogProb, Tensor oldHead, Tensor? oldLogStd, double entropy, float[] rawReturns, float[] rawValues)
    {
        Observations = observations;
        Actions = actions;
        Advantages = advantages;
        Returns = returns;
        OldValues = oldValues;
        OldLogProb = oldLogProb;
        OldHead = oldHead;
        OldLogStd = oldLogStd;
        Entropy = entropy;
        RawReturns = rawReturns;
        RawValues = rawValues;
    }

    /// <summary>Normalised observations (the rollout's frozen statistics), [M, O].</summary>
    public Tensor Observations { get; }
    public Tensor Actions { get; }
    public Tensor Advantages { get; }
    public Tensor Returns { get; }
    public Tensor OldValues { get; }
    public Tensor OldLogProb { get; }
    public Tensor OldHead { get; }
    public Tensor? OldLogStd { get; }

    public int Rows => (int)Observations.shape[0];

    /// <summary>Mean entropy of the old policy over the rows.</summary>
    public double Entropy { get; }

    /// <summary>Returns and V(s) of the original rows, for the explained variance.</summary>
    public float[] RawReturns { get; }
    public float[] RawValues { get; }

    public static OnPolicyBatch From(Rollout rollout, OnPolicyModel model, (MirrorMap Observation, MirrorMap Action)? mirror, bool normalizeAdvantage)
    {
        int[] rows = rollout.ValidRows();
        int n = rows.Length, o = rollout.ObservationSize, a = rollout.ActionSize;
        int m = mirror is null ? n : 2 * n;
        var obs = new float[m * o];
        var act = new float[m * a];
        var adv = new float[m];
        var ret = new float[m];
        var val = new float[m];
        for (int j = 0; j < n; j++)
        {
            int k = rows[j];
            rollout.Observations.AsSpan(k * o, o).CopyTo(obs.AsSpan(j * o, o));
            rollout.Actions.AsSpan(k * a, a).CopyTo(act.AsSpan(j * a, a));
            adv[j] = rollout.Advantages[k];
            ret[j] = rollout.Returns[k];
            val[j] = rollout.Values[k];
        }
        if (mirror is var (mo, ma))
        {
            mo.ApplyRows(obs.AsSpan(0, n * o), obs.AsSpan(n * o));
            ma.ApplyRows(act.AsSpan(0, n * a), act.AsSpan(n * a));
            Array.Copy(adv, 0, adv, n, n);
            Array.Copy(ret, 0, ret, n, n);
            Array.Copy(val, 0, val, n, n);
        }
        if (normalizeAdvantage && m > 1)
        {
            double mean = 0, sq = 0;
            for (int j = 0; j < m; j++) mean += adv[j];
            mean /= m;
            for (int j = 0; j < m; j++) sq += (adv[j] - mean) * (adv[j] - mean);
            double sd = Math.Sqrt(sq / (m - 1));
            for (int j = 0; j < m; j++) adv[j] = (float)((adv[j] - mean) / (sd + 1e-8));
        }
        var device = model.Device;
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var obsT = model.Normalizer.Apply(torch.tensor(obs, new long[] { m, o }).to(device));
        var actT = torch.tensor(act, new long[] { m, a }).to(device);
        var head = model.Policy.forward(obsT);
        var logStd = model.Policy.LogStd?.detach().clone();
        var logp = model.Distribution.LogProb(head, logStd, actT);
        double entropy = model.Distribution.Entropy(head, logStd).mean().item<float>();
        var batch = new OnPolicyBatch(obsT, actT, torch.tensor(adv).to(device), torch.tensor(ret).to(device), torch.tensor(val).to(device),
            logp, head, logStd, entropy, ret.AsSpan(0, n).ToArray(), val.AsSpan(0, n).ToArray());
        foreach (var t in new[] { batch.Observations, batch.Actions, batch.Advantages, batch.Returns, batch.OldValues, batch.OldLogProb, batch.OldHead }) t.MoveToOuterDisposeScope();
        batch.OldLogStd?.MoveToOuterDisposeScope();
        return batch;
    }

    /// <summary>1 − Var(R − V) / Var(R) over the original rows: 1 is a perfect value function, ≤ 0 no better than a constant.</summary>
    public double ExplainedVariance()
    {
        int n = RawReturns.Length;
        if (n < 2) return double.NaN;
        double mr = 0, md = 0;
        for (int j = 0; j < n; j++)
        {
            mr += RawReturns[j];
            md += RawReturns[j] - RawValues[j];
        }
        mr /= n;
        md /= n;
        double vr = 0, vd = 0;
        for (int j = 0; j < n; j++)
        {
            vr += (RawReturns[j] - mr) * (RawReturns[j] - mr);
            double d = RawReturns[j] - RawValues[j] - md;
            vd += d * d;
        }
        return vr == 0 ? double.NaN : 1 - vd / vr;
    }

    public void Dispose()
    {
        foreach (var t in new[] { Observations, Actions, Advantages, Returns, OldValues, OldLogProb, OldHead }) t.Dispose();
        OldLogStd?.Dispose();
    }
}
