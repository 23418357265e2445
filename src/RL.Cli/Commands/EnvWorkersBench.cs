using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RL.Cli.Benchmarks;
using RL.Core.Networks;
using RL.Envs;
using RL.Envs.Random;
using RL.Envs.Remote;
using RL.Envs.Server;
using RL.Envs.Server.Fakes;
using RL.Envs.Vector;
using TorchSharp;

namespace RL.Cli.Commands;

/// <summary>
/// Env throughput through env servers against in-process stepping with the same number of threads, measured in the
/// same run and interleaved (in-process, served, in-process, ...), so machine load hits both alike; medians of the
/// repeats. The served side is the real thing: server processes started by a worker pool (stepped through their local
/// step channel or the gRPC stream, --local-transport), or remote endpoints, one sampler thread per group.
/// </summary>
public static class EnvWorkersBench
{
    /// <summary>The options of the --workers path of `rl bench env`, added to that command, and its entry point.</summary>
    public sealed class CommandOptions
    {
        private readonly Option<int?> _workers = new("--workers") { Description = "Env server processes, one sampler thread each; compared with as many in-process threads (the served-env benchmark)." };
        private readonly Option<int> _envsPerWorker = new("--envs-per-worker") { Description = "With --workers: envs per server (and per in-process thread), stepped as one batch.", DefaultValueFactory = _ => 16 };
        private readonly Option<int> _batches = new("--batches-per-server") { Description = "With --workers: batches each server's envs are split into, one sampler thread each, so one batch steps while the other's reply is handled (env.batches_per_server); 1, the default as for training, is lock-step.", DefaultValueFactory = _ => 1 };
        private readonly Option<string> _transport = new("--local-transport") { Description = "With --workers and local servers: how steps travel, socket (each server's local step channel; the default, as env.local_transport) or grpc (the Step stream).", DefaultValueFactory = _ => "socket" };
        private readonly Option<string?> _policy = new("--policy") { Description = "With --workers: a DDPG run config whose ddpg.actor (fresh weights) acts on every batch on both sides, so the figures include inference." };
        private readonly Option<string?> _env = new("--env") { Description = "Env id (default: L2R). Without --workers an env other than L2R is timed in process on one thread (e.g. --env Hopper)." };
        private readonly Option<string[]> _options = new("--option") { Description = "With --workers: env option key=value (repeatable), e.g. --option difficulty=2." };
        private readonly Option<double> _seconds = new("--seconds") { Description = "With --workers: length of each measurement.", DefaultValueFactory = _ => 3 };
        private readonly Option<int> _repeats = new("--repeats") { Description = "With --workers: measurements of each kind, interleaved; medians are reported.", DefaultValueFactory = _ => 5 };
        private readonly Option<double> _warmup = new("--warmup") { Description = "With --workers: seconds of stepping on each side before measuring (JIT tiering in the client and the servers).", DefaultValueFactory = _ => 3 };
        private readonly EnvWorkerOptions _pool = new();

        public CommandOptions(Command command)
        {
            foreach (var o in new Option[] { _workers, _envsPerWorker, _batches, _transport, _policy, _env, _options, _seconds, _repeats, _warmup }) command.Options.Add(o);
            _pool.AddTo(command, withServerCount: false);
        }

        public bool Requested(ParseResult parse) => parse.GetValue(_workers) is not null;

        /// <summary>The --env value, or null when not given (the one-thread path times L2R then).</summary>
        public string? EnvId(ParseResult parse) => parse.GetValue(_env);

