using PruneGen.Search.Pareto;
using PruneGen.Structure;
using PruneGen.Torch;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Methods.Emo;

/// <summary>One evaluated mask: the genome, its error and its MACs (of the problem's own scope).</summary>
public sealed record ArchivedMask(bool[] Mask, double Error, long Macs);

/// <summary>
/// Every mask a problem evaluated, in evaluation order (the dense reference first, then NSGA-II's
/// generations), so that the best front found within any evaluation budget can be read back.
/// </summary>
public sealed class EvaluationArchive
{
    private readonly List<ArchivedMask> _entries = new();

    public int Count => _entries.Count;
    public IReadOnlyList<ArchivedMask> Entries => _entries;

    internal void Add(ArchivedMask entry) => _entries.Add(entry);

    /// <summary>
    /// The non-dominated masks in (error, MACs) among the first <paramref name="evaluations"/> entries,
    /// duplicates removed, by increasing error.
    /// </summary>
    public IReadOnlyList<ArchivedMask> Front(int? evaluations = null)
    {
        int n = Math.Min(evaluations ?? _entries.Count, _entries.Count);
        var unique = new Dictionary<string, ArchivedMask>();
        for (int i = 0; i < n; i++)
            unique.TryAdd(Key(_entries[i].Mask), _entries[i]);
        ArchivedMask[] candidates = unique.Values.ToArray();
        double[][] points = candidates.Select(c => new[] { c.Error, (double)c.Macs }).ToArray();
        return Dominance.NonDominatedIndices(points).Select(i => candidates[i]).OrderBy(c => c.Error).ThenBy(c => c.Macs).ToArray();
    }

    internal static string Key(bool[] mask) => new(mask.Select(b => b ? '1' : '0').ToArray());

    /// <summary>The key of an assembly: its parts' masks, one <see cref="Key"/> each.</summary>
    internal static string AssemblyKey(IEnumerable<bool[]> partMasks) => string.Join("|", partMasks.Select(Key));
}

/// <summary>
/// The search problem of one sub-network S_k: masks of its internal units, evaluated on the cached
/// feature F_{k-1} with S_k run on a private copy of the network (fixed-mask gates, evaluation mode)
/// and scored on the calibration labels by the detector D_k, or with
/// <see cref="SubNetworkScoring.DenseTail"/> by the dense rest of the network and its classifier.
/// Owning its copy makes problems of different sub-networks safe to evaluate on different threads at once.
/// </summary>
public sealed class SubNetworkProblem : ISubNetworkProblem, IDisposable
{
    private readonly SubNetworkSplit _split;
    private readonly int _part;
    private readonly IPrunableNetwork _copy;
    private readonly FeatureCache _cache;
    private readonly FeatureDetector _detector;
    private readonly MemoryFormat _memoryFormat;
    private readonly bool _repairBatchNorm;
    private readonly SubNetworkScoring _scoring;

