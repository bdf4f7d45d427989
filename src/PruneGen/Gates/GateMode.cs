namespace PruneGen.Gates;

/// <summary>How the gates of a network act in forward.</summary>
public enum GateMode
{
    /// <summary>Gates do nothing (the plain network; no cost at all).</summary>
    Off,

    /// <summary>
    /// Per-example Bernoulli gates: ξ ~ Bernoulli(θ) drawn for every example and unit (or block) at each
    /// forward. The samples are kept as leaf tensors that record gradients, so that after backward
    /// <c>LastSample.grad</c> holds ∂loss/∂ξ (complexity-aware training reads it).
    /// </summary>
    Sample,

    /// <summary>Multiply by θ itself (a deterministic relaxation, differentiable in θ).</summary>
    Expected,

    /// <summary>Multiply by 1 where θ ≥ 0.5, 0 elsewhere (the rounded, deterministic network).</summary>
    Hard,

    /// <summary>Multiply by masks set with <c>SetFixedMask</c> (fine-tuning with masks enforced); unset gates pass through.</summary>
    FixedMasks,
}
