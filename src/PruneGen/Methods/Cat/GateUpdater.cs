using PruneGen.Gates;
using PruneGen.Structure;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Cat;

/// <summary>
/// One CAT training step on any generated network: per-example Bernoulli gates, a weight step by the
/// given optimizer, and the projected θ step θ ← clip01(θ − η_θ (ĝ + γ)).
/// <para>
/// ĝ per unit (or block) is built from the per-example ∂loss_b/∂ξ_{b,u}: the sampled ξ are leaves, so
/// one backward pass gives every per-example derivative (the tangent; summing the derivatives of the
/// batch-mean loss is their batch average), and the default estimator adds each example's
/// second-order term (<see cref="ThetaEstimator"/>). γ comes from the closed-form expectations the generator
/// emits: C(θ) = β E[MACs]/MACs_full + (1−β) E[Params]/Params_full, γ_unit = 2(1−α) ν ∂C/∂θ_unit,
/// γ_block = 2α ν ∂C/∂θ_block, recomputed every step (autograd through the closed form), times the MACs
/// target's pressure when there is one (<see cref="CatOptions.MacsReduction"/>).
/// </para>
/// </summary>
public sealed class GateUpdater
{
    private readonly double _fullMacs;
    private readonly double _fullParams;

    public GateUpdater(CatOptions options, NetworkStructure structure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(structure);
        options.Validate();
        Options = options;
        // Normalised by the full network as declared, so C means the same before and after slimming.
        _fullMacs = CostModel.FullMacs(structure);
        _fullParams = CostModel.FullParams(structure);
    }

    public CatOptions Options { get; }

    /// <summary>Gate names whose θ no step may change (pinned units).</summary>
    public ISet<string> Frozen { get; } = new HashSet<string>();

    /// <summary>
    /// The factor on γ at the last γ computation (1 without a MACs target; see <see cref="CatOptions.MacsReduction"/>).
    /// </summary>
    public double LastPressure { get; private set; } = 1;

    private double _pressureSum;
    private int _pressureCount;

    /// <summary>The mean factor on γ over the γ computations since the last call (1 when there were none), and a reset.</summary>
    public double TakeMeanPressure()
    {
        double mean = _pressureCount == 0 ? 1 : _pressureSum / _pressureCount;
        _pressureSum = 0;
        _pressureCount = 0;
        return mean;
    }

    /// <summary>C(θ) as a differentiable scalar (temporaries land in the caller's dispose scope).</summary>
    public Tensor Complexity(IPrunableNetwork network) => Complexity(network, out _);

    private Tensor Complexity(IPrunableNetwork network, out Tensor expectedMacs)
    {
        expectedMacs = network.ExpectedMacs();
        Tensor parameters = network.ExpectedParams();
        Tensor a = expectedMacs * (Options.Beta / _fullMacs);
        Tensor b = parameters * ((1 - Options.Beta) / _fullParams);
        return a + b;
    }

    /// <summary>
    /// γ of every gate in <see cref="GateSet.AllGates"/> order (units, then blocks); gates that C does not
    /// reach (inside removed blocks) get zeros. Leaves the gradients of θ cleared.
    /// </summary>
    public float[][] Gamma(IPrunableNetwork network)
    {
        using var scope = NewDisposeScope();
        Tensor?[] gamma = GammaTensors(network);
        return gamma.Select((g, i) => g is null ? new float[network.Gates.AllGates.ElementAt(i).Size] : g.data<float>().ToArray()).ToArray();
    }

