using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>
/// An exact solver for MDP's program on residual networks, built on the shape of their search space:
/// once the widths of the residual streams are fixed, every block (its z and inner widths) costs and
/// scores independently of every other block, and the program falls apart into a multiple-choice
/// knapsack over blocks. Enumerating the stream widths in order of an upper bound and solving each
/// knapsack exactly (a dynamic program over blocks that keeps only non-dominated (latency, importance)
/// pairs and drops those whose bound cannot beat the best structure so far) proves the same optimum
/// CBC proves, in milliseconds instead of seconds on ResNet-56.
/// </summary>
/// <remarks>
/// <para>The objective and constraint are those of <see cref="MdpProgram"/>: the same
/// <see cref="LatencyModel.Terms"/>, writer shares and budget margin. "Hubs" are the decision groups
/// that are residual streams; the other decisions (non-stream groups, block variables) are joined into
/// components by the terms that mention them together. <see cref="TryCreate"/> declines (returns null)
/// when the hubs have too many width combinations or a component too many assignments, and the caller
/// falls back to CBC.</para>
/// <para>Dominance uses exact comparisons, and the bound prunes only pairs that cannot exceed the best
/// value found by more than <see cref="Tolerance"/> (relative), so the result is optimal to that
/// tolerance, far below the differences between structures.</para>
/// </remarks>
public sealed class StreamDecomposition
{
    /// <summary>Largest number of stream-width combinations enumerated.</summary>
    public const int MaxHubCombinations = 200_000;

    /// <summary>Largest number of assignments of one component (a block with its inner groups).</summary>
    public const int MaxComponentAssignments = 1 << 14;

    /// <summary>Relative tolerance of the optimality proof.</summary>
    public const double Tolerance = 1e-12;

    private readonly PruningSpace _space;
    private readonly ILatencyTable _table;
    private readonly ImportanceScores _scores;
    private readonly int[] _hubs;
    private readonly Component[] _components;
    private readonly Item[] _fixedItems;
    private readonly int[] _hubSizes;
    private readonly int[] _hubIndex;
    private readonly Dictionary<(int Component, long HubKey), Choices> _choices = new();

    private StreamDecomposition(PruningSpace space, ImportanceScores scores, ILatencyTable table, int[] hubs, Component[] components, Item[] fixedItems)
    {
        _space = space;
        _scores = scores;
        _table = table;
        _hubs = hubs;
        _components = components;
        _fixedItems = fixedItems;
        _hubSizes = hubs.Select(g => space.Options(g)!.Count).ToArray();
        _hubIndex = new int[hubs.Length];
    }

    /// <summary>Number of stream-width combinations.</summary>
    public long HubCombinations => _hubSizes.Aggregate(1L, (a, n) => a * n);

    /// <summary>Number of independent components (blocks with their inner groups) per combination.</summary>
    public int Components => _components.Length;

    /// <summary>The solver for this space, or null when it does not decompose within the limits.</summary>
    public static StreamDecomposition? TryCreate(PruningSpace space, ImportanceScores scores, ILatencyTable table, bool removeBlocks)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(table);
        NetworkStructure structure = space.Structure;
        int[] hubs = structure.PrunableGroups.Where(g => g.IsStream && space.Options(g.Index) is not null).Select(g => g.Index).ToArray();
        if (hubs.Aggregate(1L, (a, g) => Math.Min(a * space.Options(g)!.Count, long.MaxValue / 1024)) > MaxHubCombinations) return null;

        // Decision entities other than hubs: groups with a choice, then removable blocks.
        var entityOfGroup = Enumerable.Repeat(-1, structure.Groups.Count).ToArray();
        var entityOfBlock = Enumerable.Repeat(-1, structure.Blocks.Count).ToArray();
        var entities = new List<(int Group, int Block)>();
        foreach (GroupInfo group in structure.PrunableGroups)
            if (space.Options(group.Index) is not null && !group.IsStream)
            {
                entityOfGroup[group.Index] = entities.Count;
                entities.Add((group.Index, -1));
            }
        if (removeBlocks)
            for (int b = 0; b < structure.Blocks.Count; b++)
                if (space.CanRemove(b))
                {
                    entityOfBlock[b] = entities.Count;
                    entities.Add((-1, b));
                }

