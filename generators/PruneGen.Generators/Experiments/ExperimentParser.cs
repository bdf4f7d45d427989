using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PruneGen.Generators.Diagnostics;
using PruneGen.Generators.Model;

namespace PruneGen.Generators.Experiments;

/// <summary>
/// Reads an <c>[Experiment]</c> class (symbols) into <see cref="ExperimentDeclaration"/> and checks
/// everything the hosting runtime would otherwise reject at start-up: the name, the network, the
/// dataset, the budget, the method factory and every option (type, key, default, range).
/// </summary>
internal static class ExperimentParser
{
    public const string ExperimentOptionsType = "PruneGen.Experiments.ExperimentOptions";
    public const string TrainingMethodType = "PruneGen.Training.TrainingMethod";

    /// <summary>Dataset names the attribute accepts (the emitter maps each to a factory).</summary>
    public static readonly string[] Datasets = { "fashion-mnist", "fashion-mnist-plain", "synthetic" };

    /// <summary>Keys every experiment already has (hosting's CommonOptions) plus the reserved "experiment".</summary>
    private static readonly HashSet<string> s_reservedKeys = new()
    {
        "experiment", "epochs", "steps_per_epoch", "batch_size", "seed", "threads", "train_subset", "test_subset", "lr", "momentum",
        "weight_decay", "lr_schedule", "warmup_epochs", "checkpoint_every", "deterministic", "channels_last", "latency_batch", "latency_repeats",
        "latency_threads",
    };

