using System.Globalization;
using PruneGen.Structure;

namespace PruneGen.Methods.Cat;

/// <summary>
/// The three user parameters of complexity-aware training (METHODS.md §1) and the θ update's knobs.
/// Option keys: <c>nu</c>, <c>alpha</c>, <c>beta</c>, <c>theta_tol</c>, <c>theta_lr</c>, <c>theta_on</c>,
/// <c>macs_reduction</c>.
/// </summary>
public sealed record CatOptions
{
    public const string NuKey = "nu";
    public const string AlphaKey = "alpha";
    public const string BetaKey = "beta";
    public const string ThetaTolKey = "theta_tol";
    public const string ThetaLrKey = "theta_lr";
    public const string ThetaOnKey = "theta_on";
    public const string MacsReductionKey = "macs_reduction";

    /// <summary>
    /// Width, as a fraction of the full network's MACs, of the band below the MACs target over which the
    /// complexity pressure fades to zero (see <see cref="MacsReduction"/>).
    /// </summary>
    public const double TargetBand = 0.02;

    /// <summary>ν: strength of the complexity penalty (0 = plain training with gates).</summary>
    public double Nu { get; init; } = 1.0;

    /// <summary>α: 0 prunes units only, 1 blocks only, 0.5 follows the exact gradient of ν·C.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>β: weight of MACs against parameters in the complexity C(θ).</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>θ at or below this is removed for good at the end of an epoch.</summary>
    public double ThetaTol { get; init; } = 1e-3;

    /// <summary>η_θ: learning rate of the projected θ update (constant; not scheduled).</summary>
    public double ThetaLr { get; init; } = 0.05;

    /// <summary>
    /// A unit θ at or above this switches its gate on for every example instead of sampling it (default 1:
    /// every gate with θ &lt; 1 is sampled, as METHODS.md §1 writes; block gates are always sampled, see
    /// <see cref="PruneGen.Gates.GateSet.UnitsCertainAbove"/>). The project's own option: on a short
    /// budget most kept units hover at θ ≈ 0.9–1 until the decision epoch, and the per-example dropping
    /// they cause is what costs accuracy (ResNet-20, 6 epochs, no pressure: 92.34% with every unit θ at 1,
    /// 91.47% with every unit θ held at 0.95). Above the threshold the θ step still runs, on the secant's
    /// on-side estimate loss(on) − loss(off) ≈ g − ½g², so a gate whose θ falls below it is sampled again.
    /// </summary>
    public double ThetaOn { get; init; } = 1.0;

    /// <summary>
    /// A MACs target: the fraction of the full network's MACs to remove (0.5 = 2× fewer; default 0, no
    /// target: the penalty is ν·C throughout, as METHODS.md §1 writes). With a target, γ is scaled by
    /// clamp((m − (t − band)) / band, 0, 1), where m is the expected MACs over the full network's and
    /// t = 1 − macs_reduction: full pressure while the expected network is above the target, none once it
    /// is <see cref="TargetBand"/> below it, so θ stop falling there and the losses' own gradients decide the
    /// rest. The project's own option: with a fixed ν the number of blocks removed is settled in the first
    /// epochs and varies with the seed (ResNet-20: ν = 1.1 removed 5 blocks at seed 0, 6 at seed 1), so
    /// a fixed ν overshoots a wanted MACs level by whole blocks. ν must still be strong enough to get
    /// there; <see cref="ComplexityAwareTraining.Metrics.Pressure"/> shows the scale per epoch.
    /// </summary>
    public double MacsReduction { get; init; }

    /// <summary>The MACs the target allows on <paramref name="structure"/>: (1 − macs_reduction) × the full network's.</summary>
    public double TargetMacs(NetworkStructure structure) => (1 - MacsReduction) * CostModel.FullMacs(structure);

    /// <summary>
    /// The factor on γ at expected MACs <paramref name="macsFraction"/> (of the full network's): 1 without a
    /// target; with one, 1 above the target, 0 a <see cref="TargetBand"/> below it, linear between.
    /// </summary>
    public double PressureAt(double macsFraction)
    {
        if (MacsReduction == 0) return 1;
        double target = 1 - MacsReduction;
        return Math.Clamp((macsFraction - (target - TargetBand)) / TargetBand, 0, 1);
    }

    /// <summary>
    /// How ĝ, the estimate of ∂J/∂θ = E[loss | ξ = 1] − E[loss | ξ = 0], is read from the sampled gates
    /// (default <see cref="ThetaEstimator.Secant"/>; see <see cref="ThetaEstimator"/>).
    /// </summary>
    public ThetaEstimator Estimator { get; init; } = ThetaEstimator.Secant;

    /// <summary>
    /// Whether η_θ follows the weights' learning-rate schedule (default). A constant η_θ leaves kept θ
    /// hovering an O(η_θ) distance below 1 from gradient noise; annealing it with the schedule lets θ
    /// settle at 0 or 1 by the end of training.
    /// </summary>
    public bool ThetaFollowsSchedule { get; init; } = true;

    /// <summary>
    /// The epoch (1-based) after which θ is rounded (θ &lt; 0.5 removed, the rest kept for good); 0 means
    /// the last epoch. Later epochs train the resulting deterministic network without gates, on the rest
    /// of the learning-rate schedule, so the network handed back has trained in its final form (the
    /// project's own choice: METHODS.md §1 relies on θ having reached 0 or 1 by the end of training,
    /// which a short budget does not give).
    /// </summary>
    public int DecisionEpoch { get; init; }

    /// <summary>
    /// Training batches (of the epoch just finished, in its order) that re-estimate every BatchNorm's
    /// running statistics of the deterministic network (θ rounded) before it is evaluated; 0 keeps the
    /// statistics gathered under sampled gates. Those mix in examples whose units were dropped, so they
    /// do not describe the network that is evaluated and kept. Running statistics play no part in a
    /// training step, so training itself is unchanged.
    /// </summary>
    public int BatchNormRecalibrationBatches { get; init; }

