using PruneGen.Generators.Model;

namespace PruneGen.Generators.Experiments;

/// <summary>One <c>[Experiment]</c> class as equatable data: what the attribute and the option properties say.</summary>
/// <param name="NetworkType">Fully qualified name of the network class (null when the declaration has no usable one).</param>
/// <param name="NetworkName">The network's simple name, as the catalog lists it.</param>
internal sealed record ExperimentDeclaration(
    TypeDeclaration Type,
    string Name,
    string Description,
    string Method,
    string Dataset,
    string? NetworkType,
    string NetworkName,
    int Epochs,
    int StepsPerEpoch,
    int BatchSize,
    int TrainSubset,
    LocationInfo? AttributeLocation,
    EquatableArray<OptionDeclaration> Options,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;
}

/// <summary>The C# type behind an option, which decides the descriptor factory emitted.</summary>
internal enum OptionType
{
    Int,
    Long,
    Double,
    Bool,
    Text,
    Choice,
}

/// <summary>One enum value of a choice option: its config name and the enum member.</summary>
internal sealed record ChoiceDeclaration(string Key, string Member);

/// <summary>
/// One attributed option property. Literals are C# source text, already checked against the type
/// (default in range, bounds only on numbers).
/// </summary>
/// <param name="EnumType">Fully qualified enum type of a choice option.</param>
internal sealed record OptionDeclaration(
    string Property,
    string Key,
    OptionType Type,
    string? EnumType,
    string DefaultLiteral,
    string? MinLiteral,
    string? MaxLiteral,
    string Description,
    EquatableArray<ChoiceDeclaration> Choices)
{
    /// <summary>
    /// Parser-only helper that checks and formats another default for this option (null when invalid,
    /// after reporting why). Excluded from equality: it is gone before the model leaves the parser's step.
    /// </summary>
    public System.Func<Microsoft.CodeAnalysis.TypedConstant, System.Action<string>, string?>? OverrideDefault { get; init; }

    public bool Equals(OptionDeclaration? other) =>
        other is not null && Property == other.Property && Key == other.Key && Type == other.Type && EnumType == other.EnumType
        && DefaultLiteral == other.DefaultLiteral && MinLiteral == other.MinLiteral && MaxLiteral == other.MaxLiteral
        && Description == other.Description && Choices.Equals(other.Choices);

    public override int GetHashCode() => (Key, DefaultLiteral).GetHashCode();
}

/// <summary>What the program-level step needs: the experiments, and whether the project is an executable.</summary>
internal sealed record ExperimentProgram(EquatableArray<ExperimentDeclaration> Experiments, bool IsExecutable, bool HasHost);