        var items = new List<Item>();
        foreach (LatencyTerm term in LatencyModel.Terms(structure))
        {
            int block = term.Block >= 0 && entityOfBlock[term.Block] >= 0 ? term.Block : -1;
            if (block < 0 && !term.IsPresent(space.CurrentBlocks)) continue;
            items.Add(new Item(term, -1, -1, -1, block, [term.InputGroup, term.OutputGroup]));
        }
        foreach (GroupInfo group in structure.PrunableGroups)
        {
            if (space.Options(group.Index) is null) continue;
            for (int writer = 0; writer < group.Producers.Count; writer++)
            {
                LayerInfo layer = structure.Layers[group.Producers[writer]];
                int block = space.BlockOf(layer) is var b && b >= 0 && entityOfBlock[b] >= 0 ? b : -1;
                if (block < 0 && !space.IsPresent(layer)) continue;
                items.Add(new Item(null, group.Index, writer, layer.Index, block, [group.Index]));
            }
        }

        // Join the entities each item mentions; items mentioning none depend on the hubs alone.
        var parent = Enumerable.Range(0, entities.Count).ToArray();
        int Find(int e) => parent[e] == e ? e : parent[e] = Find(parent[e]);
        int[] EntitiesOf(Item item)
        {
            var list = new List<int>();
            foreach (int g in item.Groups)
                if (entityOfGroup[g] >= 0) list.Add(entityOfGroup[g]);
            if (item.Block >= 0) list.Add(entityOfBlock[item.Block]);
            return list.Distinct().ToArray();
        }
        foreach (Item item in items)
        {
            int[] mentioned = EntitiesOf(item);
            for (int i = 1; i < mentioned.Length; i++) parent[Find(mentioned[i])] = Find(mentioned[0]);
        }

        var fixedItems = new List<Item>();
        var byRoot = new Dictionary<int, (List<int> Entities, List<Item> Items)>();
        for (int e = 0; e < entities.Count; e++)
        {
            if (!byRoot.TryGetValue(Find(e), out var part)) byRoot[Find(e)] = part = (new List<int>(), new List<Item>());
            part.Entities.Add(e);
        }
        foreach (Item item in items)
        {
            int[] mentioned = EntitiesOf(item);
            if (mentioned.Length == 0) fixedItems.Add(item);
            else byRoot[Find(mentioned[0])].Items.Add(item);
        }