        public int Run(ParseResult parse)
        {
            try
            {
                var settings = new Settings
                {
                    EnvId = parse.GetValue(_env) ?? DefaultEnv(),
                    EnvOptions = EnvWorkerOptions.ParseEnvOptions(parse.GetValue(_options)),
                    Workers = parse.GetValue(_workers) ?? 1,
                    EnvsPerWorker = parse.GetValue(_envsPerWorker),
                    BatchesPerServer = parse.GetValue(_batches),
                    LocalTransport = parse.GetValue(_transport)!,
                    Policy = LoadPolicy(parse.GetValue(_policy)),
                    Duration = TimeSpan.FromSeconds(parse.GetValue(_seconds)),
                    Repeats = parse.GetValue(_repeats),
                    Warmup = TimeSpan.FromSeconds(parse.GetValue(_warmup)),
                };
                settings.Validate();
                var poolOptions = _pool.Build(parse, settings.EnvId, settings.EnvOptions, settings.EnvsPerWorker, masterSeed: 1, localServers: settings.Workers);
                // The fault env stands in for L2R here, and local servers serve it only when told to (issue 10, part 5).
                if (settings.EnvId == EnvCatalog.FaultEnvId && !poolOptions.IsRemote)
                    poolOptions = poolOptions with { ServerCommand = ServerCommand.CurrentProcess().With("--allow-test-envs") };
                // Ctrl-C ends the process; the pool's exit hook and the servers' stdin watch leave no server behind.
                return RunAsync(settings, poolOptions, Console.Out, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"rl bench env: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"rl bench env: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (EnvFleetFailedException e)
            {
                Console.Error.WriteLine($"rl bench env: environment failure: {e.Message}");
                return ExitCodes.EnvFailure;
            }
        }
    }

    /// <summary>Per-step CPU cost of the fault env when it stands in for L2R (the faithful L2R env costs ~50-100 µs).</summary>
    public const double StandInMicroseconds = 75;

    public sealed record Settings
    {
        public required string EnvId { get; init; }
        public Dictionary<string, string> EnvOptions { get; init; } = new();
        public int Workers { get; init; } = 1;
        public int EnvsPerWorker { get; init; } = 16;
        public int BatchesPerServer { get; init; } = 1;

        /// <summary>"socket" or "grpc": how steps reach local servers (env.local_transport).</summary>
        public string LocalTransport { get; init; } = "socket";

        /// <summary>The actor that acts on every batch (--policy), or null for fixed random actions.</summary>
        public ActorNetworkConfig? Policy { get; init; }
        public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(3);
        public int Repeats { get; init; } = 5;
        public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

        public void Validate()
        {
            if (Workers < 1) throw new ArgumentException($"--workers {Workers} must be at least 1.");
            if (EnvsPerWorker < 1) throw new ArgumentException($"--envs-per-worker {EnvsPerWorker} must be at least 1.");
            if (BatchesPerServer < 1 || BatchesPerServer > EnvsPerWorker)
                throw new ArgumentException($"--batches-per-server {BatchesPerServer} must be between 1 and --envs-per-worker ({EnvsPerWorker}).");
            if (LocalTransport is not ("socket" or "grpc")) throw new ArgumentException($"--local-transport '{LocalTransport}' must be socket or grpc.");
            if (Duration <= TimeSpan.Zero) throw new ArgumentException("--seconds must be positive.");
            if (Repeats < 1) throw new ArgumentException($"--repeats {Repeats} must be at least 1.");
            // Frame skip is an env option like any other (--option frame_skip=4), checked as a run config checks it.
            if (GenericEnvOptions.FrameSkipProblem(EnvOptions) is string why) throw new ArgumentException($"--option {GenericEnvOptions.FrameSkip}: {why}");
        }
    }

    /// <summary>The ddpg.actor of the run config at <paramref name="path"/>; a config error names the file and key.</summary>
    private static ActorNetworkConfig? LoadPolicy(string? path)
    {
        if (path is null) return null;
        try
        {
            var config = RL.Algorithms.Training.RunConfigLoader.Load(path, Array.Empty<string>());
            if (config.Algorithm != RL.Algorithms.AlgorithmKind.Ddpg)
                throw new ArgumentException($"--policy {path}: algorithm {RL.Core.Config.ConfigNaming.EnumName(config.Algorithm)}; the benchmark runs a DDPG actor (give a ddpg config).");
            // Inference runs on the sampler threads, one torch thread each, as in training with torch_threads 1.
            torch.set_num_threads(1);
            return config.Ddpg.Actor;
        }
        catch (RL.Core.Config.ConfigException e)
        {
            throw new ArgumentException($"--policy {path}: {e.Message}", e);
        }
    }

    public static string DefaultEnv() => EnvCatalog.Create().Ids.Contains("L2R") ? "L2R" : "Fault";

    /// <summary>The fault env as an L2R stand-in: L2R's sizes and a CPU burn of about <see cref="StandInMicroseconds"/> per step.</summary>
    private static Settings WithStandInCost(Settings s, TextWriter output)
    {
        if (s.EnvId != "Fault" || s.EnvOptions.ContainsKey("work")) return s;
        // Calibrated here, once, so the stand-in costs what L2R would on this machine; both sides use the same value.
        // The fastest of many short probes is the uncontended speed (a probe that lost its core only looks slower).
        FaultEnv.BurnCpu(200_000);
        const int probe = 20_000;
        double best = double.MaxValue;
        for (int i = 0; i < 200; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            FaultEnv.BurnCpu(probe);
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalNanoseconds);
        }
        double nsPerIteration = best / probe;
        int work = (int)(StandInMicroseconds * 1000 / nsPerIteration);
        var options = new Dictionary<string, string>(s.EnvOptions) { ["work"] = work.ToString(CultureInfo.InvariantCulture) };
        options.TryAdd("obs_size", "41");
        options.TryAdd("action_size", "18");
        output.WriteLine($"env Fault stands in for L2R (not in this build): 41 observations, 18 actions, work={work} (~{StandInMicroseconds:F0} µs of CPU per step at {nsPerIteration:F2} ns per iteration).");
        return s with { EnvOptions = options };
    }