    /// <summary>Unit gates learn only when α &lt; 1 (block-only ablation keeps every unit at θ = 1).</summary>
    public bool TrainsUnits => Alpha < 1;

    /// <summary>Block gates learn only when α &gt; 0 (unit-only ablation keeps every block at θ = 1).</summary>
    public bool TrainsBlocks => Alpha > 0;

    /// <summary>The unit-only ablation (α = 0).</summary>
    public static CatOptions UnitsOnly(double nu, double beta = 0.5) => new() { Nu = nu, Alpha = 0, Beta = beta };

    /// <summary>The block-only ablation (α = 1).</summary>
    public static CatOptions BlocksOnly(double nu, double beta = 0.5) => new() { Nu = nu, Alpha = 1, Beta = beta };

    public void Validate()
    {
        if (!(Nu >= 0) || double.IsInfinity(Nu)) throw new ArgumentOutOfRangeException(NuKey, Nu, "nu must be a finite number >= 0");
        if (!(Alpha >= 0 && Alpha <= 1)) throw new ArgumentOutOfRangeException(AlphaKey, Alpha, "alpha must lie in [0, 1]");
        if (!(Beta >= 0 && Beta <= 1)) throw new ArgumentOutOfRangeException(BetaKey, Beta, "beta must lie in [0, 1]");
        if (!(ThetaTol >= 0 && ThetaTol < 0.5)) throw new ArgumentOutOfRangeException(ThetaTolKey, ThetaTol, "theta_tol must lie in [0, 0.5)");
        if (!(ThetaLr > 0) || double.IsInfinity(ThetaLr)) throw new ArgumentOutOfRangeException(ThetaLrKey, ThetaLr, "theta_lr must be a finite number > 0");
        if (!(ThetaOn > 0.5 && ThetaOn <= 1)) throw new ArgumentOutOfRangeException(ThetaOnKey, ThetaOn, "theta_on must lie in (0.5, 1]: at or above it a unit gate is on without sampling, and 1 samples every gate");
        if (!(MacsReduction >= 0 && MacsReduction < 1)) throw new ArgumentOutOfRangeException(MacsReductionKey, MacsReduction, "macs_reduction must lie in [0, 1): the fraction of the full network's MACs to remove (0.5 = 2x fewer), 0 for no target");
        if (DecisionEpoch < 0) throw new ArgumentOutOfRangeException("decision_epoch", DecisionEpoch, "decision_epoch must be 0 (the last epoch) or a positive epoch number");
        if (BatchNormRecalibrationBatches < 0) throw new ArgumentOutOfRangeException("bn_recalibration_batches", BatchNormRecalibrationBatches, "bn_recalibration_batches must be 0 (off) or positive");
    }

    /// <summary>Options from key/value pairs (unknown keys are an error naming the valid ones); missing keys keep their defaults.</summary>
    public static CatOptions FromValues(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var options = new CatOptions();
        foreach ((string key, double value) in values)
        {
            options = key switch
            {
                NuKey => options with { Nu = value },
                AlphaKey => options with { Alpha = value },
                BetaKey => options with { Beta = value },
                ThetaTolKey => options with { ThetaTol = value },
                ThetaLrKey => options with { ThetaLr = value },
                ThetaOnKey => options with { ThetaOn = value },
                MacsReductionKey => options with { MacsReduction = value },
                _ => throw new ArgumentException($"unknown CAT option '{key}'; expected {NuKey}, {AlphaKey}, {BetaKey}, {ThetaTolKey}, {ThetaLrKey}, {ThetaOnKey} or {MacsReductionKey}", nameof(values)),
            };
        }
        options.Validate();
        return options;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"nu={Nu}, alpha={Alpha}, beta={Beta}, theta_tol={ThetaTol}, theta_lr={ThetaLr}, theta_estimator={Estimator.ToString().ToLowerInvariant()}{(ThetaFollowsSchedule ? "" : " (constant)")}{(ThetaOn < 1 ? $", theta_on={ThetaOn}" : "")}{(MacsReduction > 0 ? $", macs_reduction={MacsReduction}" : "")}{(DecisionEpoch > 0 ? $", decision_epoch={DecisionEpoch}" : "")}{(BatchNormRecalibrationBatches > 0 ? $", bn_recalibration_batches={BatchNormRecalibrationBatches}" : "")}");
}

/// <summary>
/// How the θ step estimates ∂J/∂θ_u = E[loss | ξ_u = 1] − E[loss | ξ_u = 0] from one backward pass
/// through per-example gates (g = ∂loss_n/∂ξ_u at the sampled ξ).
/// </summary>
public enum ThetaEstimator
{
    /// <summary>
    /// g plus the second-order term ½ h (1 − 2ξ), h ≈ g² (the empirical Fisher): a second-order Taylor
    /// step from the sampled ξ to the other value, so an example with the unit on reports
    /// loss(on) − loss(off) ≈ g − ½h, one with it off ≈ g + ½h. The project's own choice (METHODS.md §1
    /// writes the tangent): weights trained with a unit on make its g ≈ 0 there, so the tangent reads
    /// "unimportant" for every trained unit and has a stable zero inside (0, 1) (`CatThetaDynamicsTests`);
    /// the ½h term is the unit's Fisher saliency, which the tangent misses, and keeps the estimate's sign
    /// independent of θ, so θ runs to 0 or 1.
    /// </summary>
    Secant,

    /// <summary>g alone, the derivative at the sampled ξ, as METHODS.md §1 writes it.</summary>
    Tangent,
}
