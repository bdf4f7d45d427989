namespace PruneGen;

// Search-space attributes are kept apart from the architecture attributes: the same architecture can
// be declared with different search spaces, and a method reads only these to know what it may change.

/// <summary>
/// Makes the channel groups this layer owns prunable: the output group of a conv or linear layer; for a
/// stage, every group inside its blocks and (unless <see cref="IncludeStream"/> is false) its residual
/// stream. Reachable widths are the multiples of <see cref="Step"/> between <see cref="Min"/> and the
/// full width.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PruneAttribute : Attribute
{
    /// <summary>Chunk size: widths change in multiples of it; must divide the full width (default 1).</summary>
    public int Step { get; set; } = 1;

    /// <summary>Smallest width; 0 (default) means <see cref="Step"/>.</summary>
    public int Min { get; set; }

    /// <summary>For a stage: whether its residual-stream group is prunable too (default true).</summary>
    public bool IncludeStream { get; set; } = true;
}

/// <summary>
/// Makes blocks of a stage removable (a removed block leaves its shortcut). Without arguments: every
/// block with an identity shortcut (plus projection blocks when <see cref="IncludeProjection"/>). With
/// indices: exactly those blocks (0-based), each of which must have a shortcut.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RemovableBlocksAttribute : Attribute
{
    public RemovableBlocksAttribute(params int[] blocks) => Blocks = blocks;

    /// <summary>The 0-based indices of the removable blocks; empty means "all that can be removed".</summary>
    public int[] Blocks { get; }

    /// <summary>Also make blocks with a projection shortcut removable (the projection stays).</summary>
    public bool IncludeProjection { get; set; }
}

/// <summary>Keeps every group this layer owns at full width, even where a <c>[Prune]</c> would apply (shared groups included).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class FrozenAttribute : Attribute
{
}