    public static async Task<int> RunAsync(Settings settings, RemoteEnvOptions poolOptions, TextWriter output, CancellationToken ct)
    {
        settings = WithStandInCost(settings, output);
        poolOptions = poolOptions with { EnvOptions = settings.EnvOptions, ServerThreads = poolOptions.IsRemote ? 0 : 1, BatchesPerServer = settings.BatchesPerServer,
            LocalTransport = settings.LocalTransport == "grpc" ? LocalTransport.Grpc : LocalTransport.Socket };
        await using var pool = await EnvWorkerPool.StartAsync(poolOptions, ct);
        int workers = pool.Groups.Count / settings.BatchesPerServer;
        using var local = new InProcess(settings, workers);
        using var remote = new Remote(pool, settings.Policy);
        string where = poolOptions.IsRemote ? $"{workers} remote servers, grpc" : $"{workers} local servers, {settings.LocalTransport}";
        output.WriteLine($"rl bench env --workers {workers} --envs-per-worker {settings.EnvsPerWorker} --batches-per-server {settings.BatchesPerServer}: env {settings.EnvId}, frame skip {settings.EnvOptions.GetValueOrDefault(GenericEnvOptions.FrameSkip, "1")}, " +
                         $"{settings.Repeats} × {settings.Duration.TotalSeconds:F0} s each, interleaved; {Environment.ProcessorCount} cores, load average {LoadAverage()} " +
                         "(other processes competing for the cores skew both figures, and not alike).");
        local.Measure(settings.Warmup, ct);
        remote.Measure(settings.Warmup, ct);

        output.WriteLine($"{"repeat",6}  {$"in-process ({workers} threads)",24}  {$"served ({where})",34}  {"ratio",6}  {"p50",8}  {"p99",8}  {"server",8}  {"alloc/req",9}");
        var rows = new List<(double Local, double Grpc, double P50, double P99, double Server, double Alloc)>();
        var stepCosts = new List<(double Local, double Served)>();
        var breakdowns = new List<RequestBreakdown>();
        for (int r = 1; r <= settings.Repeats; r++)
        {
            double l = local.Measure(settings.Duration, ct);
            var g = remote.Measure(settings.Duration, ct);
            rows.Add((l, g.StepsPerSecond, g.P50, g.P99, g.ServerShare, g.AllocatedPerRequest));
            stepCosts.Add((local.LastMicrosecondsPerStep, remote.LastServerMicrosecondsPerStep));
            breakdowns.Add(remote.LastBreakdown);
            output.WriteLine($"{r,6}  {l,18:N0} st/s  {g.StepsPerSecond,28:N0} st/s  {g.StepsPerSecond / l,6:F2}  {Ms(g.P50),8}  {Ms(g.P99),8}  {g.ServerShare,7:P0}  {g.AllocatedPerRequest,7:N0} B");
        }
        double ml = Median(rows.Select(x => x.Local)), mg = Median(rows.Select(x => x.Grpc));
        output.WriteLine($"{"median",6}  {ml,18:N0} st/s  {mg,28:N0} st/s  {mg / ml,6:F2}  {Ms(Median(rows.Select(x => x.P50))),8}  {Ms(Median(rows.Select(x => x.P99))),8}  " +
                         $"{Median(rows.Select(x => x.Server)),7:P0}  {Median(rows.Select(x => x.Alloc)),7:N0} B");
        output.WriteLine($"Served throughput ({where}) is {mg / ml:P0} of in-process with {workers} threads. p50/p99: client round trip of one batch request; " +
                         "server: share of the round trip the server spent stepping; alloc/req: client-side managed allocation per request.");
        output.WriteLine($"Wall time per env step on one thread (median): {Median(stepCosts.Select(c => c.Local)):F1} µs in process, {Median(stepCosts.Select(c => c.Served)):F1} µs inside the servers " +
                         "(both include waiting for a core when the machine is busy).");
        double M(Func<RequestBreakdown, double> f) => Median(breakdowns.Select(f)) * 1e6;
        double batch = settings.EnvsPerWorker / (double)settings.BatchesPerServer;
        output.WriteLine($"Where a request of {batch:0.#} envs goes (medians, µs per request): round trip {M(b => b.RoundTrip):F0} = server stepping {M(b => b.ServerStepping):F0} " +
                         $"+ client copies {M(b => b.ClientCopy):F0} + transport and queueing {M(b => b.RoundTrip - b.ServerStepping - b.ClientCopy):F0}. " +
                         $"CPU per request: servers {M(b => b.ServerCpu):F0} (so {M(b => b.ServerCpu - b.ServerStepping):F0} besides stepping), client {M(b => b.ClientCpu):F0}; " +
                         $"in process the same {batch:0.#} env steps take {Median(stepCosts.Select(c => c.Local)) * batch:F0}" +
                         (settings.Policy is null ? "." : $"; the policy's forward pass, outside the round trip: {M(b => b.Policy):F0} per request (client CPU includes it)."));
        output.WriteLine($"load average at the end: {LoadAverage()}; {pool.Stats}");
        return ExitCodes.Ok;
    }