    /// <param name="copy">A network this problem owns and disposes (e.g. <c>network.Slim(network.NewMasks())</c>).</param>
    /// <param name="memoryFormat">Layout of the slimmed networks masks are evaluated with (that of the cached features).</param>
    /// <param name="repairBatchNorm">Re-estimate S_k's BatchNorm statistics (with <see cref="SubNetworkScoring.DenseTail"/>, those of S_k and everything after it) for every mask on the cached F_{k-1} before scoring it (<see cref="EmoOptions.SearchBatchNorm"/>).</param>
    /// <param name="scoring">What scores S_k's output (<see cref="EmoOptions.SubNetworkScoring"/>).</param>
    public SubNetworkProblem(SubNetworkSplit split, int part, IPrunableNetwork copy, FeatureCache cache, FeatureDetector detector,
        MemoryFormat memoryFormat = MemoryFormat.Contiguous, bool repairBatchNorm = false, SubNetworkScoring scoring = SubNetworkScoring.Detector)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(detector);
        if (part < 0 || part >= split.Parts.Count) throw new ArgumentOutOfRangeException(nameof(part), part, $"the split has {split.Parts.Count} sub-networks");
        if (!Enum.IsDefined(scoring)) throw new ArgumentOutOfRangeException(nameof(scoring), scoring, "unknown sub-network scoring");
        split.RequireFullWidths(copy);
        (_split, _part, _copy, _cache, _detector, _memoryFormat, _repairBatchNorm, _scoring) = (split, part, copy, cache, detector, memoryFormat, repairBatchNorm, scoring);
        DenseMacs = split.PartDenseMacs(part);
        ((nn.Module)copy).eval();
    }

    public string Name => _split.Parts[_part].Name;
    public int MaskLength => _split.Parts[_part].BitCount;
    public long DenseMacs { get; }
    public EvaluationArchive Archive { get; } = new();

    public long Macs(ReadOnlySpan<bool> mask) => _split.PartMacs(_part, mask);

    public void EvaluateErrors(IReadOnlyList<bool[]> masks, double[] errors)
    {
        for (int i = 0; i < masks.Count; i++)
        {
            errors[i] = Error(masks[i]);
            Archive.Add(new ArchivedMask((bool[])masks[i].Clone(), errors[i], Macs(masks[i])));
        }
    }

    /// <summary>
    /// Error of S_k under <paramref name="mask"/> (null: dense) on the calibration subset: the detector's,
    /// or with <see cref="SubNetworkScoring.DenseTail"/> the classifier's after the dense later sub-networks.
    /// </summary>
    public double Error(bool[]? mask)
    {
        var masks = new bool[]?[_split.Parts.Count];
        masks[_part] = mask;
        bool denseTail = _scoring == SubNetworkScoring.DenseTail;
        // Scored by the dense tail, the error is the whole network's, so the repair re-estimates every
        // BatchNorm after the cut as the hypervolume's repair does (the dense tail's too: its inputs moved).
        IPrunableNetwork network = _repairBatchNorm
            ? MaskedForward.BatchNormRepaired(_copy, _split, masks, _cache, _part, denseTail ? _split.Parts.Count - 1 : _part, throughTail: denseTail, _memoryFormat)
            : MaskedForward.ForMasks(_copy, _split, masks, _memoryFormat);
        try
        {
            if (denseTail) return WholeNetworkProblem.ClassifierError(network, _split, _cache, firstPart: _part);
            long wrong = 0;
            using var noGrad = no_grad();
            for (int b = 0; b < _cache.Batches; b++)
            {
                using var scope = NewDisposeScope();
                wrong += _detector.CountErrors(MaskedForward.Run(network, _split, _part, _part, _cache.Feature(_part, b)), _cache.Labels(b));
            }
            return (double)wrong / _cache.Count;
        }
        finally
        {
            if (!ReferenceEquals(network, _copy)) ((nn.Module)network).Dispose();
        }
    }

    public void Dispose() => ((nn.Module)_copy).Dispose();
}

/// <summary>
/// The whole-network baseline's problem: the concatenated mask of every sub-network, evaluated with
/// the real classifier on the calibration images; MACs are the whole network's.
/// </summary>
public sealed class WholeNetworkProblem : ISubNetworkProblem, IDisposable
{
    private readonly SubNetworkSplit _split;
    private readonly IPrunableNetwork _copy;
    private readonly FeatureCache _cache;
    private readonly MemoryFormat _memoryFormat;
    private readonly bool _repairBatchNorm;

    /// <param name="copy">A network this problem owns and disposes.</param>
    /// <param name="memoryFormat">Layout of the slimmed networks masks are evaluated with (that of the cached features).</param>
    /// <param name="repairBatchNorm">Re-estimate the BatchNorm statistics for every mask on the cache's images before scoring it (<see cref="EmoOptions.SearchBatchNorm"/>).</param>
    public WholeNetworkProblem(SubNetworkSplit split, IPrunableNetwork copy, FeatureCache cache, MemoryFormat memoryFormat = MemoryFormat.Contiguous,
        bool repairBatchNorm = false)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(cache);
        split.RequireFullWidths(copy);
        (_split, _copy, _cache, _memoryFormat, _repairBatchNorm) = (split, copy, cache, memoryFormat, repairBatchNorm);
        ((nn.Module)copy).eval();
    }

    public string Name => _split.Structure.Name;
    public int MaskLength => _split.TotalBits;
    public long DenseMacs => _split.FullMacs;

    /// <summary>Evaluations made through <see cref="EvaluateErrors"/> (not those of <see cref="Error"/>).</summary>
    public EvaluationArchive Archive { get; } = new();

    public long Macs(ReadOnlySpan<bool> mask) => _split.WholeMacs(_split.SplitMask(mask));

    public void EvaluateErrors(IReadOnlyList<bool[]> masks, double[] errors)
    {
        for (int i = 0; i < masks.Count; i++)
        {
            errors[i] = Error(_split.SplitMask(masks[i]));
            Archive.Add(new ArchivedMask((bool[])masks[i].Clone(), errors[i], Macs(masks[i])));
        }
    }

    /// <summary>Classifier error on the calibration images with every part's mask applied (null keeps a part dense).</summary>
    public double Error(IReadOnlyList<bool[]?> partMasks)
    {
        IPrunableNetwork network = _repairBatchNorm
            ? MaskedForward.BatchNormRepaired(_copy, _split, partMasks, _cache, 0, _split.Parts.Count - 1, throughTail: true, _memoryFormat)
            : MaskedForward.ForMasks(_copy, _split, partMasks, _memoryFormat);
        try
        {
            return ClassifierError(network, _split, _cache);
        }
        finally
        {
            if (!ReferenceEquals(network, _copy)) ((nn.Module)network).Dispose();
        }
    }

    /// <summary>
    /// Classifier error of <paramref name="network"/> (in evaluation mode, gates as set) on a cache's images,
    /// or, from <paramref name="firstPart"/> on, on its cached features at the cut before that part.
    /// </summary>
    public static double ClassifierError(IPrunableNetwork network, SubNetworkSplit split, FeatureCache cache, int firstPart = 0)
    {
        long wrong = 0;
        using var noGrad = no_grad();
        for (int b = 0; b < cache.Batches; b++)
        {
            using var scope = NewDisposeScope();
            Tensor logits = MaskedForward.Run(network, split, firstPart, split.Parts.Count - 1, cache.Feature(firstPart, b), throughTail: true);
            Tensor labels = cache.Labels(b);
            wrong += labels.size(0) - Accuracy.CountCorrect(logits, labels);
        }
        return (double)wrong / cache.Count;
    }

    public void Dispose() => ((nn.Module)_copy).Dispose();
}

