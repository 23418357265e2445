using Mono.Cecil;
using Mono.Cecil.Cil;

namespace RL.Cli.Tests;

/// <summary>
/// Issue 10 (1): TorchSharp 0.107.0 lets the finalizer free an implicitly converted <c>Scalar</c> (or <c>Tensor</c>)
/// while the native call that received its handle still reads it (dotnet/TorchSharp#1434, #1496): a training run
/// then dies at random with "Expected false to be true ... toFloat". The rule for our code is that every Scalar a
/// native call reads is owned by the caller (a field or a <c>using</c> local). This test reads the compiled IL of
/// every RL assembly and fails on any call site that breaks it:
/// <list type="bullet">
/// <item>an implicit conversion to <c>Scalar</c> or <c>Tensor</c> in our code (<c>x.mul(0.5)</c>, <c>t + 1</c>);</item>
/// <item>a call to a TorchSharp method that makes such a conversion itself, directly or through the TorchSharp
/// methods it calls (<c>add_(Tensor)</c> passes its own <c>alpha = 1</c>, <c>square()</c> is <c>pow(2)</c>,
/// <c>optim.Adam.step</c>), found by reading TorchSharp's own IL, so a new TorchSharp version is checked too;</item>
/// <item>a TorchSharp module whose <c>forward</c> does so (<c>nn.ELU()</c>, <c>nn.SELU()</c>, <c>nn.LeakyReLU</c>):
/// it is called through <c>Module.forward</c>, so the call site itself looks harmless.</item>
/// </list>
/// </summary>
public class TorchCallSiteScanTests
{
    private const string ScalarType = "TorchSharp.Scalar";
    private const string TensorType = "TorchSharp.torch/Tensor";
    private const string ModuleType = "TorchSharp.torch/nn/Module";

    /// <summary>
    /// Call sites allowed on purpose, each with its reason. `rl bench agent` measures our DDPG update against a
    /// bare TorchSharp loop (TorchSharp's own Adam and modules): that comparison is its job, and it is no training,
    /// evaluation or env path.
    /// </summary>
    private static readonly string[] AllowedCallers =
    {
        "RL.Cli.Benchmarks.BareDdpgLoop",
    };

    [Test]
    public void NoRlAssemblyDependsOnAnImplicitlyConvertedScalarStayingAlive()
    {
        var scan = new TorchSharpScan(AppContext.BaseDirectory);
        Assert.That(scan.ConvertingMethodCount, Is.GreaterThan(50),
            "the scan of TorchSharp found the methods that convert implicitly (add_(Tensor), square(), ...); if this drops to 0 the scan is broken");
        Assert.That(scan.IsConverting("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::square()"), Is.True, "square() is pow(2): the scan must see it");
        Assert.That(scan.IsConverting("TorchSharp.torch/Tensor TorchSharp.torch/Tensor::add_(TorchSharp.torch/Tensor)"), Is.True, "add_(Tensor) passes alpha = 1");
        Assert.That(scan.ConvertingModules, Does.Contain("TorchSharp.Modules.ELU"), "nn.ELU's forward converts its alpha");

        var violations = new List<string>();
        var ours = Directory.GetFiles(AppContext.BaseDirectory, "RL.*.dll").Append(Path.Combine(AppContext.BaseDirectory, "rl.dll"))
            .Where(p => !Path.GetFileName(p).Contains(".Tests", StringComparison.Ordinal) && !Path.GetFileName(p).StartsWith("RL.Testing", StringComparison.Ordinal))
            .ToList();
        Assert.That(ours.Select(Path.GetFileName), Does.Contain("RL.Core.dll").And.Contain("RL.Algorithms.dll").And.Contain("rl.dll"));
        foreach (string path in ours) violations.AddRange(scan.Violations(path, AllowedCallers));
        Assert.That(violations, Is.Empty,
            "TorchSharp call sites that depend on an implicitly converted Scalar or Tensor staying alive during a native call " +
            "(dotnet/TorchSharp#1434): hold the Scalar in a field or a using local and pass the overload that takes it, or use " +
            "RL.Core.Networks activations instead of TorchSharp's:\n  " + string.Join("\n  ", violations));
    }

