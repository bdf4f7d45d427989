using static PruneGen.Torch.Native.NativeMethods;

namespace PruneGen.Torch;

/// <summary>
/// PruneGen's own fused operations (no TorchSharp counterpart), for hot paths where a composition of
/// standard ops costs measurably more.
/// </summary>
public static class Fused
{
    /// <summary>
    /// <c>input ⊙ gates</c> with <paramref name="gates"/> of shape [N, C] (one gate per example and channel)
    /// or [N, 1] (one per example), broadcast over the trailing dimensions of <paramref name="input"/>
    /// ([N, C, ...]). Same values and gradients as <c>input * gates.view(N, C, 1, 1)</c>, but the backward
    /// computes the gradients of input and gates in one pass (float32 on CPU).
    /// </summary>
    /// <exception cref="TorchException">The shapes, dtypes or devices do not fit.</exception>
    public static torch.Tensor gate_multiply(torch.Tensor input, torch.Tensor gates)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gates);
        return torch.Tensor.Result(pg_gate_multiply(input.Handle, gates.Handle, 0), input, gates);
    }

    /// <summary>
    /// <c>relu(input) ⊙ gates</c>, shaped as in <see cref="gate_multiply"/>: the ReLU and the gate in one
    /// pass forward and one backward (float32 on CPU). Saves <paramref name="input"/> (the pre-activation),
    /// which the gates' gradient needs where a gate is 0; <paramref name="input"/> is not modified.
    /// </summary>
    /// <exception cref="TorchException">The shapes, dtypes or devices do not fit.</exception>
    public static torch.Tensor relu_gate_multiply(torch.Tensor input, torch.Tensor gates)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gates);
        return torch.Tensor.Result(pg_gate_multiply(input.Handle, gates.Handle, 1), input, gates);
    }
}
