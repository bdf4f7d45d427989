namespace PruneGen.Structure;

/// <summary>
/// The structure of a declared network as the generator derived it at compile time: every conv and
/// linear layer, the channel groups that must be pruned together, the blocks, the stages and the
/// top-level members. It describes the full (unpruned) network; a pruned instance's widths live in
/// its <c>Widths</c>. Methods read this instead of tracing the graph at run time.
/// </summary>
public sealed class NetworkStructure
{
    public NetworkStructure(
        string name, int inputChannels, int inputSize, int classes,
        IReadOnlyList<LayerInfo> layers, IReadOnlyList<GroupInfo> groups, IReadOnlyList<BlockInfo> blocks,
        IReadOnlyList<StageInfo> stages, IReadOnlyList<MemberInfo> members)
    {
        Name = name;
        InputChannels = inputChannels;
        InputSize = inputSize;
        Classes = classes;
        Layers = layers;
        Groups = groups;
        Blocks = blocks;
        Stages = stages;
        Members = members;
        PrunableGroups = groups.Where(g => g.Prunable).ToArray();
        RemovableBlocks = blocks.Where(b => b.Removable).ToArray();
    }

    /// <summary>The declaring class's name.</summary>
    public string Name { get; }
    public int InputChannels { get; }
    public int InputSize { get; }
    public int Classes { get; }

    /// <summary>Every conv and linear layer in forward order; <see cref="LayerInfo.Index"/> is the position.</summary>
    public IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>Every channel group, fixed ones included (the input and the logits are groups 0 and last).</summary>
    public IReadOnlyList<GroupInfo> Groups { get; }

    /// <summary>Every residual block (removable or not) in forward order.</summary>
    public IReadOnlyList<BlockInfo> Blocks { get; }

    /// <summary>Stages in forward order: the natural sub-networks, cut at their boundaries.</summary>
    public IReadOnlyList<StageInfo> Stages { get; }

    /// <summary>The declared top-level members (layers of the network) in declaration order.</summary>
    public IReadOnlyList<MemberInfo> Members { get; }

    /// <summary>The groups a method may prune, in the order of the <c>Widths</c> members.</summary>
    public IReadOnlyList<GroupInfo> PrunableGroups { get; }

    /// <summary>The blocks a method may remove, in the order of the <c>Widths</c> flags.</summary>
    public IReadOnlyList<BlockInfo> RemovableBlocks { get; }

    /// <summary>The full width of every group, indexed by group.</summary>
    public int[] FullGroupWidths() => Groups.Select(g => g.Size).ToArray();

    /// <summary>All blocks kept, indexed by block.</summary>
    public bool[] AllBlocksKept() => Enumerable.Repeat(true, Blocks.Count).ToArray();

    public GroupInfo Group(string name) =>
        Groups.FirstOrDefault(g => g.Name == name) ?? throw new KeyNotFoundException($"network {Name} has no channel group named '{name}'");

    public LayerInfo Layer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name) ?? throw new KeyNotFoundException($"network {Name} has no layer named '{name}'");
}

/// <summary>Whether a layer is a convolution or a fully-connected layer.</summary>
public enum LayerKind
{
    Conv,
    Linear,
}

/// <summary>How a residual block's shortcut is formed at its place in the network.</summary>
public enum ShortcutKind
{
    /// <summary>No shortcut (a plain sequence of layers).</summary>
    None,
    Identity,
    /// <summary>A 1x1 conv + BN (its layer is <see cref="BlockInfo.ProjectionLayer"/>).</summary>
    Projection,
}