    [Test]
    public void TheScanCatchesEachKindOfViolation()
    {
        var scan = new TorchSharpScan(AppContext.BaseDirectory);
        var found = scan.Violations(typeof(TorchCallSiteScanTests).Assembly.Location, Array.Empty<string>())
            .Where(v => v.Contains(nameof(ScanSamples), StringComparison.Ordinal)).ToList();
        Assert.That(found.Count(v => v.Contains("ImplicitScalar", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", found));
        Assert.That(found.Count(v => v.Contains("ConvertingOverload", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", found));
        Assert.That(found.Count(v => v.Contains("ConvertingModule", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", found));
        Assert.That(found.Any(v => v.Contains("HeldScalar", StringComparison.Ordinal)), Is.False, string.Join("\n", found));
    }

    /// <summary>One method per kind of call site; only compiled and scanned, never run.</summary>
    private static class ScanSamples
    {
        public static TorchSharp.torch.Tensor ImplicitScalar(TorchSharp.torch.Tensor t) => t.mul(0.5);
        public static TorchSharp.torch.Tensor ConvertingOverload(TorchSharp.torch.Tensor t) => t.square();
        public static object ConvertingModule() => TorchSharp.torch.nn.ELU();

        public static TorchSharp.torch.Tensor HeldScalar(TorchSharp.torch.Tensor t, TorchSharp.Scalar half) => t.mul(half);
    }

    /// <summary>TorchSharp's methods and modules that convert implicitly, and the scan of an assembly's call sites against them.</summary>
    private sealed class TorchSharpScan
    {
        private readonly DefaultAssemblyResolver _resolver = new();
        private readonly HashSet<string> _converting = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _why = new(StringComparer.Ordinal);

        public TorchSharpScan(string directory)
        {
            _resolver.AddSearchDirectory(directory);
            var torch = AssemblyDefinition.ReadAssembly(Path.Combine(directory, "TorchSharp.dll"), new ReaderParameters { AssemblyResolver = _resolver });
            var methods = torch.MainModule.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
            var callers = new Dictionary<string, List<MethodDefinition>>(StringComparer.Ordinal);
            var pending = new Queue<MethodDefinition>();
            foreach (var method in methods)
                foreach (var callee in Callees(method))
                {
                    if (IsConversion(callee) || IsUnheldScalar(callee))
                    {
                        if (_converting.Add(method.FullName))
                        {
                            _why[method.FullName] = $"converts with {callee.DeclaringType.Name}.{callee.Name}";
                            pending.Enqueue(method);
                        }
                    }
                    else if (callee.DeclaringType.Scope.Name.StartsWith("TorchSharp", StringComparison.Ordinal))
                    {
                        string key = Key(callee);
                        if (!callers.TryGetValue(key, out var list)) callers[key] = list = new List<MethodDefinition>();
                        list.Add(method);
                    }
                }
            // Whatever calls a converting method converts too (add(Tensor) → add(Tensor, Scalar alpha = 1) ...).
            while (pending.TryDequeue(out var method))
                if (callers.TryGetValue(method.FullName, out var list))
                    foreach (var caller in list)
                        if (_converting.Add(caller.FullName))
                        {
                            _why[caller.FullName] = $"calls {method.DeclaringType.Name}::{method.Name}, which {_why[method.FullName]}";
                            pending.Enqueue(caller);
                        }
            foreach (var type in torch.MainModule.GetTypes())
                if (DerivesFrom(type, ModuleType) && ForwardMethods(type).FirstOrDefault(m => _converting.Contains(m.FullName)) is { } forward)
                {
                    ConvertingModules.Add(type.FullName);
                    _why[type.FullName] = $"its forward {_why[forward.FullName]}";
                }
        }

        public int ConvertingMethodCount => _converting.Count;
        public HashSet<string> ConvertingModules { get; } = new(StringComparer.Ordinal);
        public bool IsConverting(string fullName) => _converting.Contains(fullName);

        /// <summary>Every call site in <paramref name="assemblyPath"/> that converts, calls a converting method or builds a converting module.</summary>
        public IEnumerable<string> Violations(string assemblyPath, IReadOnlyCollection<string> allowedCallers)
        {
            using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath, new ReaderParameters { AssemblyResolver = _resolver });
            foreach (var type in assembly.MainModule.GetTypes())
            {
                if (allowedCallers.Any(a => type.FullName == a || type.FullName.StartsWith(a + "/", StringComparison.Ordinal))) continue;
                foreach (var method in type.Methods.Where(m => m.HasBody))
                    foreach (var callee in Callees(method))
                    {
                        string where = $"{type.FullName}::{method.Name}";
                        if (IsConversion(callee))
                        {
                            yield return $"{where}: implicit {callee.ReturnType.Name} from {callee.Parameters[0].ParameterType.Name}";
                            continue;
                        }
                        if (!callee.DeclaringType.Scope.Name.StartsWith("TorchSharp", StringComparison.Ordinal)) continue;
                        string key = Key(callee);
                        if (_converting.Contains(key))
                            yield return $"{where}: {callee.DeclaringType.Name}::{callee.Name}({string.Join(", ", callee.Parameters.Select(p => p.ParameterType.Name))}) {_why[key]}";
                        else if (ConvertingModules.Contains(callee.ReturnType.FullName))
                            yield return $"{where}: builds {callee.ReturnType.FullName}, {_why[callee.ReturnType.FullName]}";
                        else if (callee.Name == ".ctor" && ConvertingModules.Contains(callee.DeclaringType.FullName))
                            yield return $"{where}: builds {callee.DeclaringType.FullName}, {_why[callee.DeclaringType.FullName]}";
                    }
            }
        }

        private static IEnumerable<MethodReference> Callees(MethodDefinition method)
        {
            foreach (var instruction in method.Body.Instructions)
                if (instruction.OpCode.Code is Code.Call or Code.Callvirt or Code.Newobj or Code.Ldftn or Code.Ldvirtftn
                    && instruction.Operand is MethodReference callee)
                    yield return callee;
        }

        /// <summary>An implicit operator that makes a native Scalar or Tensor from a .NET value.</summary>
        private static bool IsConversion(MethodReference callee)
        {
            string declaring = callee.DeclaringType.FullName;
            return callee.Name == "op_Implicit" && (declaring == ScalarType || declaring == TensorType) && callee.ReturnType.FullName == declaring;
        }

        /// <summary>
        /// Inside TorchSharp an explicit ToScalar() is just as unowned (linalg.vector_norm passes ord.ToScalar().Handle);
        /// in our code ToScalar() is how a Scalar is made to be held.
        /// </summary>
        private static bool IsUnheldScalar(MethodReference callee) =>
            callee.Name == "ToScalar" && callee.DeclaringType.FullName == "TorchSharp.ScalarExtensionMethods";

        private static string Key(MethodReference callee)
        {
            var element = callee is GenericInstanceMethod generic ? generic.ElementMethod : callee;
            try
            {
                return element.Resolve()?.FullName ?? element.FullName;
            }
            catch (AssemblyResolutionException)
            {
                return element.FullName;
            }
        }

        private static bool DerivesFrom(TypeDefinition type, string baseName)
        {
            for (var t = type.BaseType; t is not null;)
            {
                var element = t is GenericInstanceType g ? g.ElementType : t;
                if (element.FullName == baseName) return true;
                TypeDefinition? definition;
                try
                {
                    definition = element.Resolve();
                }
                catch (AssemblyResolutionException)
                {
                    return false;
                }
                t = definition?.BaseType;
            }
            return false;
        }

        private static IEnumerable<MethodDefinition> ForwardMethods(TypeDefinition type)
        {
            for (TypeDefinition? t = type; t is not null && t.FullName != ModuleType;)
            {
                foreach (var m in t.Methods.Where(m => m.Name == "forward" && m.HasBody)) yield return m;
                var b = t.BaseType is GenericInstanceType g ? g.ElementType : t.BaseType;
                t = b?.Resolve();
            }
        }
    }
}
