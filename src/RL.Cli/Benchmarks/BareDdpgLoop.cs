using RL.Envs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RL.Cli.Benchmarks;

/// <summary>
/// The reference for `rl bench agent`: the same DDPG update written as a plain TorchSharp loop, the way a
/// TorchSharp user would write it without the framework. Data lives in tensors; a batch is drawn with
/// torch.randint and index_select, mirrored with index_select and cat; networks are nn.Sequential; the
/// arithmetic (actor and critic gradients from the same parameters, Huber δ 10, gradient-norm clip 10, two
/// Adam steps, lerp soft updates with τ 1e-4, γ 0.9) matches the framework's update.
/// </summary>
internal sealed class BareDdpgLoop : IDisposable
{
    private readonly Sequential actor, critic, actorTarget, criticTarget;
    private readonly OptimizerHelper _actorOptimizer, _criticOptimizer;
    private readonly List<Parameter> _actorParams, _criticParams, _actorTargetParams, _criticTargetParams;
    private readonly Tensor _s, _a, _r, _notTerminal, _next, _obsPerm, _actPerm, _tau;
    private readonly Generator _generator = new(11, device: torch.CPU);
    private readonly int _batch;
    private readonly long _rows;
    private readonly Device _device;

    public BareDdpgLoop((float[] S, float[] A, float R, bool T, float[] N)[] data, int batch, MirrorMap obsMirror, MirrorMap actMirror, Device device)
    {
        _batch = batch;
        _rows = data.Length;
        _device = device;
        int obs = data[0].S.Length, act = data[0].A.Length;
        Sequential Actor() => nn.Sequential(nn.Linear(obs, 64), nn.LayerNorm(64), nn.ELU(), nn.Linear(64, 64), nn.LayerNorm(64), nn.ELU(), nn.Linear(64, act), nn.Sigmoid());
        Sequential Critic() => nn.Sequential(nn.Linear(obs + act, 64), nn.LayerNorm(64), nn.Tanh(), nn.Linear(64, 32), nn.LayerNorm(32), nn.Tanh(), nn.Linear(32, 1));
        actor = Actor();
        critic = Critic();
        actorTarget = Actor();
        criticTarget = Critic();
        foreach (var m in new[] { actor, critic, actorTarget, criticTarget }) m.to(device);
        using (torch.no_grad())
        {
            foreach (var (t, s) in actorTarget.parameters().Zip(actor.parameters())) t.copy_(s);
            foreach (var (t, s) in criticTarget.parameters().Zip(critic.parameters())) t.copy_(s);
        }
        _actorParams = actor.parameters().ToList();
        _criticParams = critic.parameters().ToList();
        _actorTargetParams = actorTarget.parameters().ToList();
        _criticTargetParams = criticTarget.parameters().ToList();
        _actorOptimizer = optim.Adam(actor.parameters(), 1e-3, 0.9, 0.99);
        _criticOptimizer = optim.Adam(critic.parameters(), 2e-3, 0.9, 0.99);
        _s = torch.tensor(data.SelectMany(d => d.S).ToArray(), new long[] { _rows, obs }, device: device);
        _a = torch.tensor(data.SelectMany(d => d.A).ToArray(), new long[] { _rows, act }, device: device);
        _r = torch.tensor(data.Select(d => d.R).ToArray(), new long[] { _rows, 1 }, device: device);
        _notTerminal = torch.tensor(data.Select(d => d.T ? 0f : 1f).ToArray(), new long[] { _rows, 1 }, device: device);
        _next = torch.tensor(data.SelectMany(d => d.N).ToArray(), new long[] { _rows, obs }, device: device);
        _obsPerm = torch.tensor(obsMirror.Source.Select(i => (long)i).ToArray(), device: device);
        _actPerm = torch.tensor(actMirror.Source.Select(i => (long)i).ToArray(), device: device);
        _tau = torch.tensor(1e-4f, device: device);
    }

    public void Update()
    {
        using var scope = torch.NewDisposeScope();
        var idx = torch.randint(0, _rows, new long[] { _batch }, generator: _generator).to(_device);
        var s = _s.index_select(0, idx);
        var a = _a.index_select(0, idx);
        var r = _r.index_select(0, idx);
        var nt = _notTerminal.index_select(0, idx);
        var next = _next.index_select(0, idx);
        s = torch.cat(new[] { s, s.index_select(1, _obsPerm) });
        a = torch.cat(new[] { a, a.index_select(1, _actPerm) });
        next = torch.cat(new[] { next, next.index_select(1, _obsPerm) });
        r = torch.cat(new[] { r, r });
        nt = torch.cat(new[] { nt, nt });

        var actorLoss = critic.forward(torch.cat(new[] { s, actor.forward(s) }, 1)).mean().neg();
        _actorOptimizer.zero_grad();
        actorLoss.backward();

        Tensor y;
        using (torch.no_grad())
            y = torch.addcmul(r, nt, criticTarget.forward(torch.cat(new[] { next, actorTarget.forward(next) }, 1)), value: 0.9);
        var q = critic.forward(torch.cat(new[] { s, a }, 1));
        var criticLoss = nn.functional.huber_loss(q, y, 10.0, nn.Reduction.Mean);
        _criticOptimizer.zero_grad();
        criticLoss.backward();

        nn.utils.clip_grad_norm_(_criticParams, 10);
        nn.utils.clip_grad_norm_(_actorParams, 10);
        _criticOptimizer.step();
        _actorOptimizer.step();
        using (torch.no_grad())
        {
            for (int i = 0; i < _criticParams.Count; i++) _criticTargetParams[i].lerp_(_criticParams[i], _tau);
            for (int i = 0; i < _actorParams.Count; i++) _actorTargetParams[i].lerp_(_actorParams[i], _tau);
        }
    }

    public void Dispose()
    {
        foreach (var m in new[] { actor, critic, actorTarget, criticTarget }) m.Dispose();
        foreach (var t in new[] { _s, _a, _r, _notTerminal, _next, _obsPerm, _actPerm, _tau }) t.Dispose();
        _generator.Dispose();
    }
}
