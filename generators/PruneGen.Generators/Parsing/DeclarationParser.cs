using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PruneGen.Generators.Diagnostics;
using PruneGen.Generators.Model;

namespace PruneGen.Generators.Parsing;

/// <summary>
/// Reads attributed classes (symbols) into the equatable declaration model. It records what was
/// written and reports problems that need symbols (partial-ness, types); everything that needs the
/// network's channel flow is checked later by the analyzer.
/// </summary>
internal static class DeclarationParser
{
    public static NetworkDeclaration ParseNetwork(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        TypeDeclaration type = DescribeType(symbol);
        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            CheckClassShape(symbol, type, diagnostics);
            AttributeData attribute = context.Attributes[0];
            var otherNames = new List<string>();
            List<MemberDeclaration> members = ParseMembers(symbol, insideBlock: false, diagnostics, otherNames, cancellationToken);
            return new NetworkDeclaration(type,
                NamedInt(attribute, "InputChannels", 0), NamedInt(attribute, "InputSize", 0), NamedInt(attribute, "Classes", 0),
                LocationInfo.From(attribute.ApplicationSyntaxReference) ?? type.Location,
                members.ToEquatableArray(), otherNames.ToEquatableArray(), diagnostics.ToEquatableArray());
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, type.Location, type.Name, e.Message));
            return new NetworkDeclaration(type, 0, 0, 0, type.Location, EquatableArray<MemberDeclaration>.Empty,
                EquatableArray<string>.Empty, diagnostics.ToEquatableArray());
        }
    }

    public static BlockDeclaration ParseBlock(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        try
        {
            return ParseBlockSymbol(symbol, context.Attributes[0], cancellationToken);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            TypeDeclaration type = DescribeType(symbol);
            return new BlockDeclaration(type, ResidualKind.None, false, EquatableArray<MemberDeclaration>.Empty,
                new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, type.Location, type.Name, e.Message) });
        }
    }

    private static BlockDeclaration ParseBlockSymbol(INamedTypeSymbol symbol, AttributeData attribute, CancellationToken cancellationToken)
    {
        TypeDeclaration type = DescribeType(symbol);
        var diagnostics = new List<DiagnosticInfo>();
        CheckClassShape(symbol, type, diagnostics);
        List<MemberDeclaration> members = ParseMembers(symbol, insideBlock: true, diagnostics, new List<string>(), cancellationToken);
        if (members.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerSequence, type.Location, type.Name,
                "a [Block] needs at least one ConvBn or ConvBnRelu layer"));
        var residual = (ResidualKind)NamedInt(attribute, "Residual", (int)ResidualKind.IdentityOrProjection);
        return new BlockDeclaration(type, residual, NamedBool(attribute, "ReluAfterSum", true),
            members.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static TypeDeclaration DescribeType(INamedTypeSymbol symbol) => new(
        symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
        symbol.Name,
        symbol.DeclaredAccessibility == Accessibility.Public ? "public" : "internal",
        LocationInfo.From(symbol.Locations.FirstOrDefault()));

    private static void CheckClassShape(INamedTypeSymbol symbol, TypeDeclaration type, List<DiagnosticInfo> diagnostics)
    {
        foreach (SyntaxReference reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is ClassDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNotPartial,
                    LocationInfo.From(declaration.Identifier.GetLocation()), symbol.Name));
        }
        string? problem =
            symbol.ContainingType is not null ? "must be a top-level class (not nested in another type)" :
            symbol.TypeParameters.Length > 0 ? "must not be generic" :
            symbol.IsRecord ? "must be a class, not a record" :
            symbol.IsStatic || symbol.IsAbstract ? "must not be static or abstract" :
            symbol.BaseType is { SpecialType: not SpecialType.System_Object } ? "must not declare a base class: the generated code supplies it" :
            null;
        if (problem is not null)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedClassShape, type.Location, symbol.Name, problem));
    }

    private static List<MemberDeclaration> ParseMembers(INamedTypeSymbol symbol, bool insideBlock, List<DiagnosticInfo> diagnostics,
        List<string> otherNames, CancellationToken cancellationToken)
    {
        var members = new List<MemberDeclaration>();
        // Declaration order is the layer order; across several partial files, file path then position decides.
        IEnumerable<ISymbol> ordered = symbol.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.CanBeReferencedByName)
            .OrderBy(m => m.Locations.FirstOrDefault()?.SourceTree?.FilePath ?? "", System.StringComparer.Ordinal)
            .ThenBy(m => m.Locations.FirstOrDefault()?.SourceSpan.Start ?? 0);
        foreach (ISymbol member in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IPropertySymbol property)
            {
                otherNames.Add(member.Name);
                continue;
            }
            MemberDeclaration? layer = ParseMember(property, insideBlock, diagnostics, cancellationToken);
            if (layer is null) otherNames.Add(member.Name);
            else members.Add(layer);
        }
        return members;
    }

    private static MemberDeclaration? ParseMember(IPropertySymbol property, bool insideBlock, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        ImmutableArray<AttributeData> attributes = property.GetAttributes();
        AttributeData? conv = Find(attributes, KnownNames.ConvAttribute);
        AttributeData? stage = Find(attributes, KnownNames.StageAttribute);
        AttributeData? pool = Find(attributes, KnownNames.PoolAttribute);
        AttributeData? linear = Find(attributes, KnownNames.LinearAttribute);
        AttributeData? classifier = Find(attributes, KnownNames.ClassifierAttribute);
        AttributeData? prune = Find(attributes, KnownNames.PruneAttribute);
        AttributeData? removable = Find(attributes, KnownNames.RemovableBlocksAttribute);
        AttributeData? frozen = Find(attributes, KnownNames.FrozenAttribute);
        bool hasPruneGenAttribute = new[] { conv, stage, pool, linear, classifier, prune, removable, frozen }.Any(a => a is not null);

        LocationInfo? location = LocationInfo.From(property.Locations.FirstOrDefault());
        string typeName = property.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        LayerKind? kind = Classify(property.Type, out INamedTypeSymbol? blockType);
        if (kind is null)
        {
            if (hasPruneGenAttribute)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLayer, location, property.Name, typeName,
                    "use " + KnownNames.LayerTypeList));
            return null;
        }

        bool isPartialGetOnly = property.IsPartialDefinition && property.PartialImplementationPart is null
            && !property.IsStatic && !property.IsIndexer && property.GetMethod is not null && property.SetMethod is null;
        if (!isPartialGetOnly)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNotPartialProperty, location, property.Name, typeName));
            return null;
        }

        if (insideBlock && kind is not (LayerKind.ConvBn or LayerKind.ConvBnRelu))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLayer, location, property.Name, typeName,
                "a [Block]'s branch holds only ConvBn and ConvBnRelu layers"));
            return null;
        }

        // Attributes that belong to another kind of layer.
        void NotApplicable(AttributeData? attribute, string name, string reason)
        {
            if (attribute is not null)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AttributeNotApplicable,
                    LocationInfo.From(attribute.ApplicationSyntaxReference) ?? location, name, property.Name, reason));
        }
        bool isConv = kind is LayerKind.ConvBn or LayerKind.ConvBnRelu;
        bool isStage = kind is LayerKind.BasicStage or LayerKind.BottleneckStage or LayerKind.CustomStage;
        bool isPool = kind is LayerKind.MaxPool or LayerKind.AvgPool;
        if (!isConv) NotApplicable(conv, "Conv", $"it is a {typeName}, not a ConvBn or ConvBnRelu");
        if (!isStage) NotApplicable(stage, "Stage", $"it is a {typeName}, not a stage");
        if (!isPool) NotApplicable(pool, "Pool", $"it is a {typeName}, not a MaxPool or AvgPool");
        if (kind != LayerKind.LinearRelu) NotApplicable(linear, "Linear", $"it is a {typeName}, not a LinearRelu");
        if (kind != LayerKind.Head) NotApplicable(classifier, "Classifier", $"it is a {typeName}, not a Head");
        if (!isStage) NotApplicable(removable, "RemovableBlocks", "only stages have blocks");
        if (insideBlock)
        {
            NotApplicable(prune, "Prune", "the search space is declared on the stage that uses the block");
            NotApplicable(frozen, "Frozen", "the search space is declared on the stage that uses the block");
        }
        else if (kind is LayerKind.MaxPool or LayerKind.AvgPool or LayerKind.GlobalAvgPool or LayerKind.Head)
        {
            NotApplicable(prune, "Prune", "it owns no prunable channels");
        }

        ConvArguments? convArguments = null;
        StageArguments? stageArguments = null;
        PoolArguments? poolArguments = null;
        LinearArguments? linearArguments = null;
        BlockDeclaration? block = null;
        void Missing(string attributeName) =>
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingLayerAttribute, location, property.Name, typeName, attributeName));

        switch (kind)
        {
            case LayerKind.ConvBn or LayerKind.ConvBnRelu:
                if (conv is null) { Missing("Conv"); return null; }
                convArguments = new ConvArguments(
                    conv.ConstructorArguments.Length > 0 ? IntValue(conv.ConstructorArguments[0], 0) : 0,
                    NamedInt(conv, "Kernel", 3), NamedInt(conv, "Stride", 1), NamedInt(conv, "Padding", -1),
                    NamedBool(conv, "Depthwise", false), NamedInt(conv, "Expansion", 0), NamedBool(conv, "Strided", false),
                    LocationInfo.From(conv.ApplicationSyntaxReference) ?? location);
                break;
            case LayerKind.BasicStage or LayerKind.BottleneckStage or LayerKind.CustomStage:
                if (stage is null) { Missing("Stage"); return null; }
                stageArguments = new StageArguments(NamedInt(stage, "Width", 0), NamedInt(stage, "Blocks", 1), NamedInt(stage, "Stride", 1),
                    LocationInfo.From(stage.ApplicationSyntaxReference) ?? location);
                if (kind == LayerKind.CustomStage)
                {
                    AttributeData? blockAttribute = blockType is null ? null : Find(blockType.GetAttributes(), KnownNames.BlockAttribute);
                    if (blockType is null || blockAttribute is null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedLayer, location, property.Name, typeName,
                            "the block type of a Stage<TBlock> must be a class marked [Block]"));
                        return null;
                    }
                    block = ParseBlockSymbol(blockType, blockAttribute, cancellationToken);
                }
                break;
            case LayerKind.MaxPool or LayerKind.AvgPool:
                if (pool is null) { Missing("Pool"); return null; }
                poolArguments = new PoolArguments(NamedInt(pool, "Kernel", 2), NamedInt(pool, "Stride", 0),
                    LocationInfo.From(pool.ApplicationSyntaxReference) ?? location);
                break;
            case LayerKind.LinearRelu:
                if (linear is null) { Missing("Linear"); return null; }
                linearArguments = new LinearArguments(linear.ConstructorArguments.Length > 0 ? IntValue(linear.ConstructorArguments[0], 0) : 0,
                    LocationInfo.From(linear.ApplicationSyntaxReference) ?? location);
                break;
        }

        PruneArguments? pruneArguments = prune is null || insideBlock ? null : new PruneArguments(
            NamedInt(prune, "Step", 1), NamedInt(prune, "Min", 0), NamedBool(prune, "IncludeStream", true),
            LocationInfo.From(prune.ApplicationSyntaxReference) ?? location);
        RemovableArguments? removableArguments = removable is null || !isStage ? null : new RemovableArguments(
            removable.ConstructorArguments.Length > 0 ? IntArray(removable.ConstructorArguments[0]) : EquatableArray<int>.Empty,
            NamedBool(removable, "IncludeProjection", false),
            LocationInfo.From(removable.ApplicationSyntaxReference) ?? location);
        LocationInfo? frozenLocation = frozen is null || insideBlock ? null : LocationInfo.From(frozen.ApplicationSyntaxReference) ?? location;

        return new MemberDeclaration(property.Name, location, kind.Value, typeName, AccessibilityKeywords(property.DeclaredAccessibility),
            convArguments, stageArguments, poolArguments, linearArguments, pruneArguments, removableArguments, frozenLocation, block);
    }

    private static LayerKind? Classify(ITypeSymbol type, out INamedTypeSymbol? blockType)
    {
        blockType = null;
        if (type is not INamedTypeSymbol named) return null;
        switch (MetadataName(named.OriginalDefinition))
        {
            case KnownNames.ConvBn: return LayerKind.ConvBn;
            case KnownNames.ConvBnRelu: return LayerKind.ConvBnRelu;
            case KnownNames.BasicStage: return LayerKind.BasicStage;
            case KnownNames.BottleneckStage: return LayerKind.BottleneckStage;
            case KnownNames.MaxPool: return LayerKind.MaxPool;
            case KnownNames.AvgPool: return LayerKind.AvgPool;
            case KnownNames.GlobalAvgPool: return LayerKind.GlobalAvgPool;
            case KnownNames.LinearRelu: return LayerKind.LinearRelu;
            case KnownNames.Head: return LayerKind.Head;
            case KnownNames.GenericStage:
                blockType = named.TypeArguments.Length == 1 ? named.TypeArguments[0] as INamedTypeSymbol : null;
                return LayerKind.CustomStage;
            default: return null;
        }
    }

    private static string MetadataName(INamedTypeSymbol type)
    {
        if (type.ContainingType is not null) return MetadataName(type.ContainingType) + "+" + type.MetadataName;
        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;
    }

    private static AttributeData? Find(ImmutableArray<AttributeData> attributes, string metadataName) =>
        attributes.FirstOrDefault(a => a.AttributeClass is { } c && MetadataName(c) == metadataName);

    private static int NamedInt(AttributeData attribute, string name, int fallback)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            if (argument.Key == name) return IntValue(argument.Value, fallback);
        return fallback;
    }

    private static bool NamedBool(AttributeData attribute, string name, bool fallback)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            if (argument.Key == name && argument.Value.Value is bool b) return b;
        return fallback;
    }

    private static int IntValue(TypedConstant constant, int fallback) => constant.Value is int i ? i : fallback;

    private static EquatableArray<int> IntArray(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Array
            ? constant.Values.Select(v => IntValue(v, -1)).ToEquatableArray()
            : new[] { IntValue(constant, -1) };

    private static string AccessibilityKeywords(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
