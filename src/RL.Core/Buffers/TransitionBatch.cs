using RL.Core.Tensors;
using RL.Envs;
using RL.Envs.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Buffers;

/// <summary>
/// Reusable minibatch storage for off-policy updates. The replay buffer gathers rows straight into managed
/// arrays that CPU tensors share (torch.frombuffer), so on the CPU a batch reaches the networks with no copy
/// and no allocation; on CUDA one copy per array moves it to the device. Views for the plain batch (B rows)
/// and the mirror-augmented batch (2B rows) are made once. Rewards and not-terminal flags are [rows, 1] so
/// they broadcast against Q's [rows, 1].
/// </summary>
public sealed class TransitionBatch : IDisposable
{
    private readonly float[] _obs, _act, _rew, _notTerminal, _next;
    private readonly Tensor _obsCpu, _actCpu, _rewCpu, _notTerminalCpu, _nextCpu;
    private readonly Tensor _obsDev, _actDev, _rewDev, _notTerminalDev, _nextDev;
    private readonly (Tensor S, Tensor A, Tensor R, Tensor NotTerminal, Tensor Next) _plain, _doubled;
    private readonly bool _onCpu;

    public TransitionBatch(int batchSize, int observationSize, int actionSize, Device device)
    {
        BatchSize = batchSize;
        int rows = 2 * batchSize;
        _obs = new float[rows * observationSize];
        _next = new float[rows * observationSize];
        _act = new float[rows * actionSize];
        _rew = new float[rows];
        _notTerminal = new float[rows];
        _obsCpu = BufferViews.View(_obs, rows, observationSize);
        _nextCpu = BufferViews.View(_next, rows, observationSize);
        _actCpu = BufferViews.View(_act, rows, actionSize);
        _rewCpu = BufferViews.View(_rew, rows, 1);
        _notTerminalCpu = BufferViews.View(_notTerminal, rows, 1);
        _onCpu = device.type == DeviceType.CPU;
        _obsDev = _onCpu ? _obsCpu : _obsCpu.to(device);
        _nextDev = _onCpu ? _nextCpu : _nextCpu.to(device);
        _actDev = _onCpu ? _actCpu : _actCpu.to(device);
        _rewDev = _onCpu ? _rewCpu : _rewCpu.to(device);
        _notTerminalDev = _onCpu ? _notTerminalCpu : _notTerminalCpu.to(device);
        _plain = (_obsDev.narrow(0, 0, batchSize), _actDev.narrow(0, 0, batchSize), _rewDev.narrow(0, 0, batchSize),
            _notTerminalDev.narrow(0, 0, batchSize), _nextDev.narrow(0, 0, batchSize));
        _doubled = (_obsDev, _actDev, _rewDev, _notTerminalDev, _nextDev);
    }

    public int BatchSize { get; }

    /// <summary>
    /// Samples a batch from <paramref name="replay"/> (doubled with its mirror image when <paramref name="mirror"/>
    /// is given) and returns tensor views of it on the device. The views stay valid until the next call.
    /// </summary>
    public (Tensor S, Tensor A, Tensor R, Tensor NotTerminal, Tensor Next) Sample(ReplayBuffer replay, Xoshiro256 rng, (MirrorMap, MirrorMap)? mirror)
    {
        replay.Sample(rng, BatchSize, _obs, _act, _rew, _notTerminal, _next, mirror);
        if (!_onCpu)
        {
            _obsDev.copy_(_obsCpu);
            _nextDev.copy_(_nextCpu);
            _actDev.copy_(_actCpu);
            _rewDev.copy_(_rewCpu);
            _notTerminalDev.copy_(_notTerminalCpu);
        }
        return mirror is null ? _plain : _doubled;
    }

    /// <summary>The last batch's observations as rows on the CPU (for tests and checks).</summary>
    public ReadOnlySpan<float> Observations => _obs;

    public void Dispose()
    {
        foreach (var t in new[] { _plain.S, _plain.A, _plain.R, _plain.NotTerminal, _plain.Next })
            t.Dispose();
        if (!_onCpu)
            foreach (var t in new[] { _obsDev, _actDev, _rewDev, _notTerminalDev, _nextDev }) t.Dispose();
        foreach (var t in new[] { _obsCpu, _actCpu, _rewCpu, _notTerminalCpu, _nextCpu }) t.Dispose();
    }
}
