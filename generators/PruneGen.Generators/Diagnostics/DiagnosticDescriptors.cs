using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace PruneGen.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs are stable: never renumber, only add.
/// Messages name the class or member they are about and are reported at the user's declaration.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "PruneGen";

    public static readonly DiagnosticDescriptor ClassNotPartial = Error("PG0001",
        "Declaration must be partial",
        "'{0}' must be declared partial: PruneGen generates the rest of the class");

    public static readonly DiagnosticDescriptor LayerNotPartialProperty = Error("PG0002",
        "Layer must be a partial get-only instance property",
        "Layer '{0}' must be a partial get-only instance property, e.g. 'public partial {1} {0} {{ get; }}'");

    public static readonly DiagnosticDescriptor UnsupportedLayer = Error("PG0003",
        "Unsupported layer or member type",
        "Layer '{0}' has type '{1}', which PruneGen cannot build: {2}");

    public static readonly DiagnosticDescriptor ChannelMismatch = Error("PG0004",
        "Channel mismatch between consecutive layers",
        "Channel mismatch at '{0}': {1}");

    public static readonly DiagnosticDescriptor StepDoesNotDivideWidth = Error("PG0005",
        "Prune step does not divide the width",
        "Prune step {0} on '{1}' does not divide the {2} channels of group '{3}'");

    public static readonly DiagnosticDescriptor MinimumAboveWidth = Error("PG0006",
        "Prune minimum above the width",
        "Prune minimum {0} on '{1}' is above the {2} channels of group '{3}'");

    public static readonly DiagnosticDescriptor RemovalChangesShape = Error("PG0007",
        "Removable block whose removal would change the shape",
        "'{0}': {1}");

    public static readonly DiagnosticDescriptor DuplicateName = Error("PG0008",
        "Duplicate name",
        "The name '{0}' of {1} is already used by {2}");

    public static readonly DiagnosticDescriptor ValueOutOfRange = Error("PG0009",
        "Attribute value out of range",
        "{0} = {1} on '{2}' is out of range: {3}");

    public static readonly DiagnosticDescriptor MissingLayerAttribute = Error("PG0010",
        "Layer attribute missing",
        "Layer '{0}' of type {1} needs a [{2}] attribute");

    public static readonly DiagnosticDescriptor AttributeNotApplicable = Error("PG0011",
        "Attribute does not apply to this layer",
        "[{0}] does not apply to '{1}': {2}");

    public static readonly DiagnosticDescriptor InvalidLayerSequence = Error("PG0012",
        "Invalid layer sequence or shape",
        "'{0}': {1}");

    public static readonly DiagnosticDescriptor UnsupportedClassShape = Error("PG0013",
        "Unsupported declaring class",
        "'{0}' {1}");

    public static readonly DiagnosticDescriptor InvalidExperiment = Error("PG0014",
        "Invalid experiment declaration",
        "Experiment '{0}': {1}");

    public static readonly DiagnosticDescriptor InvalidOption = Error("PG0015",
        "Invalid experiment option",
        "Option '{0}' of '{1}': {2}");

    public static readonly DiagnosticDescriptor InvalidConfig = Error("PG0016",
        "Invalid experiment config file",
        "{0}: {1}");

    public static readonly DiagnosticDescriptor InternalError = Error("PG9999",
        "PruneGen internal error",
        "PruneGen failed on '{0}': {1} (please report this)");

    public static readonly DiagnosticDescriptor[] All =
    {
        ClassNotPartial, LayerNotPartialProperty, UnsupportedLayer, ChannelMismatch, StepDoesNotDivideWidth,
        MinimumAboveWidth, RemovalChangesShape, DuplicateName, ValueOutOfRange, MissingLayerAttribute,
        AttributeNotApplicable, InvalidLayerSequence, UnsupportedClassShape, InvalidExperiment, InvalidOption, InvalidConfig, InternalError,
    };

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
