using RL.Core.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace RL.Core.Optimization;

/// <summary>
/// Conjugate gradient for A x = b with A symmetric positive definite, given only the product v ↦ A v (TRPO's
/// Fisher-vector product: Schulman et al. 2015, appendix C; Nocedal and Wright 2006, algorithm 5.2). Stops after
/// <c>iterations</c> steps or when the squared residual falls below <c>residualTolerance</c>, as baselines' cg does.
/// </summary>
public static class ConjugateGradient
{
    public static Tensor Solve(Func<Tensor, Tensor> multiply, Tensor b, int iterations, double residualTolerance = 1e-10)
    {
        // No grad mode here: TRPO's product differentiates twice inside multiply, so it sets its own.
        var x = torch.zeros_like(b);
        using var r = b.clone();
        using var p = b.clone();
        double rr = r.dot(r).ToDouble();
        for (int i = 0; i < iterations && rr >= residualTolerance; i++)
        {
            using var scope = torch.NewDisposeScope();
            var ap = multiply(p);
            double pAp = p.dot(ap).ToDouble();
            if (!(pAp > 0)) break;
            using var alpha = (rr / pAp).ToScalar();
            x.add_(p, alpha);
            using (var negative = (-(rr / pAp)).ToScalar()) r.add_(ap, negative);
            double next = r.dot(r).ToDouble();
            using var beta = (next / rr).ToScalar();
            p.mul_(beta).add_(r, OwnedScalars.One);
            rr = next;
        }
        return x;
    }
}
