using System.Collections.Generic;
using System.Linq;
using PruneGen.Generators.Diagnostics;
using PruneGen.Generators.Model;

namespace PruneGen.Generators.Analysis;

/// <summary>
/// Resolves a declaration into a plan: follows the channels through the layers in order, creates a
/// channel group for every layer output, merges groups that residual sums tie together (union-find),
/// decides each group's search space, and checks everything that needs the channel flow.
/// </summary>
/// <remarks>
/// Group rules: a layer's output, its BN and every consumer's input are one group (so a group is
/// simply "the tensor between producers and consumers"); a depthwise conv writes its input's group;
/// an identity shortcut merges the block's input group with its branch output; a projection shortcut
/// writes the branch output's group. A group written through a residual sum is a stream, named after
/// the stage that made it one and pruned by that stage's [Prune]; any other group is named after and
/// pruned by the layer that writes it first.
/// </remarks>
internal sealed class NetworkAnalyzer
{
    private static readonly HashSet<string> s_reservedNetworkMembers = new()
    {
        "Widths", "Structure", "Gates", "CurrentWidths", "Macs", "Params", "ExpectedMacs", "ExpectedParams",
        "LatencyKeys", "LatencyGrids", "PredictLatency", "Slim", "NewMasks", "Summary", "forward", "ForwardMember",
        "SaveCheckpoint", "LoadCheckpoint", "ComputeLayers", "GroupWidths", "BlocksKept",
    };

    private static readonly HashSet<string> s_reservedWidthsMembers = new()
    {
        "Full", "Validate", "ValidateBounds", "Errors", "ToGroupWidths", "ToBlockFlags", "FromGroupWidths",
        "ToSidecar", "FromSidecar", "Equals", "GetHashCode", "ToString", "Deconstruct", "GetType",
    };

    private sealed class GroupNode
    {
        public int Parent;
        public int Size;
        public string Name = "";
        public int Creator = -1;      // member that wrote it first
        public int StreamStage = -1;  // member (a stage) that made it a stream
        public bool Frozen;
        public bool Fixed;            // network input and logits
    }

    /// <summary>Where the channels stand between two layers.</summary>
    private struct Flow
    {
        public int Group;
        public int Channels;
        public int Size;
        public bool Flat;
        public string Producer; // for messages
    }

    private readonly NetworkDeclaration _declaration;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly List<GroupNode> _groups = new();
    private readonly List<LayerPlan> _layers = new();
    private readonly List<BlockPlan> _blocks = new();
    private readonly List<StagePlan> _stages = new();
    private readonly List<MemberPlan> _members = new();

    private NetworkAnalyzer(NetworkDeclaration declaration) => _declaration = declaration;