/// <summary>Runs a range of sub-networks (and optionally the classifier after them) with the network's gates as set.</summary>
public static class MaskedForward
{
    /// <summary>
    /// The network to evaluate <paramref name="partMasks"/> with (null keeps a part dense): a physically
    /// slimmed copy of the dense <paramref name="copy"/>, whose convolutions shrink with the mask (its
    /// outputs equal those of the copy with the masks on its gates, but cost fewer MACs), or the copy
    /// itself when nothing is pruned. The caller disposes a network that is not <paramref name="copy"/>.
    /// Removable blocks emptied by a mask are removed; the cut features keep their shapes.
    /// </summary>
    public static IPrunableNetwork ForMasks(IPrunableNetwork copy, SubNetworkSplit split, IReadOnlyList<bool[]?> partMasks, MemoryFormat memoryFormat)
    {
        for (int k = 0; k < split.Parts.Count; k++) split.ApplyToGates(copy, k, null);
        if (partMasks.All(m => m is null || !m.Contains(false))) return copy;
        return Slimmed(copy, split, partMasks, memoryFormat);
    }

    /// <summary>
    /// A new slimmed copy of <paramref name="copy"/> for <paramref name="partMasks"/> (the dense masks
    /// included) whose BatchNorm statistics in parts <paramref name="firstPart"/>..<paramref name="lastPart"/>
    /// (and the classifier after them with <paramref name="throughTail"/>) are re-estimated on
    /// <paramref name="calibration"/>'s features at the cut before <paramref name="firstPart"/>; the
    /// other BatchNorms keep the dense network's. The caller disposes it.
    /// </summary>
    public static IPrunableNetwork BatchNormRepaired(IPrunableNetwork copy, SubNetworkSplit split, IReadOnlyList<bool[]?> partMasks, FeatureCache calibration,
        int firstPart, int lastPart, bool throughTail, MemoryFormat memoryFormat)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        for (int k = 0; k < split.Parts.Count; k++) split.ApplyToGates(copy, k, null);
        IPrunableNetwork slim = Slimmed(copy, split, partMasks, memoryFormat);
        try
        {
            BatchNormRecalibration.Run((nn.Module)slim, calibration.Features(firstPart),
                x => Run(slim, split, firstPart, lastPart, x, throughTail));
            return slim;
        }
        catch
        {
            ((nn.Module)slim).Dispose();
            throw;
        }
    }

    private static IPrunableNetwork Slimmed(IPrunableNetwork copy, SubNetworkSplit split, IReadOnlyList<bool[]?> partMasks, MemoryFormat memoryFormat)
    {
        IPrunableNetwork slim = copy.Slim(split.ToPruneMasks(copy, partMasks));
        var module = (nn.Module)slim;
        if (memoryFormat != MemoryFormat.Contiguous) module.to(memoryFormat);
        module.eval();
        return slim;
    }

    /// <summary>
    /// Output of parts <paramref name="firstPart"/>..<paramref name="lastPart"/> on <paramref name="input"/>
    /// (the feature at the cut before the first); with <paramref name="throughTail"/> the classifier's logits.
    /// Intermediate tensors join the caller's dispose scope.
    /// </summary>
    public static Tensor Run(IPrunableNetwork network, SubNetworkSplit split, int firstPart, int lastPart, Tensor input, bool throughTail = false)
    {
        network.Gates.BeginForward(input);
        Tensor x = input;
        for (int k = firstPart; k <= lastPart; k++)
            foreach (int member in split.Parts[k].Members) x = network.ForwardMember(member, x);
        if (throughTail)
            for (int member = split.TailStart; member < split.Structure.Members.Count; member++) x = network.ForwardMember(member, x);
        return ReferenceEquals(x, input) ? input.alias() : x;
    }
}
