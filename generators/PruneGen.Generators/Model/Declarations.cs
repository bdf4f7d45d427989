namespace PruneGen.Generators.Model;

// The parser's output: what the user wrote, as plain equatable data (no symbols, no syntax).
// Values are taken verbatim from the attributes; range checks happen in the analyzer.

/// <summary>The kind of a declared layer, decided by the property's type.</summary>
internal enum LayerKind
{
    ConvBn,
    ConvBnRelu,
    BasicStage,
    BottleneckStage,
    CustomStage,
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    LinearRelu,
    Head,
}

/// <summary>Mirror of the runtime's <c>PruneGen.Residual</c> enum (same values).</summary>
internal enum ResidualKind
{
    None = 0,
    Identity = 1,
    IdentityOrNone = 2,
    IdentityOrProjection = 3,
}

/// <summary>The class being generated: where it lives and how it is declared.</summary>
/// <param name="Namespace">Null for the global namespace.</param>
/// <param name="Accessibility">"public" or "internal".</param>
internal sealed record TypeDeclaration(string? Namespace, string Name, string Accessibility, LocationInfo? Location)
{
    public string FullyQualifiedName => Namespace is null ? "global::" + Name : "global::" + Namespace + "." + Name;
    public string HintPrefix => Namespace is null ? Name : Namespace + "." + Name;
}

internal sealed record ConvArguments(int Channels, int Kernel, int Stride, int Padding, bool Depthwise, int Expansion, bool Strided, LocationInfo? Location);

internal sealed record StageArguments(int Width, int Blocks, int Stride, LocationInfo? Location);

internal sealed record PoolArguments(int Kernel, int Stride, LocationInfo? Location);

internal sealed record LinearArguments(int Features, LocationInfo? Location);

internal sealed record PruneArguments(int Step, int Min, bool IncludeStream, LocationInfo? Location);

internal sealed record RemovableArguments(EquatableArray<int> Blocks, bool IncludeProjection, LocationInfo? Location);

/// <summary>One declared layer (a partial property) with its attributes.</summary>
/// <param name="TypeName">The property type as written for messages, e.g. "ConvBnRelu".</param>
/// <param name="Accessibility">The property's accessibility keywords, repeated by the implementation.</param>
/// <param name="Block">For <see cref="LayerKind.CustomStage"/>: the block class.</param>
internal sealed record MemberDeclaration(
    string Name, LocationInfo? Location, LayerKind Kind, string TypeName, string Accessibility,
    ConvArguments? Conv, StageArguments? Stage, PoolArguments? Pool, LinearArguments? Linear,
    PruneArguments? Prune, RemovableArguments? Removable, LocationInfo? Frozen,
    BlockDeclaration? Block);

/// <summary>A <c>[Block]</c> class: its branch layers in declaration order and how the sum is formed.</summary>
internal sealed record BlockDeclaration(
    TypeDeclaration Type, ResidualKind Residual, bool ReluAfterSum, EquatableArray<MemberDeclaration> Members,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A <c>[Network]</c> class as declared.</summary>
/// <param name="OtherMemberNames">Names of the class's other members (to detect clashes with generated ones).</param>
internal sealed record NetworkDeclaration(
    TypeDeclaration Type, int InputChannels, int InputSize, int Classes, LocationInfo? AttributeLocation,
    EquatableArray<MemberDeclaration> Members, EquatableArray<string> OtherMemberNames,
    EquatableArray<DiagnosticInfo> Diagnostics);