        var components = new List<Component>();
        foreach (var (members, componentItems) in byRoot.Values)
        {
            long assignments = 1;
            foreach (int e in members)
            {
                assignments *= entities[e].Group >= 0 ? space.Options(entities[e].Group)!.Count : 2;
                if (assignments > MaxComponentAssignments) return null;
            }
            int[] componentHubs = hubs.Select((g, h) => (g, h))
                .Where(x => componentItems.Any(i => i.Groups.Contains(x.g)))
                .Select(x => x.h).ToArray();
            components.Add(new Component(
                members.Where(e => entities[e].Group >= 0).Select(e => entities[e].Group).ToArray(),
                members.Where(e => entities[e].Block >= 0).Select(e => entities[e].Block).ToArray(),
                componentHubs, componentItems.ToArray(), (int)assignments));
        }
        return new StreamDecomposition(space, scores, table, hubs, components.ToArray(), fixedItems.ToArray());
    }

    /// <summary>
    /// The structure of greatest kept importance whose LUT latency is within <paramref name="budgetMs"/>
    /// (with <see cref="MdpProgram.BudgetMargin"/>, as in the program), and that importance; null when
    /// no structure of the space fits.
    /// </summary>
    public (int[] GroupWidths, bool[] BlocksKept, double KeptImportance)? Solve(double budgetMs)
    {
        if (!double.IsFinite(budgetMs) || budgetMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(budgetMs), budgetMs, "the latency budget must be a positive number of milliseconds");
        double limit = budgetMs * (1 - MdpProgram.BudgetMargin);

        // Every combination with its fixed part and an upper bound, best bound first.
        var combinations = new List<(long Index, double Bound, double Capacity, double FixedValue)>();
        int[] widths = _space.CurrentWidths.ToArray();
        bool[] kept = _space.CurrentBlocks.ToArray();
        for (long index = 0; index < HubCombinations; index++)
        {
            SetHubs(index, widths);
            (double fixedCost, double fixedValue) = Evaluate(_fixedItems, widths, kept);
            double capacity = limit - fixedCost;
            Choices[] classes = ClassesOf(widths);
            double minimum = classes.Sum(c => c.Costs[0]);
            if (minimum > capacity) continue;
            double bound = fixedValue + SuffixBound.Of(classes, 0).At(capacity - minimum) + classes.Sum(c => c.Values[0]);
            combinations.Add((index, bound, capacity, fixedValue));
        }
        combinations.Sort((a, b) => b.Bound.CompareTo(a.Bound));

        double best = double.NegativeInfinity;
        (long Index, int[] Options)? argmax = null;
        foreach (var (index, bound, capacity, fixedValue) in combinations)
        {
            if (!CanBeat(bound, best)) break;
            SetHubs(index, widths);
            Choices[] classes = ClassesOf(widths);
            if (Knapsack(classes, capacity, best - fixedValue) is { } found && fixedValue + found.Value > best)
            {
                best = fixedValue + found.Value;
                argmax = (index, found.Options);
            }
        }
        if (argmax is not { } chosen) return null;

        SetHubs(chosen.Index, widths);
        Choices[] final = ClassesOf(widths);
        for (int c = 0; c < _components.Length; c++)
            Assign(_components[c], final[c].Assignments[chosen.Options[c]], widths, kept);
        // Groups gone with a removed block report their current width, as MdpProgram.Decode does.
        for (int g = 0; g < widths.Length; g++)
            if (_space.OwnerBlock(g) is var owner && owner >= 0 && !kept[owner]) widths[g] = _space.CurrentWidths[g];
        return (widths, kept, best);
    }

    /// <summary>
    /// Exact multiple-choice knapsack: one option per class, total cost within <paramref name="capacity"/>,
    /// greatest total value; only results above <paramref name="floor"/> matter (null when none is).
    /// </summary>
    private static (double Value, int[] Options)? Knapsack(Choices[] classes, double capacity, double floor)
    {
        var bounds = new SuffixBound[classes.Length + 1];
        bounds[classes.Length] = SuffixBound.Empty;
        for (int k = classes.Length - 1; k >= 0; k--) bounds[k] = SuffixBound.Of(classes, k);
        var minimumAfter = new double[classes.Length + 1];
        var baseValueAfter = new double[classes.Length + 1];
        for (int k = classes.Length - 1; k >= 0; k--)
        {
            minimumAfter[k] = minimumAfter[k + 1] + classes[k].Costs[0];
            baseValueAfter[k] = baseValueAfter[k + 1] + classes[k].Values[0];
        }

        // Layer k holds the non-dominated (cost, value) pairs after choosing classes 0..k-1.
        var layers = new List<State[]> { new[] { new State(0, 0, -1, -1) } };
        double achievable = double.NegativeInfinity;
        for (int k = 0; k < classes.Length; k++)
        {
            Choices choices = classes[k];
            var next = new List<State>();
            State[] current = layers[k];
            for (int s = 0; s < current.Length; s++)
            {
                for (int o = 0; o < choices.Costs.Length; o++)
                {
                    double cost = current[s].Cost + choices.Costs[o];
                    double rest = capacity - cost - minimumAfter[k + 1];
                    if (rest < 0) break; // options are sorted by cost
                    double value = current[s].Value + choices.Values[o];
                    double bound = value + baseValueAfter[k + 1] + bounds[k + 1].At(rest);
                    // Pairs that cannot beat the floor go, and so do those that cannot reach what is already
                    // achievable here (those that might equal it stay: one of them achieves it).
                    if (!CanBeat(bound, floor) || bound < achievable - Tolerance * Math.Abs(achievable)) continue;
                    // Completing with every later class at its cheapest option is feasible.
                    achievable = Math.Max(achievable, value + baseValueAfter[k + 1]);
                    next.Add(new State(cost, value, s, o));
                }
            }
            if (next.Count == 0) return null;
            next.Sort((a, b) => a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : b.Value.CompareTo(a.Value));
            var frontier = new List<State>(next.Count);
            foreach (State state in next)
                if (frontier.Count == 0 || state.Value > frontier[^1].Value) frontier.Add(state);
            layers.Add(frontier.ToArray());
        }
        State[] last = layers[^1];
        int bestIndex = 0;
        for (int s = 1; s < last.Length; s++)
            if (last[s].Value > last[bestIndex].Value) bestIndex = s;
        if (last[bestIndex].Value <= floor) return null;
        var options = new int[classes.Length];
        for (int k = classes.Length, s = bestIndex; k > 0; k--)
        {
            options[k - 1] = layers[k][s].Option;
            s = layers[k][s].Parent;
        }
        return (last[bestIndex].Value, options);
    }

    private readonly record struct State(double Cost, double Value, int Parent, int Option);

    /// <summary>Whether a bound leaves room to beat <paramref name="best"/> by more than the tolerance.</summary>
    private static bool CanBeat(double bound, double best) =>
        double.IsNegativeInfinity(best) || bound > best + Tolerance * Math.Abs(best);

    private void SetHubs(long index, int[] widths)
    {
        for (int h = 0; h < _hubs.Length; h++)
        {
            _hubIndex[h] = (int)(index % _hubSizes[h]);
            widths[_hubs[h]] = _space.Options(_hubs[h])![_hubIndex[h]];
            index /= _hubSizes[h];
        }
    }

    private Choices[] ClassesOf(int[] widths)
    {
        var classes = new Choices[_components.Length];
        for (int c = 0; c < _components.Length; c++)
        {
            // A component's choices depend only on the streams it touches.
            long key = 0;
            foreach (int h in _components[c].Hubs) key = key * _hubSizes[h] + _hubIndex[h];
            if (!_choices.TryGetValue((c, key), out Choices? choices))
                _choices[(c, key)] = choices = Enumerate(_components[c], widths);
            classes[c] = choices;
        }
        return classes;
    }

    // Every assignment of the component's groups and blocks, reduced to the non-dominated ones sorted by cost.
    private Choices Enumerate(Component component, int[] hubWidths)
    {
        int[] widths = hubWidths.ToArray();
        bool[] kept = _space.CurrentBlocks.ToArray();
        var all = new List<(double Cost, double Value, int Assignment)>(component.Assignments);
        for (int a = 0; a < component.Assignments; a++)
        {
            Assign(component, a, widths, kept);
            (double cost, double value) = Evaluate(component.Items, widths, kept);
            all.Add((cost, value, a));
        }
        all.Sort((x, y) => x.Cost != y.Cost ? x.Cost.CompareTo(y.Cost) : y.Value.CompareTo(x.Value));
        var costs = new List<double>();
        var values = new List<double>();
        var assignments = new List<int>();
        foreach (var (cost, value, a) in all)
        {
            if (values.Count > 0 && value <= values[^1]) continue;
            costs.Add(cost);
            values.Add(value);
            assignments.Add(a);
        }
        return new Choices(costs.ToArray(), values.ToArray(), assignments.ToArray());
    }

    private void Assign(Component component, int assignment, int[] widths, bool[] kept)
    {
        foreach (int g in component.Groups)
        {
            IReadOnlyList<int> options = _space.Options(g)!;
            widths[g] = options[assignment % options.Count];
            assignment /= options.Count;
        }
        foreach (int b in component.Blocks)
        {
            kept[b] = assignment % 2 == 1;
            assignment /= 2;
        }
    }

    private (double Cost, double Value) Evaluate(Item[] items, int[] widths, bool[] kept)
    {
        double cost = 0, value = 0;
        foreach (Item item in items)
        {
            if (item.Term is { } term)
            {
                if (term.IsPresent(kept)) cost += LatencyModel.Latency(term, widths, _table);
            }
            else if (CostModel.IsPresent(_space.Structure.Layers[item.Layer], kept))
            {
                value += _scores[item.Group].WriterKept(item.Writer, widths[item.Group]);
            }
        }
        return (cost, value);
    }

    /// <summary>A latency term (Term set) or a writer's share of a group's importance (Group, Writer, Layer set).</summary>
    private sealed record Item(LatencyTerm? Term, int Group, int Writer, int Layer, int Block, int[] Groups);

    private sealed record Component(int[] Groups, int[] Blocks, int[] Hubs, Item[] Items, int Assignments);

    /// <summary>A component's non-dominated options: costs ascending, values strictly ascending.</summary>
    private sealed record Choices(double[] Costs, double[] Values, int[] Assignments);

    /// <summary>
    /// The LP relaxation of the knapsack over classes k.. as a function of the capacity left above their
    /// cheapest options: the classes' upper-hull steps, most value per millisecond first.
    /// </summary>
    private sealed class SuffixBound
    {
        private readonly double[] _cost;
        private readonly double[] _value;

        private SuffixBound(double[] cost, double[] value)
        {
            _cost = cost;
            _value = value;
        }

        public static SuffixBound Empty { get; } = new([0], [0]);

        public static SuffixBound Of(Choices[] classes, int from)
        {
            var steps = new List<(double Cost, double Value)>();
            for (int k = from; k < classes.Length; k++) AddHullSteps(classes[k], steps);
            steps.Sort((a, b) => (b.Value * a.Cost).CompareTo(a.Value * b.Cost));
            var cost = new double[steps.Count + 1];
            var value = new double[steps.Count + 1];
            for (int i = 0; i < steps.Count; i++)
            {
                cost[i + 1] = cost[i] + steps[i].Cost;
                value[i + 1] = value[i] + steps[i].Value;
            }
            return new SuffixBound(cost, value);
        }

        // Upper concave hull from the cheapest option: steps of decreasing value per millisecond.
        private static void AddHullSteps(Choices choices, List<(double Cost, double Value)> steps)
        {
            var hull = new List<int> { 0 };
            for (int i = 1; i < choices.Costs.Length; i++)
            {
                while (hull.Count >= 2)
                {
                    int a = hull[^2], b = hull[^1];
                    // Drop b when it lies on or below the segment a -> i.
                    double cross = (choices.Values[b] - choices.Values[a]) * (choices.Costs[i] - choices.Costs[a])
                        - (choices.Values[i] - choices.Values[a]) * (choices.Costs[b] - choices.Costs[a]);
                    if (cross <= 0) hull.RemoveAt(hull.Count - 1);
                    else break;
                }
                hull.Add(i);
            }
            for (int i = 1; i < hull.Count; i++)
            {
                double dc = choices.Costs[hull[i]] - choices.Costs[hull[i - 1]];
                double dv = choices.Values[hull[i]] - choices.Values[hull[i - 1]];
                // A free improvement (equal cost) cannot occur: options of equal cost keep only the best value.
                steps.Add((Math.Max(dc, 0), dv));
            }
        }

        /// <summary>The bound's value with <paramref name="capacity"/> ms to spend on steps.</summary>
        public double At(double capacity)
        {
            if (capacity <= 0) return 0;
            int low = 0, high = _cost.Length - 1;
            if (capacity >= _cost[high]) return _value[high];
            while (high - low > 1)
            {
                int mid = (low + high) / 2;
                if (_cost[mid] <= capacity) low = mid;
                else high = mid;
            }
            double fraction = (capacity - _cost[low]) / (_cost[high] - _cost[low]);
            return _value[low] + fraction * (_value[high] - _value[low]);
        }
    }
}
