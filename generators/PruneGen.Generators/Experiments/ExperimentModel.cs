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
    EquatableArray<ChoiceDeclaration> Choices);

/// <summary>What the program-level step needs: the experiments, and whether the project is an executable.</summary>
internal sealed record ExperimentProgram(EquatableArray<ExperimentDeclaration> Experiments, bool IsExecutable, bool HasHost);