    /// <summary>Seconds per request: client round trip, the server's stepping, the client's copies, the CPU the servers and the client used, and the policy's forward pass (0 without --policy).</summary>
    public readonly record struct RequestBreakdown(double RoundTrip, double ServerStepping, double ClientCopy, double ServerCpu, double ClientCpu, double Policy);

    /// <summary>User + system CPU seconds of process <paramref name="pid"/> (Linux /proc; NaN elsewhere or when it is gone).</summary>
    private static double CpuSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces) in parentheses: utime and stime are 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // In clock ticks of USER_HZ, which the Linux ABI fixes at 100 per second (proc(5)).
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }

    /// <summary>The 1-minute load average (Linux), so a reader can tell a quiet machine from a busy one.</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "unknown"; }
    }

    private static string Ms(double seconds) => seconds >= 1e-3 ? $"{seconds * 1e3:F2}ms" : $"{seconds * 1e6:F0}µs";

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Runs <paramref name="body"/> on one dedicated thread per worker, released together; returns when all are done.</summary>
    private static void OnThreads(int count, Action<int> body)
    {
        using var start = new Barrier(count);
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            body(i);
        }) { IsBackground = true, Name = $"bench worker {i}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
    }

    private static float[] Actions(EnvSpec spec, int envs, int seed)
    {
        var rng = new Xoshiro256((ulong)seed);
        var a = new float[envs * spec.ActionSize];
        for (int i = 0; i < a.Length; i++)
        {
            float lo = spec.ActionSpace.Low[i % spec.ActionSize], hi = spec.ActionSpace.High[i % spec.ActionSize];
            a[i] = float.IsFinite(lo) && float.IsFinite(hi) ? (float)rng.Uniform(lo, hi) : (float)rng.Uniform(-1, 1);
        }
        return a;
    }

    /// <summary>W threads, each stepping its own SyncVectorEnv of K envs one after another: no transport at all.</summary>
    private sealed class InProcess : IDisposable
    {
        private readonly SyncVectorEnv[] _envs;
        private readonly VectorStepResult[] _results;
        private readonly float[][] _actions;
        private readonly BenchPolicy[]? _policies;

        public InProcess(Settings s, int workers)
        {
            var registry = EnvCatalog.Create(allowTestEnvs: s.EnvId == EnvCatalog.FaultEnvId);
            var options = s.EnvOptions;
            _envs = Enumerable.Range(0, workers).Select(_ => new SyncVectorEnv(Enumerable.Range(0, s.EnvsPerWorker).Select(_ => registry.Create(s.EnvId, options, "--option")).ToArray())).ToArray();
            var spec = _envs[0].Spec;
            _results = _envs.Select(e => new VectorStepResult(e.NumEnvs, spec.ObservationSize)).ToArray();
            _actions = _envs.Select((e, i) => Actions(spec, e.NumEnvs, i)).ToArray();
            _policies = s.Policy is { } actor ? _envs.Select((_, w) => new BenchPolicy(actor, spec, _results[w].Observations, _actions[w])).ToArray() : null;
            for (int w = 0; w < workers; w++)
                _envs[w].Reset(Enumerable.Range(0, s.EnvsPerWorker).Select(i => SeedSequence.DeriveEnvSeed(1, "bench", w * s.EnvsPerWorker + i)).ToArray(), new float[s.EnvsPerWorker * spec.ObservationSize]);
        }

        public double Measure(TimeSpan duration, CancellationToken ct)
        {
            var steps = new long[_envs.Length];
            var elapsed = new double[_envs.Length];
            OnThreads(_envs.Length, w =>
            {
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < duration && !ct.IsCancellationRequested)
                {
                    _policies?[w].Act();
                    _envs[w].Step(_actions[w], _results[w]);
                    steps[w] += _envs[w].NumEnvs;
                }
                elapsed[w] = watch.Elapsed.TotalSeconds;
            });
            ct.ThrowIfCancellationRequested();
            LastMicrosecondsPerStep = elapsed.Sum() / Math.Max(1, steps.Sum()) * 1e6;
            return steps.Sum() / elapsed.Max();
        }

        /// <summary>Thread time per env step in the last measurement, µs.</summary>
        public double LastMicrosecondsPerStep { get; private set; }

        public void Dispose()
        {
            foreach (var e in _envs) e.Dispose();
            foreach (var p in _policies ?? Array.Empty<BenchPolicy>()) p.Dispose();
        }
    }

    /// <summary>One sampler thread per group of the pool (one per batch: B per server), each stepping its batch in lock-step.</summary>
    private sealed class Remote : IDisposable
    {
        private readonly EnvWorkerPool _pool;
        private readonly VectorStepResult[] _results;
        private readonly float[][] _actions;
        private readonly double[][] _latencies;
        private readonly BenchPolicy[]? _policies;
        private bool _reset;

        /// <summary>Server-side stepping time per env step in the last measurement (no transport), µs.</summary>
        public double LastServerMicrosecondsPerStep { get; private set; }

        /// <summary>Where the last measurement's requests spent their time, per request (seconds).</summary>
        public RequestBreakdown LastBreakdown { get; private set; }

        public Remote(EnvWorkerPool pool, ActorNetworkConfig? policy)
        {
            _pool = pool;
            _results = pool.Groups.Select(g => new VectorStepResult(g.NumEnvs, g.Spec.ObservationSize)).ToArray();
            _actions = pool.Groups.Select((g, i) => Actions(g.Spec, g.NumEnvs, i)).ToArray();
            _latencies = pool.Groups.Select(_ => new double[1 << 20]).ToArray();
            _policies = policy is null ? null : pool.Groups.Select((g, i) => new BenchPolicy(policy, g.Spec, _results[i].Observations, _actions[i])).ToArray();
        }

        public void Dispose()
        {
            foreach (var p in _policies ?? Array.Empty<BenchPolicy>()) p.Dispose();
        }

        public (double StepsPerSecond, double P50, double P99, double ServerShare, double AllocatedPerRequest) Measure(TimeSpan duration, CancellationToken ct)
        {
            var groups = _pool.Groups;
            if (!_reset)
            {
                foreach (var g in groups)
                    g.Reset(Enumerable.Range(0, g.NumEnvs).Select(i => SeedSequence.DeriveEnvSeed(1, "bench", g.Index * g.NumEnvs + i)).ToArray(), new float[g.NumEnvs * g.Spec.ObservationSize]);
                _reset = true;
            }
            var steps = new long[groups.Count];
            var requests = new int[groups.Count];
            var elapsed = new double[groups.Count];
            double serverBefore = groups.Sum(g => g.ServerStepSeconds);
            double copyBefore = groups.Sum(g => g.ClientCopySeconds);
            double policyBefore = _policies?.Sum(p => p.Seconds) ?? 0;
            var pids = _pool.ServerProcessIds;
            double serverCpuBefore = pids.Sum(CpuSeconds);
            var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            long allocatedBefore = GC.GetTotalAllocatedBytes(false);
            OnThreads(groups.Count, w =>
            {
                var group = groups[w];
                var latencies = _latencies[w];
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < duration && !ct.IsCancellationRequested)
                {
                    _policies?[w].Act();
                    long t0 = Stopwatch.GetTimestamp();
                    try
                    {
                        group.Step(_actions[w], _results[w]);
                    }
                    catch (EnvWorkerLostException)
                    {
                        group.Reset(ReadOnlySpan<long>.Empty, _results[w].Observations);
                        continue;
                    }
                    if (requests[w] < latencies.Length) latencies[requests[w]] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    requests[w]++;
                    steps[w] += group.NumEnvs;
                }
                elapsed[w] = watch.Elapsed.TotalSeconds;
            });
            ct.ThrowIfCancellationRequested();
            long allocated = GC.GetTotalAllocatedBytes(false) - allocatedBefore;
            var all = _latencies.SelectMany((l, w) => l.Take(Math.Min(requests[w], l.Length))).OrderBy(x => x).ToArray();
            double Percentile(double q) => all.Length == 0 ? double.NaN : all[Math.Clamp((int)Math.Ceiling(q * all.Length) - 1, 0, all.Length - 1)];
            double server = groups.Sum(g => g.ServerStepSeconds) - serverBefore;
            double perRequest = 1.0 / Math.Max(1, requests.Sum());
            // Server CPU only when the same servers ran the whole measurement (a replaced one restarts its count).
            double serverCpu = _pool.ServerProcessIds.SequenceEqual(pids) ? pids.Sum(CpuSeconds) - serverCpuBefore : double.NaN;
            LastBreakdown = new RequestBreakdown(all.Sum() * perRequest, server * perRequest, (groups.Sum(g => g.ClientCopySeconds) - copyBefore) * perRequest,
                serverCpu * perRequest, (Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore).TotalSeconds * perRequest,
                ((_policies?.Sum(p => p.Seconds) ?? 0) - policyBefore) * perRequest);
            LastServerMicrosecondsPerStep = server / Math.Max(1, steps.Sum()) * 1e6;
            return (steps.Sum() / elapsed.Max(), Percentile(0.5), Percentile(0.99), server / all.Sum(), allocated / (double)Math.Max(1, requests.Sum()));
        }
    }
}
