using System.Linq;

namespace PruneGen.Generators.Model;

// The analyzer's output and the emitter's only input: the network resolved into layers, channel
// groups, blocks and stages, with every number the emitted code needs. Mirrors the runtime's
// PruneGen.Structure types; indices refer to positions in the plan's arrays.

/// <summary>Mirror of the runtime's <c>PruneGen.Structure.MemberKind</c>.</summary>
internal enum MemberKind
{
    Conv,
    Stage,
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    Linear,
    Head,
}

/// <summary>Mirror of the runtime's <c>PruneGen.Structure.ShortcutKind</c>.</summary>
internal enum ShortcutKind
{
    None,
    Identity,
    Projection,
}

/// <param name="UnitGate">Index among the prunable groups (= Widths member and unit-gate order), or -1.</param>
/// <param name="Owner">Index of the member whose [Prune]/[Frozen] decides the group's search space, or -1.</param>
internal sealed record GroupPlan(
    int Index, string Name, int Size, int Step, int Min, bool Prunable, bool IsStream,
    EquatableArray<int> Producers, EquatableArray<int> Consumers, int UnitGate, int Owner);

/// <param name="Path">Dotted module path, e.g. "stage1.0.conv1".</param>
/// <param name="ModuleName">Last segment of the path, the name the layer is registered under.</param>
internal sealed record LayerPlan(
    int Index, string Path, string ModuleName, bool IsLinear, int InGroup, int OutGroup, int InChannels, int OutChannels,
    int Kernel, int Stride, int Padding, bool Depthwise, int InputSize, int OutputSize,
    bool BatchNorm, bool Relu, bool Bias, int Block, int Stage, bool IsProjection, int Member);

/// <param name="FlagName">Widths flag name ("Stage1Block1"), used when removable.</param>
/// <param name="BlockGate">Index among removable blocks (= Widths flag and block-gate order), or -1.</param>
internal sealed record BlockPlan(
    int Index, string Path, string FlagName, int Stage, int Member, int IndexInStage, bool Removable, int BlockGate,
    ShortcutKind Shortcut, EquatableArray<int> Layers, int ProjectionLayer, int InGroup, int OutGroup, bool ReluAfterSum);

internal sealed record StagePlan(
    int Index, string Name, int Member, EquatableArray<int> Blocks, int InGroup, int OutGroup, int InputSize, int OutputSize);

/// <param name="PropertyType">Fully qualified property type, e.g. "global::PruneGen.Layers.BasicStage".</param>
/// <param name="BlockType">For stages: the fully qualified block class built for each block.</param>
internal sealed record MemberPlan(
    int Index, string Name, string ModuleName, MemberKind Kind, string PropertyType, string Accessibility,
    EquatableArray<int> Layers, int Stage, int InGroup, int OutGroup, int InputSize, int OutputSize,
    int PoolKernel, int PoolStride, string? BlockType);

internal sealed record NetworkPlan(
    TypeDeclaration Type, int InputChannels, int InputSize, int Classes,
    EquatableArray<GroupPlan> Groups, EquatableArray<LayerPlan> Layers, EquatableArray<BlockPlan> Blocks,
    EquatableArray<StagePlan> Stages, EquatableArray<MemberPlan> Members, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;

    public GroupPlan[] PrunableGroups => Groups.Where(g => g.Prunable).ToArray();

    public BlockPlan[] RemovableBlocks => Blocks.Where(b => b.Removable).ToArray();
}

/// <summary>What the generator adds for a <c>[Block]</c> class: typed accessors over the runtime's ResidualBlock.</summary>
/// <param name="Layers">(property name, accessibility, fully qualified layer type) in branch order.</param>
internal sealed record BlockClassPlan(
    TypeDeclaration Type, EquatableArray<BlockAccessor> Layers, EquatableArray<DiagnosticInfo> Diagnostics);

internal sealed record BlockAccessor(string Name, string Accessibility, string LayerType);

/// <summary>One generated source file.</summary>
internal sealed record GeneratedFile(string HintName, string Text);

/// <summary>A pipeline step's result: the files to add and the diagnostics to report.</summary>
internal sealed record GeneratorOutput(EquatableArray<GeneratedFile> Files, EquatableArray<DiagnosticInfo> Diagnostics);