/// <summary>
/// One conv (always followed by BN, optionally ReLU) or linear layer.
/// Channel counts are those of the full network; the current ones are the widths of
/// <see cref="InputGroup"/> and <see cref="OutputGroup"/>.
/// </summary>
/// <param name="Name">Dotted module path as in the state dict, e.g. "stage1.0.conv1".</param>
/// <param name="InputSize">Input height (= width); linear layers have 1.</param>
/// <param name="Block">Index into <see cref="NetworkStructure.Blocks"/>, or -1 outside blocks.</param>
/// <param name="Stage">Index into <see cref="NetworkStructure.Stages"/>, or -1 outside stages.</param>
/// <param name="IsProjection">The 1x1 shortcut conv of a block (stays when the block is removed).</param>
public sealed record LayerInfo(
    int Index, string Name, LayerKind Kind, int InputGroup, int OutputGroup, int InChannels, int OutChannels,
    int Kernel, int Stride, int Padding, bool Depthwise, int InputSize, int OutputSize,
    bool HasBatchNorm, bool HasRelu, bool HasBias, int Block, int Stage, bool IsProjection)
{
    /// <summary>Convolution groups: the channel count for a depthwise conv, 1 otherwise.</summary>
    public int ConvGroups => Depthwise ? InChannels : 1;

    /// <summary>Output positions (H x W) the layer computes; 1 for a linear layer.</summary>
    public long OutputPositions => (long)OutputSize * OutputSize;
}

/// <summary>
/// Channels that must be pruned together: a layer's output, its BN, every consumer's input, and for a
/// residual stream every layer writing into it.
/// </summary>
/// <param name="Name">The <c>Widths</c> member name for prunable groups ("Stage1", "Stage1Block0Conv1").</param>
/// <param name="Size">Full width.</param>
/// <param name="Step">Widths change in multiples of it (1 for fixed groups).</param>
/// <param name="Min">Smallest allowed width (= Size for fixed groups).</param>
/// <param name="IsStream">Written by more than one layer through residual sums.</param>
/// <param name="Producers">Layers writing the group (their BN and gate included).</param>
/// <param name="Consumers">Layers reading the group.</param>
public sealed record GroupInfo(
    int Index, string Name, int Size, int Step, int Min, bool Prunable, bool IsStream,
    IReadOnlyList<int> Producers, IReadOnlyList<int> Consumers)
{
    /// <summary>Every width the search space reaches, ascending: multiples of Step in [Min, Size].</summary>
    public IReadOnlyList<int> ReachableWidths()
    {
        if (!Prunable) return [Size];
        var widths = new List<int>();
        for (int w = Step; w <= Size; w += Step)
            if (w >= Min) widths.Add(w);
        return widths;
    }

    /// <summary>Whether <paramref name="width"/> is in the search space.</summary>
    public bool IsReachable(int width) =>
        Prunable ? width >= Min && width <= Size && width % Step == 0 : width == Size;
}

/// <summary>A residual block: a branch of layers summed with a shortcut, scaled by a block gate when removable.</summary>
/// <param name="Name">Dotted module path, e.g. "stage1.0".</param>
/// <param name="WidthsName">The <c>Widths</c> flag name when removable, e.g. "Stage1Block0".</param>
/// <param name="Layers">The branch's layers (projection excluded), in forward order.</param>
/// <param name="ProjectionLayer">The projection conv's layer index, or -1.</param>
public sealed record BlockInfo(
    int Index, string Name, string WidthsName, int Stage, bool Removable, ShortcutKind Shortcut,
    IReadOnlyList<int> Layers, int ProjectionLayer, int InputGroup, int OutputGroup, bool ReluAfterSum);

/// <summary>A stage: consecutive blocks at one resolution; its input and output are the cut points of a split into sub-networks.</summary>
/// <param name="Member">Index into <see cref="NetworkStructure.Members"/> of the stage's property.</param>
public sealed record StageInfo(
    int Index, string Name, int Member, IReadOnlyList<int> Blocks, int InputGroup, int OutputGroup,
    int InputSize, int OutputSize);

/// <summary>What a declared top-level member is.</summary>
public enum MemberKind
{
    Conv,
    Stage,
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    Linear,
    Head,
}

/// <summary>A declared top-level member of the network (a property), in declaration order.</summary>
/// <param name="Name">The property name, e.g. "Stage1".</param>
/// <param name="ModuleName">Its state-dict prefix, e.g. "stage1".</param>
/// <param name="Layers">Its conv/linear layers.</param>
public sealed record MemberInfo(
    int Index, string Name, string ModuleName, MemberKind Kind, IReadOnlyList<int> Layers,
    int InputGroup, int OutputGroup, int InputSize, int OutputSize);