    public static ExperimentDeclaration Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var type = new TypeDeclaration(
            symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            symbol.Name, symbol.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
            LocationInfo.From(symbol.Locations.FirstOrDefault()));
        var diagnostics = new List<DiagnosticInfo>();
        AttributeData attribute = context.Attributes[0];
        LocationInfo? at = LocationInfo.From(attribute.ApplicationSyntaxReference) ?? type.Location;
        string name = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string n ? n : "";
        try
        {
            string label = name.Length > 0 ? name : symbol.Name;
            void Error(string message, LocationInfo? location = null) =>
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExperiment, location ?? at, label, message));

            CheckClassShape(symbol, type, diagnostics, Error);
            if (!IsKebabCase(name)) Error($"the name '{name}' must be kebab-case (lower-case letters, digits and '-', starting with a letter)");

            string method = NamedString(attribute, "Method") ?? "";
            if (method.Length == 0) Error("name the method, e.g. Method = \"l1\"");
            string dataset = NamedString(attribute, "Dataset") ?? "fashion-mnist";
            if (!Datasets.Contains(dataset)) Error($"unknown dataset '{dataset}'; use one of {string.Join(", ", Datasets.Select(d => "\"" + d + "\""))}");

            int epochs = NamedInt(attribute, "Epochs", 0), steps = NamedInt(attribute, "StepsPerEpoch", 0);
            int batch = NamedInt(attribute, "BatchSize", 128), subset = NamedInt(attribute, "TrainSubset", 0);
            if (epochs < 1) Error($"Epochs = {epochs}: the budget needs at least one epoch (set Epochs = N)");
            if (steps < 0) Error($"StepsPerEpoch = {steps} must be 0 (whole epoch) or more");
            if (batch < 1) Error($"BatchSize = {batch} must be at least 1");
            if (subset < 0) Error($"TrainSubset = {subset} must be 0 (all) or more");

            string? networkType = null, networkName = "";
            TypedConstant network = NamedArgument(attribute, "Network");
            if (network.Kind != TypedConstantKind.Type || network.Value is not INamedTypeSymbol networkSymbol)
                Error("name the network, e.g. Network = typeof(ResNet20)");
            else if (!networkSymbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.NetworkAttribute))
                Error($"Network = typeof({networkSymbol.Name}) is not a [Network] class");
            else
            {
                networkType = "global::" + networkSymbol.ToDisplayString();
                networkName = networkSymbol.Name;
            }

            List<OptionDeclaration> options = ParseOptions(symbol, label, diagnostics, cancellationToken);
            ApplyDefaultOverrides(symbol, label, options, diagnostics);
            // The override helpers hold symbols; none may outlive this step.
            options = options.Select(o => o with { OverrideDefault = null }).ToList();
            return new ExperimentDeclaration(type, name, NamedString(attribute, "Description") ?? "", method, dataset, networkType, networkName,
                epochs, steps, batch, subset, at, options.ToEquatableArray(), diagnostics.ToEquatableArray());
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, type.Location, type.Name, e.Message));
            return new ExperimentDeclaration(type, name, "", "", "", null, "", 0, 0, 0, 0, at,
                EquatableArray<OptionDeclaration>.Empty, diagnostics.ToEquatableArray());
        }
    }

    // [OptionDefault("key", value)]: this experiment's own default for an [Option] (usually an inherited one).
    private static void ApplyDefaultOverrides(INamedTypeSymbol symbol, string experiment, List<OptionDeclaration> options, List<DiagnosticInfo> diagnostics)
    {
        foreach (AttributeData attribute in symbol.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == KnownNames.OptionDefaultAttribute))
        {
            if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not string key) continue;
            LocationInfo? at = LocationInfo.From(attribute.ApplicationSyntaxReference);
            void Error(string message) => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOption, at, key, experiment, message));
            int index = options.FindIndex(o => o.Key == key);
            if (index < 0)
            {
                Error(s_reservedKeys.Contains(key)
                    ? "a common option's default comes from the budget (Epochs, StepsPerEpoch, BatchSize, TrainSubset) or from a config"
                    : $"no [Option] has this key; the experiment's options are {(options.Count == 0 ? "(none)" : string.Join(", ", options.Select(o => o.Key)))}");
                continue;
            }
            if (options[index].OverrideDefault?.Invoke(attribute.ConstructorArguments[1], Error) is string literal)
                options[index] = options[index] with { DefaultLiteral = literal };
        }
    }

    public static bool IsKebabCase(string name) =>
        name.Length > 0 && name[0] is >= 'a' and <= 'z' && name[name.Length - 1] != '-'
        && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');

    private static void CheckClassShape(INamedTypeSymbol symbol, TypeDeclaration type, List<DiagnosticInfo> diagnostics, System.Action<string, LocationInfo?> error)
    {
        foreach (SyntaxReference reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is ClassDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial,
                    LocationInfo.From(declaration.Identifier.GetLocation()), symbol.Name));
        }
        if (symbol.ContainingType is not null) error("the class must be top-level (not nested in another type)", type.Location);
        if (symbol.TypeParameters.Length > 0) error("the class must not be generic", type.Location);
        if (symbol.IsStatic || symbol.IsAbstract) error("the class must not be static or abstract", type.Location);
        if (!DerivesFrom(symbol, ExperimentOptionsType))
            error($"'{symbol.Name}' must derive from {ExperimentOptionsType} (it is the experiment's options object)", type.Location);
        if (!symbol.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal))
            error($"'{symbol.Name}' needs a public parameterless constructor (the host creates the options object)", type.Location);

        IMethodSymbol? create = null;
        for (INamedTypeSymbol? t = symbol; t is not null && create is null; t = t.BaseType)
            create = t.GetMembers("CreateMethod").OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic && m.Parameters.Length == 0);
        if (create is null || create.ReturnType is not INamedTypeSymbol returned || !(returned.ToDisplayString() == TrainingMethodType || DerivesFrom(returned, TrainingMethodType))
            || create.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            error($"'{symbol.Name}' needs a method 'public TrainingMethod CreateMethod()' that builds the method from the resolved options", type.Location);
    }

    private static bool DerivesFrom(INamedTypeSymbol symbol, string baseName)
    {
        for (INamedTypeSymbol? t = symbol.BaseType; t is not null; t = t.BaseType)
            if (t.ToDisplayString() == baseName) return true;
        return false;
    }

    // Base classes first (a shared options class's keys come before the experiment's own), then declaration order.
    private static List<OptionDeclaration> ParseOptions(INamedTypeSymbol symbol, string experiment, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? t = symbol; t is not null && t.ToDisplayString() != ExperimentOptionsType; t = t.BaseType) chain.Insert(0, t);
        var options = new List<OptionDeclaration>();
        var keys = new HashSet<string>();
        foreach (INamedTypeSymbol type in chain)
        {
            IEnumerable<IPropertySymbol> properties = type.GetMembers().OfType<IPropertySymbol>()
                .OrderBy(p => p.Locations.FirstOrDefault()?.SourceTree?.FilePath ?? "", System.StringComparer.Ordinal)
                .ThenBy(p => p.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0);
            foreach (IPropertySymbol property in properties)
            {
                cancellationToken.ThrowIfCancellationRequested();
                AttributeData? attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.OptionAttribute);
                if (attribute is null) continue;
                OptionDeclaration? option = ParseOption(property, attribute, experiment, diagnostics);
                if (option is null) continue;
                if (!keys.Add(option.Key))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOption, Where(property, attribute), property.Name, experiment,
                        $"the key '{option.Key}' is used by another option of this experiment"));
                    continue;
                }
                options.Add(option);
            }
        }
        return options;
    }

    private static LocationInfo? Where(IPropertySymbol property, AttributeData attribute) =>
        LocationInfo.From(attribute.ApplicationSyntaxReference) ?? LocationInfo.From(property.Locations.FirstOrDefault());

    private static OptionDeclaration? ParseOption(IPropertySymbol property, AttributeData attribute, string experiment, List<DiagnosticInfo> diagnostics)
    {
        LocationInfo? at = Where(property, attribute);
        int before = diagnostics.Count;
        void Error(string message) => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOption, at, property.Name, experiment, message));

        if (property.IsStatic || property.IsIndexer || property.GetMethod is null || property.SetMethod is null || property.SetMethod.IsInitOnly
            || property.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal)
            || property.SetMethod.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            Error("an option must be a public instance property with a public getter and setter ({ get; set; })");

        string description = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string d ? d : "";
        if (description.Trim().Length == 0) Error("give the option a description: [Option(\"what it does\")]");
        string key = NamedString(attribute, "Key") ?? Naming.Snake(property.Name);
        if (!IsSnakeCase(key)) Error($"the key '{key}' must be snake_case (lower-case letters, digits and '_', starting with a letter)");
        else if (s_reservedKeys.Contains(key)) Error($"the key '{key}' is a common option every experiment already has; choose another name");

        ITypeSymbol type = property.Type;
        OptionType kind;
        string? enumType = null;
        var choices = new List<ChoiceDeclaration>();
        switch (type.SpecialType)
        {
            case SpecialType.System_Int32: kind = OptionType.Int; break;
            case SpecialType.System_Int64: kind = OptionType.Long; break;
            case SpecialType.System_Double: kind = OptionType.Double; break;
            case SpecialType.System_Boolean: kind = OptionType.Bool; break;
            case SpecialType.System_String: kind = OptionType.Text; break;
            default:
                if (type.TypeKind == TypeKind.Enum)
                {
                    kind = OptionType.Choice;
                    enumType = "global::" + type.ToDisplayString();
                    foreach (IFieldSymbol field in type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue))
                        choices.Add(new ChoiceDeclaration(Naming.Snake(field.Name), field.Name));
                    break;
                }
                Error($"type '{type.ToDisplayString()}' is not an option type; use int, long, double, bool, string or an enum");
                return null;
        }

        double min = NamedDouble(attribute, "Min"), max = NamedDouble(attribute, "Max");
        bool numeric = kind is OptionType.Int or OptionType.Long or OptionType.Double;
        if (!numeric && (!double.IsNaN(min) || !double.IsNaN(max))) Error("Min and Max apply to numbers only");
        if (kind is OptionType.Int or OptionType.Long && (!IsWhole(min) || !IsWhole(max))) Error("Min and Max of an integer option must be whole numbers");
        if (!double.IsNaN(min) && !double.IsNaN(max) && min > max) Error($"Min = {Num(min)} is above Max = {Num(max)}");

        TypedConstant value = NamedArgument(attribute, "Default");
        string? literal = null;
        double? number = null;
        if (value.Kind == TypedConstantKind.Error || value.IsNull && value.Kind != TypedConstantKind.Primitive)
            Error($"give the option a default of type {type.ToDisplayString()}: Default = ...");
        else
            (literal, number) = Literal(kind, type, enumType, value, Error);
        if (number is double v)
        {
            if (!double.IsNaN(min) && v < min) Error($"the default {Num(v)} is below Min = {Num(min)}");
            if (!double.IsNaN(max) && v > max) Error($"the default {Num(v)} is above Max = {Num(max)}");
        }
        if (diagnostics.Count > before || literal is null) return null;

        string? Bound(double bound) => double.IsNaN(bound) ? null
            : kind == OptionType.Int ? ((long)bound).ToString(CultureInfo.InvariantCulture)
            : kind == OptionType.Long ? ((long)bound).ToString(CultureInfo.InvariantCulture) + "L"
            : Num(bound);
        return new OptionDeclaration(property.Name, key, kind, enumType, literal, Bound(min), Bound(max), description, choices.ToEquatableArray())
        {
            OverrideDefault = (overriding, report) =>
            {
                (string? l, double? x) = Literal(kind, type, enumType, overriding, report);
                if (x is double y && !double.IsNaN(min) && y < min) report($"the default {Num(y)} is below Min = {Num(min)}");
                else if (x is double z && !double.IsNaN(max) && z > max) report($"the default {Num(z)} is above Max = {Num(max)}");
                else return l;
                return null;
            },
        };
    }

    /// <summary>A default value as C# source for the option's type (and as a number for range checks); null after reporting a mismatch.</summary>
    private static (string? Literal, double? Number) Literal(OptionType kind, ITypeSymbol type, string? enumType, TypedConstant value, System.Action<string> error)
    {
        switch (kind)
        {
            case OptionType.Int when value.Value is int i: return (i.ToString(CultureInfo.InvariantCulture), i);
            case OptionType.Long when value.Value is int or long:
                long l = System.Convert.ToInt64(value.Value, CultureInfo.InvariantCulture);
                return (l.ToString(CultureInfo.InvariantCulture) + "L", l);
            case OptionType.Double when value.Value is double or float or int or long:
                double x = System.Convert.ToDouble(value.Value, CultureInfo.InvariantCulture);
                if (double.IsNaN(x) || double.IsInfinity(x))
                {
                    error("the default must be a finite number");
                    return (null, null);
                }
                return (Num(x), x);
            case OptionType.Bool when value.Value is bool b: return (b ? "true" : "false", null);
            case OptionType.Text when value.Value is string s: return (Naming.Literal(s), null);
            case OptionType.Choice when value.Kind == TypedConstantKind.Enum && SymbolEqualityComparer.Default.Equals(value.Type, type):
                IFieldSymbol? member = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value.Value));
                if (member is not null) return (enumType + "." + member.Name, null);
                error("the default is not a named member of the enum");
                return (null, null);
            default:
                error($"the default {value.ToCSharpString()} does not have the option's type {type.ToDisplayString()}");
                return (null, null);
        }
    }

    private static bool IsWhole(double x) => double.IsNaN(x) || (x == System.Math.Floor(x) && System.Math.Abs(x) < 9e18);

    private static bool IsSnakeCase(string key) =>
        key.Length > 0 && key[0] is >= 'a' and <= 'z' && key.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');

    /// <summary>A double as a C# literal that round-trips: "0.5", "1.0", "1E-05".</summary>
    private static string Num(double x)
    {
        string s = x.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains(".") || s.Contains("E") ? s : s + ".0";
    }

    private static TypedConstant NamedArgument(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            if (argument.Key == name) return argument.Value;
        return default;
    }

    private static string? NamedString(AttributeData attribute, string name) => NamedArgument(attribute, name).Value as string;

    private static int NamedInt(AttributeData attribute, string name, int fallback) => NamedArgument(attribute, name).Value is int i ? i : fallback;

    private static double NamedDouble(AttributeData attribute, string name) =>
        NamedArgument(attribute, name).Value switch { double d => d, float f => f, int i => i, long l => l, _ => double.NaN };
}
