namespace PruneGen.Methods.Emo;

/// <summary>
/// What the EMO search needs to know about one sub-network S_k: its prunable units (one bit each,
/// 1 = keep), the MACs a mask leaves, and the error a mask gives. Implementations evaluate on the
/// cached features at the cut before S_k and score S_k's output with the cut's detector D_k; the
/// whole-network baseline is the same interface over the concatenated mask and the real classifier.
/// </summary>
public interface ISubNetworkProblem
{
    /// <summary>Name for reports and messages (e.g. the stage's property name).</summary>
    string Name { get; }

    /// <summary>Bits per mask: one per prunable unit (or per shared stream channel).</summary>
    int MaskLength { get; }

    /// <summary>MACs of the unpruned sub-network.</summary>
    long DenseMacs { get; }

    /// <summary>MACs the sub-network keeps under <paramref name="mask"/> (closed form; cheap).</summary>
    long Macs(ReadOnlySpan<bool> mask);

    /// <summary>
    /// Error (e.g. detector misclassification rate on the calibration subset) for each mask of a
    /// batch, written to <c>errors[i]</c>. Called with a whole generation at once, so an
    /// implementation can stack the masks into one pass or spread them over threads.
    /// </summary>
    void EvaluateErrors(IReadOnlyList<bool[]> masks, double[] errors);
}