    public static NetworkPlan Analyze(NetworkDeclaration declaration)
    {
        var empty = new NetworkPlan(declaration.Type, declaration.InputChannels, declaration.InputSize, declaration.Classes,
            EquatableArray<GroupPlan>.Empty, EquatableArray<LayerPlan>.Empty, EquatableArray<BlockPlan>.Empty,
            EquatableArray<StagePlan>.Empty, EquatableArray<MemberPlan>.Empty, declaration.Diagnostics);
        if (declaration.Diagnostics.Count > 0) return empty;
        try
        {
            return new NetworkAnalyzer(declaration).Run();
        }
        catch (System.Exception e)
        {
            return empty with
            {
                Diagnostics = new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, declaration.Type.Location, declaration.Type.Name, e.Message) },
            };
        }
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments)
    {
        DiagnosticInfo info = DiagnosticInfo.Create(descriptor, location, arguments);
        if (!_diagnostics.Contains(info)) _diagnostics.Add(info); // a block used by several stages reports once
    }

    private bool AtLeast(int value, int minimum, string what, string member, LocationInfo? location, string hint)
    {
        if (value >= minimum) return true;
        Report(DiagnosticDescriptors.ValueOutOfRange, location, what, value, member, hint);
        return false;
    }

    private NetworkPlan Run()
    {
        NetworkDeclaration d = _declaration;
        string network = d.Type.Name;
        bool ok = AtLeast(d.InputChannels, 1, "InputChannels", network, d.AttributeLocation, "set [Network(InputChannels = ...)] to at least 1");
        ok &= AtLeast(d.InputSize, 1, "InputSize", network, d.AttributeLocation, "set [Network(InputSize = ...)] to at least 1");
        ok &= AtLeast(d.Classes, 1, "Classes", network, d.AttributeLocation, "set [Network(Classes = ...)] to at least 1");
        if (d.Members.Count == 0)
        {
            Report(DiagnosticDescriptors.InvalidLayerSequence, d.Type.Location, network, "a network needs at least one layer and a Head ([Classifier]) as its last layer");
            ok = false;
        }
        if (!ok) return Finish();

        var flow = new Flow { Group = NewGroup(d.InputChannels, "Input", -1, frozen: false, isFixed: true), Channels = d.InputChannels, Size = d.InputSize, Producer = "the input" };
        bool headSeen = false;
        for (int m = 0; m < d.Members.Count; m++)
        {
            MemberDeclaration member = d.Members[m];
            if (headSeen)
            {
                Report(DiagnosticDescriptors.InvalidLayerSequence, member.Location, member.Name, "no layer may follow the Head, which must be the last layer");
                break;
            }
            if (!Member(m, member, ref flow)) break; // later layers would only repeat the error
            headSeen = member.Kind == LayerKind.Head;
        }
        if (!headSeen && _diagnostics.Count == 0)
            Report(DiagnosticDescriptors.InvalidLayerSequence, d.Type.Location, network, "a network needs a Head ([Classifier]) as its last layer");
        return Finish();
    }

    // ---- members ----------------------------------------------------------------------------------

    private bool Member(int m, MemberDeclaration member, ref Flow flow)
    {
        Flow input = flow;
        int firstLayer = _layers.Count;
        int stage = -1;
        int poolKernel = 0, poolStride = 0;
        MemberKind kind;
        string propertyType = "global::" + KnownNames.LayersNamespace + "." + member.TypeName;
        string? blockType = null;
        bool ok;
        switch (member.Kind)
        {
            case LayerKind.ConvBn or LayerKind.ConvBnRelu:
                kind = MemberKind.Conv;
                ok = NetworkConv(m, member, ref flow);
                break;
            case LayerKind.BasicStage or LayerKind.BottleneckStage or LayerKind.CustomStage:
                kind = MemberKind.Stage;
                stage = _stages.Count;
                blockType = member.Kind switch
                {
                    LayerKind.BasicStage => "global::PruneGen.Layers.BasicBlock",
                    LayerKind.BottleneckStage => "global::PruneGen.Layers.Bottleneck",
                    _ => member.Block!.Type.FullyQualifiedName,
                };
                if (member.Kind == LayerKind.CustomStage) propertyType = "global::PruneGen.Layers.Stage<" + blockType + ">";
                ok = Stage(m, member, ref flow);
                break;
            case LayerKind.MaxPool or LayerKind.AvgPool:
                kind = member.Kind == LayerKind.MaxPool ? MemberKind.MaxPool : MemberKind.AvgPool;
                ok = Pool(member, ref flow, out poolKernel, out poolStride);
                break;
            case LayerKind.GlobalAvgPool:
                kind = MemberKind.GlobalAvgPool;
                ok = !flow.Flat || InvalidSequence(member, "global pooling needs a spatial input, but the previous layer is already flat");
                flow.Size = 1;
                flow.Flat = true;
                break;
            case LayerKind.LinearRelu:
                kind = MemberKind.Linear;
                ok = Linear(m, member, ref flow, member.Linear!.Features, relu: true, member.Linear.Location);
                break;
            default: // Head
                kind = MemberKind.Head;
                ok = Linear(m, member, ref flow, _declaration.Classes, relu: false, member.Location);
                break;
        }
        if (!ok) return false;
        flow.Producer = "'" + member.Name + "'";
        _members.Add(new MemberPlan(m, member.Name, Naming.Snake(member.Name), kind, propertyType, member.Accessibility,
            Enumerable.Range(firstLayer, _layers.Count - firstLayer).ToEquatableArray(), stage,
            input.Group, flow.Group, input.Size, flow.Size, poolKernel, poolStride, blockType));
        return true;
    }

    private bool InvalidSequence(MemberDeclaration member, string message)
    {
        Report(DiagnosticDescriptors.InvalidLayerSequence, member.Location, member.Name, message);
        return false;
    }

    private bool NetworkConv(int m, MemberDeclaration member, ref Flow flow)
    {
        ConvArguments a = member.Conv!;
        if (a.Expansion != 0)
            Report(DiagnosticDescriptors.AttributeNotApplicable, a.Location, "Conv(Expansion)", member.Name, "Expansion is relative to a block's input and applies only inside a [Block]");
        if (a.Strided)
            Report(DiagnosticDescriptors.AttributeNotApplicable, a.Location, "Conv(Strided)", member.Name, "Strided takes a stage's stride and applies only inside a [Block]; use Stride");
        if (a.Expansion != 0 || a.Strided) return false;
        int channels = a.Channels;
        if (!a.Depthwise && !AtLeast(channels, 1, "Channels", member.Name, a.Location, "give the output channels, e.g. [Conv(16)]"))
            return false;
        return Conv(m, member.Name, member.Location, a, channels, a.Stride, Naming.Snake(member.Name), member.Name,
            member.Kind == LayerKind.ConvBnRelu, block: -1, stage: -1, member.Frozen is not null, ref flow);
    }

    /// <summary>Adds one conv + BN layer reading <paramref name="flow"/> and moves the flow to its output.</summary>
    private bool Conv(int m, string memberName, LocationInfo? location, ConvArguments a, int channels, int stride, string path,
        string groupName, bool relu, int block, int stage, bool frozen, ref Flow flow)
    {
        bool ok = AtLeast(a.Kernel, 1, "Kernel", memberName, a.Location, "at least 1");
        ok &= AtLeast(stride, 1, "Stride", memberName, a.Location, "at least 1");
        ok &= AtLeast(a.Padding, -1, "Padding", memberName, a.Location, "at least 0 (or -1 for Kernel / 2)");
        if (!ok) return false;
        if (flow.Flat)
        {
            Report(DiagnosticDescriptors.InvalidLayerSequence, location, memberName, "a convolution cannot follow a flat (pooled-to-vector or linear) layer");
            return false;
        }
        if (a.Depthwise && channels != 0 && channels != flow.Channels)
        {
            Report(DiagnosticDescriptors.ChannelMismatch, location, memberName,
                $"a depthwise conv keeps its input channels, but it declares {channels} while {flow.Producer} produces {flow.Channels}");
            return false;
        }
        int padding = a.Padding == -1 ? a.Kernel / 2 : a.Padding;
        int padded = flow.Size + 2 * padding;
        if (padded < a.Kernel)
        {
            Report(DiagnosticDescriptors.InvalidLayerSequence, location, memberName,
                $"the {a.Kernel}x{a.Kernel} kernel is larger than its {flow.Size}x{flow.Size} input (padding {padding})");
            return false;
        }
        int outSize = (padded - a.Kernel) / stride + 1;
        int outGroup = a.Depthwise ? flow.Group : NewGroup(channels, groupName, m, frozen, isFixed: false);
        int outChannels = a.Depthwise ? flow.Channels : channels;
        AddLayer(path, isLinear: false, flow, outGroup, outChannels, a.Kernel, stride, padding, a.Depthwise, outSize,
            batchNorm: true, relu, bias: false, block, stage, isProjection: false, m);
        flow.Group = outGroup;
        flow.Channels = outChannels;
        flow.Size = outSize;
        return true;
    }

    private void AddLayer(string path, bool isLinear, Flow input, int outGroup, int outChannels, int kernel, int stride, int padding,
        bool depthwise, int outSize, bool batchNorm, bool relu, bool bias, int block, int stage, bool isProjection, int member)
    {
        string moduleName = path.Substring(path.LastIndexOf('.') + 1);
        _layers.Add(new LayerPlan(_layers.Count, path, moduleName, isLinear, input.Group, outGroup, input.Channels, outChannels,
            kernel, stride, padding, depthwise, isLinear ? 1 : input.Size, outSize, batchNorm, relu, bias, block, stage, isProjection, member));
    }

    private bool Pool(MemberDeclaration member, ref Flow flow, out int kernel, out int stride)
    {
        PoolArguments a = member.Pool!;
        kernel = a.Kernel;
        stride = a.Stride == 0 ? a.Kernel : a.Stride;
        bool ok = AtLeast(a.Kernel, 1, "Kernel", member.Name, a.Location, "at least 1");
        ok &= AtLeast(a.Stride, 0, "Stride", member.Name, a.Location, "at least 1 (or 0 for the kernel size)");
        if (!ok) return false;
        if (flow.Flat) return InvalidSequence(member, "pooling needs a spatial input, but the previous layer is already flat");
        if (flow.Size < kernel)
            return InvalidSequence(member, $"the {kernel}x{kernel} pooling window is larger than its {flow.Size}x{flow.Size} input");
        flow.Size = (flow.Size - kernel) / stride + 1;
        return true;
    }

    private bool Linear(int m, MemberDeclaration member, ref Flow flow, int features, bool relu, LocationInfo? location)
    {
        bool isHead = !relu;
        if (!isHead && !AtLeast(features, 1, "Features", member.Name, location, "at least 1"))
            return false;
        // A hidden linear layer needs a 1x1 input; the Head pools globally itself.
        if (!isHead && !flow.Flat && flow.Size != 1)
            return InvalidSequence(member, $"a linear layer needs a 1x1 input but receives {flow.Size}x{flow.Size}; add a GlobalAvgPool or more pooling first");
        int outGroup = NewGroup(features, isHead ? "Logits" : member.Name, m, member.Frozen is not null, isFixed: isHead);
        AddLayer(Naming.Snake(member.Name), isLinear: true, flow, outGroup, features, kernel: 1, stride: 1, padding: 0, depthwise: false,
            outSize: 1, batchNorm: false, relu, bias: true, block: -1, stage: -1, isProjection: false, m);
        flow.Group = outGroup;
        flow.Channels = features;
        flow.Size = 1;
        flow.Flat = true;
        return true;
    }

    // ---- stages and blocks ------------------------------------------------------------------------

    /// <summary>A conv of a block's branch, before the block's widths and stride are known.</summary>
    private sealed record BranchConv(string Name, LocationInfo? Location, ConvArguments Arguments, bool Relu, int WidthMultiplier);

    private bool Stage(int m, MemberDeclaration member, ref Flow flow)
    {
        StageArguments s = member.Stage!;
        bool ok = AtLeast(s.Width, 1, "Width", member.Name, s.Location, "give the block width, e.g. [Stage(Width = 16)]");
        ok &= AtLeast(s.Blocks, 1, "Blocks", member.Name, s.Location, "at least 1");
        ok &= AtLeast(s.Stride, 1, "Stride", member.Name, s.Location, "at least 1");
        if (!ok) return false;
        if (flow.Flat) return InvalidSequence(member, "a stage cannot follow a flat (pooled-to-vector or linear) layer");

        // Built-in blocks are described exactly like a [Block] so that one code path handles all.
        ConvArguments Arg(int kernel, bool strided) => new(0, kernel, 1, -1, false, 0, strided, s.Location);
        BranchConv[] branch;
        ResidualKind residual;
        bool reluAfterSum;
        switch (member.Kind)
        {
            case LayerKind.BasicStage:
                branch = new[] { new BranchConv("Conv1", member.Location, Arg(3, true), true, 1), new BranchConv("Conv2", member.Location, Arg(3, false), false, 1) };
                residual = ResidualKind.IdentityOrProjection;
                reluAfterSum = true;
                break;
            case LayerKind.BottleneckStage:
                branch = new[]
                {
                    new BranchConv("Conv1", member.Location, Arg(1, false), true, 1),
                    new BranchConv("Conv2", member.Location, Arg(3, true), true, 1),
                    new BranchConv("Conv3", member.Location, Arg(1, false), false, 4), // expansion 4
                };
                residual = ResidualKind.IdentityOrProjection;
                reluAfterSum = true;
                break;
            default:
                BlockDeclaration declaration = member.Block!;
                branch = declaration.Members.Select(b => new BranchConv(b.Name, b.Location, b.Conv!, b.Kind == LayerKind.ConvBnRelu, 1)).ToArray();
                residual = declaration.Residual;
                reluAfterSum = declaration.ReluAfterSum;
                if (declaration.Diagnostics.Count > 0)
                {
                    // The block's own errors are reported by its pipeline; building on it would only add follow-up errors.
                    Report(DiagnosticDescriptors.UnsupportedLayer, member.Location, member.Name, member.TypeName,
                        $"block '{declaration.Type.Name}' has errors of its own");
                    return false;
                }
                if (!CheckBlockDeclaration(declaration)) return false;
                if (s.Stride != 1 && !branch.Any(b => b.Arguments.Strided))
                {
                    Report(DiagnosticDescriptors.InvalidLayerSequence, s.Location, member.Name,
                        $"the stage has stride {s.Stride} but block '{declaration.Type.Name}' has no conv marked Strided = true to apply it");
                    return false;
                }
                break;
        }

        int stageIndex = _stages.Count;
        Flow stageInput = flow;
        var blockIndices = new List<int>();
        var shortcuts = new List<ShortcutKind>();
        bool frozen = member.Frozen is not null;
        for (int b = 0; b < s.Blocks; b++)
        {
            int stride = b == 0 ? s.Stride : 1;
            Flow blockInput = flow;
            int blockIndex = _blocks.Count;
            int firstLayer = _layers.Count;
            int productStride = 1;
            foreach (BranchConv conv in branch)
            {
                ConvArguments a = conv.Arguments;
                int convStride = a.Strided ? stride : a.Stride;
                int channels = a.Depthwise ? 0 : a.Channels > 0 ? a.Channels : a.Expansion > 0 ? a.Expansion * blockInput.Channels : conv.WidthMultiplier * s.Width;
                string path = Naming.Snake(member.Name) + "." + b + "." + Naming.Snake(conv.Name);
                string groupName = member.Name + "Block" + b + conv.Name;
                if (!Conv(m, conv.Name, conv.Location, a, channels, convStride, path, groupName, conv.Relu, blockIndex, stageIndex, frozen, ref flow))
                    return false;
                productStride *= convStride;
            }
            var layers = Enumerable.Range(firstLayer, _layers.Count - firstLayer).ToEquatableArray();
            bool shapesMatch = blockInput.Channels == flow.Channels && blockInput.Size == flow.Size;
            ShortcutKind shortcut = residual switch
            {
                ResidualKind.None => ShortcutKind.None,
                ResidualKind.Identity => ShortcutKind.Identity,
                ResidualKind.IdentityOrNone => shapesMatch ? ShortcutKind.Identity : ShortcutKind.None,
                _ => shapesMatch ? ShortcutKind.Identity : ShortcutKind.Projection,
            };
            int projection = -1;
            if (shortcut == ShortcutKind.Identity)
            {
                if (!shapesMatch)
                {
                    Report(DiagnosticDescriptors.ChannelMismatch, member.Location, member.Name,
                        $"block {b} has an identity shortcut, but its input is {blockInput.Channels}x{blockInput.Size}x{blockInput.Size} and its branch produces {flow.Channels}x{flow.Size}x{flow.Size}");
                    return false;
                }
                Union(blockInput.Group, flow.Group, m);
            }
            else if (shortcut == ShortcutKind.Projection)
            {
                // A 1x1 conv with the block's total stride maps the input onto the branch output's shape.
                if ((blockInput.Size - 1) / productStride + 1 != flow.Size)
                {
                    Report(DiagnosticDescriptors.InvalidLayerSequence, member.Location, member.Name,
                        $"block {b}'s branch maps {blockInput.Size}x{blockInput.Size} to {flow.Size}x{flow.Size}, which a 1x1 projection with stride {productStride} cannot match; use padding that keeps the size");
                    return false;
                }
                projection = _layers.Count;
                AddLayer(Naming.Snake(member.Name) + "." + b + ".shortcut", isLinear: false, blockInput, flow.Group, flow.Channels,
                    kernel: 1, productStride, padding: 0, depthwise: false, flow.Size, batchNorm: true, relu: false, bias: false,
                    blockIndex, stageIndex, isProjection: true, m);
                MarkStream(flow.Group, m);
            }
            shortcuts.Add(shortcut);
            blockIndices.Add(blockIndex);
            _blocks.Add(new BlockPlan(blockIndex, Naming.Snake(member.Name) + "." + b, member.Name + "Block" + b, stageIndex, m, b,
                Removable: false, BlockGate: -1, shortcut, layers, projection, blockInput.Group, flow.Group, reluAfterSum));
        }

        if (member.Removable is { } removable && !MarkRemovable(member, removable, blockIndices, shortcuts))
            return false;
        _stages.Add(new StagePlan(stageIndex, member.Name, m, blockIndices.ToEquatableArray(), stageInput.Group, flow.Group, stageInput.Size, flow.Size));
        return true;
    }

    private bool CheckBlockDeclaration(BlockDeclaration block)
    {
        bool ok = true;
        var names = new Dictionary<string, string>();
        foreach (MemberDeclaration member in block.Members)
        {
            ConvArguments a = member.Conv!;
            string snake = Naming.Snake(member.Name);
            if (names.TryGetValue(snake, out string? other))
            {
                Report(DiagnosticDescriptors.DuplicateName, member.Location, snake, "layer '" + member.Name + "' of block '" + block.Type.Name + "'", "'" + other + "'");
                ok = false;
            }
            names[snake] = member.Name;
            if (a.Channels < 0) ok &= AtLeast(a.Channels, 1, "Channels", member.Name, a.Location, "at least 1 (or leave it out for the block width)");
            if (a.Expansion < 0) ok &= AtLeast(a.Expansion, 1, "Expansion", member.Name, a.Location, "at least 1 (or leave it out)");
            if (a.Channels > 0 && a.Expansion > 0)
            {
                Report(DiagnosticDescriptors.ValueOutOfRange, a.Location, "Expansion", a.Expansion, member.Name, "give either Channels or Expansion, not both");
                ok = false;
            }
            if (a.Strided && a.Stride != 1)
            {
                Report(DiagnosticDescriptors.ValueOutOfRange, a.Location, "Stride", a.Stride, member.Name, "a Strided conv takes the stage's stride; leave Stride out");
                ok = false;
            }
        }
        return ok;
    }

    private bool MarkRemovable(MemberDeclaration member, RemovableArguments removable, List<int> blocks, List<ShortcutKind> shortcuts)
    {
        var chosen = new SortedSet<int>();
        if (removable.Blocks.Count > 0)
        {
            foreach (int b in removable.Blocks)
            {
                if (b < 0 || b >= blocks.Count)
                {
                    Report(DiagnosticDescriptors.ValueOutOfRange, removable.Location, "RemovableBlocks index", b, member.Name, $"the stage has blocks 0 to {blocks.Count - 1}");
                    return false;
                }
                if (shortcuts[b] == ShortcutKind.None)
                {
                    Report(DiagnosticDescriptors.RemovalChangesShape, removable.Location, member.Name,
                        $"block {b} has no shortcut, so removing it would change the shape; it cannot be removable");
                    return false;
                }
                chosen.Add(b);
            }
        }
        else
        {
            for (int b = 0; b < blocks.Count; b++)
                if (shortcuts[b] == ShortcutKind.Identity || (shortcuts[b] == ShortcutKind.Projection && removable.IncludeProjection))
                    chosen.Add(b);
            if (chosen.Count == 0)
            {
                string reason = shortcuts.Any(k => k == ShortcutKind.Projection)
                    ? "none of its blocks has an identity shortcut (set IncludeProjection = true to remove projection blocks)"
                    : "none of its blocks has a shortcut, so removing any would change the shape";
                Report(DiagnosticDescriptors.RemovalChangesShape, removable.Location, member.Name, reason);
                return false;
            }
        }
        foreach (int b in chosen)
            _blocks[blocks[b]] = _blocks[blocks[b]] with { Removable = true };
        return true;
    }

    // ---- groups (union-find) ----------------------------------------------------------------------

    private int NewGroup(int size, string name, int creator, bool frozen, bool isFixed)
    {
        _groups.Add(new GroupNode { Parent = _groups.Count, Size = size, Name = name, Creator = creator, Frozen = frozen, Fixed = isFixed });
        return _groups.Count - 1;
    }

    private int Find(int group)
    {
        while (_groups[group].Parent != group)
        {
            _groups[group].Parent = _groups[_groups[group].Parent].Parent;
            group = _groups[group].Parent;
        }
        return group;
    }

    /// <summary>Merges two groups (an identity sum); the earlier-created one stays the representative.</summary>
    private void Union(int a, int b, int stage)
    {
        int ra = Find(a), rb = Find(b);
        if (ra != rb)
        {
            int root = System.Math.Min(ra, rb), child = System.Math.Max(ra, rb);
            _groups[child].Parent = root;
            GroupNode r = _groups[root], c = _groups[child];
            r.Frozen |= c.Frozen;
            r.Fixed |= c.Fixed;
            if (r.StreamStage < 0) r.StreamStage = c.StreamStage;
        }
        MarkStream(root: Find(a), stage);
    }

    private void MarkStream(int root, int stage)
    {
        GroupNode r = _groups[Find(root)];
        if (r.StreamStage < 0) r.StreamStage = stage;
    }

    // ---- final plan -------------------------------------------------------------------------------

    private NetworkPlan Finish()
    {
        NetworkDeclaration d = _declaration;
        if (_diagnostics.Count > 0)
            return new NetworkPlan(d.Type, d.InputChannels, d.InputSize, d.Classes, EquatableArray<GroupPlan>.Empty,
                EquatableArray<LayerPlan>.Empty, EquatableArray<BlockPlan>.Empty, EquatableArray<StagePlan>.Empty,
                EquatableArray<MemberPlan>.Empty, _diagnostics.ToEquatableArray());

        // Number the merged groups in creation order of their representatives.
        var roots = Enumerable.Range(0, _groups.Count).Where(g => Find(g) == g).ToList();
        var finalIndex = new Dictionary<int, int>();
        for (int i = 0; i < roots.Count; i++) finalIndex[roots[i]] = i;
        int Final(int g) => finalIndex[Find(g)];

        var layers = _layers.Select(l => l with { InGroup = Final(l.InGroup), OutGroup = Final(l.OutGroup) }).ToList();
        var groups = new List<GroupPlan>();
        int unitGate = 0;
        foreach (int root in roots)
        {
            GroupNode node = _groups[root];
            int index = finalIndex[root];
            bool stream = node.StreamStage >= 0;
            int owner = stream ? node.StreamStage : node.Creator;
            string name = stream ? d.Members[node.StreamStage].Name : node.Name;
            PruneArguments? prune = owner >= 0 ? d.Members[owner].Prune : null;
            bool prunable = !node.Fixed && !node.Frozen && prune is not null && (!stream || prune.IncludeStream);
            int step = 1, min = node.Size;
            if (prunable && CheckPrune(prune!, d.Members[owner].Name, name, node.Size))
            {
                step = prune!.Step;
                min = prune.Min == 0 ? prune.Step : prune.Min;
            }
            else
            {
                prunable = false;
            }
            groups.Add(new GroupPlan(index, name, node.Size, step, min, prunable, stream,
                layers.Where(l => l.OutGroup == index).Select(l => l.Index).ToEquatableArray(),
                layers.Where(l => l.InGroup == index).Select(l => l.Index).ToEquatableArray(),
                prunable ? unitGate++ : -1, owner));
        }
        int blockGate = 0;
        var blocks = _blocks.Select(b => b with
        {
            InGroup = Final(b.InGroup),
            OutGroup = Final(b.OutGroup),
            BlockGate = b.Removable ? blockGate++ : -1,
        }).ToList();
        var stages = _stages.Select(s => s with { InGroup = Final(s.InGroup), OutGroup = Final(s.OutGroup) }).ToList();
        var members = _members.Select(mp => mp with { InGroup = Final(mp.InGroup), OutGroup = Final(mp.OutGroup) }).ToList();

        CheckNames(groups, blocks, members);
        if (_diagnostics.Count > 0)
            return Finish();
        return new NetworkPlan(d.Type, d.InputChannels, d.InputSize, d.Classes, groups.ToEquatableArray(), layers.ToEquatableArray(),
            blocks.ToEquatableArray(), stages.ToEquatableArray(), members.ToEquatableArray(), EquatableArray<DiagnosticInfo>.Empty);
    }

    private bool CheckPrune(PruneArguments prune, string owner, string group, int size)
    {
        bool ok = AtLeast(prune.Step, 1, "Step", owner, prune.Location, "at least 1");
        ok &= AtLeast(prune.Min, 0, "Min", owner, prune.Location, "at least 1 (or 0 for Step)");
        if (!ok) return false;
        if (size % prune.Step != 0)
        {
            Report(DiagnosticDescriptors.StepDoesNotDivideWidth, prune.Location, prune.Step, owner, size, group);
            return false;
        }
        int min = prune.Min == 0 ? prune.Step : prune.Min;
        if (min > size)
        {
            Report(DiagnosticDescriptors.MinimumAboveWidth, prune.Location, min, owner, size, group);
            return false;
        }
        return true;
    }

    private void CheckNames(List<GroupPlan> groups, List<BlockPlan> blocks, List<MemberPlan> members)
    {
        NetworkDeclaration d = _declaration;
        LocationInfo? LocationOf(int member) => member >= 0 ? d.Members[member].Location : d.Type.Location;

        // Widths members: prunable groups and removable-block flags share one namespace.
        var widthsNames = new Dictionary<string, string>();
        void WidthsName(string name, string what, LocationInfo? location)
        {
            if (s_reservedWidthsMembers.Contains(name))
                Report(DiagnosticDescriptors.DuplicateName, location, name, what, "a generated member of Widths");
            else if (widthsNames.TryGetValue(name, out string? other))
                Report(DiagnosticDescriptors.DuplicateName, location, name, what, other);
            else
                widthsNames[name] = what;
        }
        var groupNames = new Dictionary<string, string>();
        foreach (GroupPlan g in groups)
        {
            string what = "channel group '" + g.Name + "'";
            if (groupNames.TryGetValue(g.Name, out string? other))
                Report(DiagnosticDescriptors.DuplicateName, LocationOf(g.Owner), g.Name, what, other);
            groupNames[g.Name] = what;
            if (g.Prunable) WidthsName(g.Name, what, LocationOf(g.Owner));
        }
        foreach (BlockPlan b in blocks.Where(b => b.Removable))
            WidthsName(b.FlagName, "the flag of block '" + b.Path + "'", LocationOf(b.Member));

        // Module names (state-dict prefixes) and clashes with the generated members of the network.
        var moduleNames = new Dictionary<string, string> { ["gates"] = "the gate parameters" };
        foreach (MemberPlan member in members)
        {
            if (s_reservedNetworkMembers.Contains(member.Name))
                Report(DiagnosticDescriptors.DuplicateName, LocationOf(member.Index), member.Name, "layer '" + member.Name + "'", "a generated member of " + d.Type.Name);
            if (moduleNames.TryGetValue(member.ModuleName, out string? other))
                Report(DiagnosticDescriptors.DuplicateName, LocationOf(member.Index), member.ModuleName, "the module of layer '" + member.Name + "'", other);
            moduleNames[member.ModuleName] = "layer '" + member.Name + "'";
        }
        foreach (string name in d.OtherMemberNames.Where(s_reservedNetworkMembers.Contains).Distinct())
            Report(DiagnosticDescriptors.DuplicateName, d.Type.Location, name, "a member of " + d.Type.Name, "a generated member of " + d.Type.Name);
    }
}
