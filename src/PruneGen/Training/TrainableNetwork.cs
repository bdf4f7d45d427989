using PruneGen.Structure;
using static PruneGen.Torch.torch;

namespace PruneGen.Training;

/// <summary>
/// A network as the trainer sees it: the module, and what reports need about its size. A method that
/// slims the network replaces the whole object (<see cref="TrainingContext.ReplaceNetwork"/>).
/// </summary>
public sealed class TrainableNetwork : IDisposable
{
    /// <param name="name">The network's name (e.g. "ResNet20").</param>
    /// <param name="module">The module; this object owns and disposes it.</param>
    /// <param name="widths">Widths of every prunable group and flags of removable blocks; empty for a network without a search space.</param>
    /// <param name="macs">MACs per image (-1 when unknown).</param>
    /// <param name="parameters">Parameter count as the cost model counts it; null counts every element of every parameter.</param>
    public TrainableNetwork(string name, nn.Module<Tensor, Tensor> module, WidthsSidecar? widths = null, long macs = -1, long? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        Name = name;
        Module = module;
        Widths = widths ?? new WidthsSidecar(name, new Dictionary<string, int>(), new Dictionary<string, bool>());
        Macs = macs;
        Params = parameters ?? module.parameters().Sum(p => p.numel());
    }

    public string Name { get; }
    public nn.Module<Tensor, Tensor> Module { get; }
    public WidthsSidecar Widths { get; }
    public long Macs { get; }
    public long Params { get; }

    /// <summary>Removable blocks that have been removed, in declaration order.</summary>
    public IReadOnlyList<string> RemovedBlocks => Widths.Blocks.Where(b => !b.Value).Select(b => b.Key).ToArray();

    public void Dispose() => Module.Dispose();
}

/// <summary>Builds a network: at full size for <c>null</c>, or at the widths of a checkpoint being resumed.</summary>
public delegate TrainableNetwork NetworkFactory(WidthsSidecar? widths);
