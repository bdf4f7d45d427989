using PruneGen.Torch;
using static PruneGen.Torch.torch;

namespace PruneGen.Layers;

/// <summary>Consecutive residual blocks at one resolution, registered as "0", "1", ... (PyTorch's Sequential naming).</summary>
public abstract class Stage : nn.Module<Tensor, Tensor>
{
    private readonly ResidualBlock[] _blocks;

    private protected Stage(string name, IEnumerable<ResidualBlock> blocks) : base(name)
    {
        _blocks = blocks.ToArray();
        if (_blocks.Length == 0) throw new ArgumentException($"stage '{name}' needs at least one block", nameof(blocks));
        foreach (ResidualBlock block in _blocks) register_module(block.Spec.Name, block);
        // A block after one that ends in a ReLU reads a non-negative tensor (LatencyModel.RemovedBlockPassesInputOn).
        for (int i = 1; i < _blocks.Length; i++)
            _blocks[i].InputIsNonNegative = _blocks[i - 1].Spec.ReluAfterSum;
    }

    /// <summary>The blocks, removed ones included.</summary>
    public IReadOnlyList<ResidualBlock> AllBlocks => _blocks;

    public override Tensor forward(Tensor input)
    {
        Tensor x = _blocks[0].forward(input);
        for (int i = 1; i < _blocks.Length; i++)
        {
            Tensor next = _blocks[i].forward(x);
            x.Dispose();
            x = next;
        }
        return x;
    }
}

/// <summary>A stage of <see cref="BasicBlock"/>s.</summary>
public sealed class BasicStage(string name, IReadOnlyList<BasicBlock> blocks) : Stage(name, blocks)
{
    public IReadOnlyList<BasicBlock> Blocks { get; } = blocks;
}

/// <summary>A stage of <see cref="Bottleneck"/> blocks (expansion 4).</summary>
public sealed class BottleneckStage(string name, IReadOnlyList<Bottleneck> blocks) : Stage(name, blocks)
{
    public IReadOnlyList<Bottleneck> Blocks { get; } = blocks;
}

/// <summary>A stage of user-declared <c>[Block]</c> blocks.</summary>
public sealed class Stage<TBlock>(string name, IReadOnlyList<TBlock> blocks) : Stage(name, blocks)
    where TBlock : ResidualBlock
{
    public IReadOnlyList<TBlock> Blocks { get; } = blocks;
}