    /// <summary>γ per gate as tensors (null where zero), in AllGates order; call inside a dispose scope.</summary>
    private Tensor?[] GammaTensors(IPrunableNetwork network)
    {
        Gate[] gates = network.Gates.AllGates.ToArray();
        var result = new Tensor?[gates.Length];
        if (Options.Nu == 0) return result;
        foreach (Gate gate in gates) gate.Theta.zero_grad();
        Tensor c = Complexity(network, out Tensor expectedMacs);
        // Read back only with a target: on a GPU it is a device synchronisation every step.
        LastPressure = Options.MacsReduction == 0 ? 1 : Options.PressureAt(expectedMacs.ToDouble() / _fullMacs);
        _pressureSum += LastPressure;
        _pressureCount++;
        if (LastPressure == 0) return result;
        c.backward();
        int units = network.Gates.Units.Count;
        double unitScale = 2 * (1 - Options.Alpha) * Options.Nu * LastPressure;
        double blockScale = 2 * Options.Alpha * Options.Nu * LastPressure;
        for (int i = 0; i < gates.Length; i++)
        {
            Tensor? grad = gates[i].Theta.grad;
            if (grad is not null) result[i] = grad * (i < units ? unitScale : blockScale);
            gates[i].Theta.zero_grad();
        }
        return result;
    }

    /// <summary>
    /// Forward with sampled gates, backward, the optimizer's step on the weights, then the θ step.
    /// Returns the mean loss and the logits; runs inside the caller's dispose scope.
    /// </summary>
    /// <param name="thetaRateFactor">Multiplies η_θ for this step (the trainer's learning-rate schedule factor when θ follows it).</param>
    public (Tensor Loss, Tensor Logits) Step(IPrunableNetwork network, optim.Optimizer optimizer, Tensor images, Tensor labels, double thetaRateFactor = 1.0)
    {
        var module = (nn.Module<Tensor, Tensor>)network;
        network.Gates.Mode = GateMode.Sample;
        network.Gates.UnitsCertainAbove = Options.ThetaOn;
        Tensor logits = module.call(images);
        Tensor loss = nn.functional.cross_entropy(logits, labels);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        UpdateThetas(network, thetaRateFactor);
        return (loss, logits);
    }

    /// <summary>
    /// ĝ per unit (shape [size]) from the sampled ξ [batch, size] and the gradient of the batch-mean loss
    /// at them (one example's ∂loss_n/∂ξ is batch × that gradient); see <see cref="ThetaEstimator"/>.
    /// </summary>
    public static Tensor EstimateThetaGradient(ThetaEstimator estimator, Tensor xi, Tensor gradient)
    {
        Tensor tangent = gradient.sum(0);
        if (estimator == ThetaEstimator.Tangent) return tangent;
        // mean_n ½ g_n² (1 − 2ξ_n) with g_n = batch · gradient_n.
        long batch = gradient.shape[0];
        using Tensor squared = gradient.square();
        using Tensor side = xi.detach() * -2.0 + 1.0;
        using Tensor weighted = squared * side;
        using Tensor curvature = weighted.sum(0);
        return tangent.add_(curvature, batch / 2.0);
    }

    /// <summary>The projected θ step from the sampled gates' gradients (after backward) and γ.</summary>
    public void UpdateThetas(IPrunableNetwork network, double thetaRateFactor = 1.0)
    {
        double rate = Options.ThetaLr * thetaRateFactor;
        if (rate == 0) return;
        Tensor?[] gamma = GammaTensors(network);
        Gate[] gates = network.Gates.AllGates.ToArray();
        int units = network.Gates.Units.Count;
        using (no_grad())
        {
            for (int i = 0; i < gates.Length; i++)
            {
                Gate gate = gates[i];
                bool trains = i < units ? Options.TrainsUnits : Options.TrainsBlocks;
                if (!trains || Frozen.Contains(gate.Name)) continue;
                Tensor? ghat = gate.LastSample is { grad: { } grad } sample ? EstimateThetaGradient(Options.Estimator, sample, grad) : null;
                Tensor? direction = ghat is null ? gamma[i] : gamma[i] is null ? ghat : ghat + gamma[i]!;
                if (direction is null) continue;
                gate.Theta.sub_(direction, rate);
                gate.Theta.clamp_(0.0, 1.0);
            }
        }
    }
}
