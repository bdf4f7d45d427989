using PruneGen.Structure;

namespace PruneGen.Methods.Mdp;

/// <summary>
/// A good feasible structure for MDP's program, found without the solver, to start CBC from (a MIP
/// start): with a near-optimal incumbent from the first node, branch and bound prunes at once and
/// spends its time on the proof. The optimum is unchanged; only the time to reach it.
/// </summary>
/// <remarks>
/// Two phases over the exact objective and the LUT. Shrink: while over the budget, take the move (one
/// group down one width, or one block out) that loses the least importance per millisecond saved.
/// Improve: while some move gains importance within the budget (one group up one width, a removed
/// block back, or one group up while another goes down), take the best. Latency changes are
/// evaluated on the layers a move touches only.
/// </remarks>
public sealed class GreedyStart
{
    private readonly PruningSpace _space;
    private readonly ImportanceScores _scores;
    private readonly ILatencyTable _table;
    private readonly bool _removeBlocks;
    private readonly NetworkStructure _structure;
    private readonly int[][] _termsOfGroup;
    private readonly int[][] _termsOfBlock;
    private readonly int[][] _groupsOfBlock;
    private readonly int[] _groups;
    private readonly int[] _blocks;
    private readonly LatencyTerm[] _terms;
    private readonly int[] _index;
    private readonly int[] _widths;
    private readonly bool[] _kept;

    private GreedyStart(PruningSpace space, ImportanceScores scores, ILatencyTable table, bool removeBlocks)
    {
        _space = space;
        _scores = scores;
        _table = table;
        _removeBlocks = removeBlocks;
        _structure = space.Structure;
        _terms = LatencyModel.Terms(_structure).ToArray(); // TermsLatency counts only those present
        _groups = _structure.PrunableGroups.Where(g => space.Options(g.Index) is not null).Select(g => g.Index).ToArray();
        _blocks = removeBlocks ? Enumerable.Range(0, _structure.Blocks.Count).Where(space.CanRemove).ToArray() : [];
        _termsOfGroup = _structure.Groups
            .Select(g => Enumerable.Range(0, _terms.Length).Where(t => _terms[t].InputGroup == g.Index || _terms[t].OutputGroup == g.Index).ToArray())
            .ToArray();
        _termsOfBlock = Enumerable.Range(0, _structure.Blocks.Count)
            .Select(b => Enumerable.Range(0, _terms.Length).Where(t => _terms[t].Block == b).ToArray())
            .ToArray();
        // A block's removal costs its own groups and its share of the streams it writes.
        _groupsOfBlock = Enumerable.Range(0, _structure.Blocks.Count)
            .Select(b => _groups.Where(g => _structure.Groups[g].Producers.Any(p => space.BlockOf(_structure.Layers[p]) == b)).ToArray())
            .ToArray();
        _widths = space.CurrentWidths.ToArray();
        _kept = space.CurrentBlocks.ToArray();
        _index = new int[_structure.Groups.Count];
        foreach (int g in _groups) _index[g] = space.Options(g)!.Count - 1; // the current width is the largest option
    }

    /// <summary>A structure within <paramref name="budgetMs"/> (with MDP's margin), or null when the greedy shrink cannot reach it.</summary>
    public static (int[] GroupWidths, bool[] BlocksKept)? Find(PruningSpace space, ImportanceScores scores, ILatencyTable table, double budgetMs, bool removeBlocks)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(table);
        var search = new GreedyStart(space, scores, table, removeBlocks);
        // Slightly inside the program's own margin, so rounding never makes the start infeasible.
        double limit = budgetMs * (1 - 2 * MdpProgram.BudgetMargin);
        return search.Run(limit) ? (search._widths.ToArray(), search._kept.ToArray()) : null;
    }

    private bool Run(double limit)
    {
        double latency = LatencyModel.Predict(_structure, _widths, _kept, _table);
        while (latency > limit)
        {
            Move? best = null;
            foreach (Move move in ShrinkMoves())
            {
                (double saved, double lost) = Evaluate(move);
                if (saved <= 0) continue;
                double ratio = lost / saved;
                if (best is null || ratio < best.Value.Score) best = move with { Score = ratio, Saved = saved };
            }
            if (best is not { } chosen) return false;
            Apply(chosen);
            latency -= chosen.Saved;
        }
        // Improve: recompute exactly once, then take gaining moves that stay within the limit.
        latency = LatencyModel.Predict(_structure, _widths, _kept, _table);
        for (int round = 0; round < 10_000; round++)
        {
            Move? best = null;
            foreach (Move move in GrowMoves())
            {
                (double saved, double lost) = Evaluate(move);
                if (-lost <= 1e-12 || latency - saved > limit) continue;
                if (best is null || -lost > best.Value.Score) best = move with { Score = -lost, Saved = saved };
            }
            if (best is not { } chosen) break;
            Apply(chosen);
            latency -= chosen.Saved;
        }
        return LatencyModel.Predict(_structure, _widths, _kept, _table) <= limit;
    }

    /// <summary>A change of at most two groups' option indices (by ±1) or one block's flag.</summary>
    private readonly record struct Move(int Group1, int Step1, int Group2, int Step2, int Block, double Score = 0, double Saved = 0);

    private IEnumerable<Move> ShrinkMoves()
    {
        foreach (int g in _groups)
            if (Live(g) && _index[g] > 0) yield return new Move(g, -1, -1, 0, -1);
        foreach (int b in _blocks)
            if (_kept[b]) yield return new Move(-1, 0, -1, 0, b);
    }

    private IEnumerable<Move> GrowMoves()
    {
        foreach (int b in _blocks)
            if (!_kept[b]) yield return new Move(-1, 0, -1, 0, b);
        foreach (int g in _groups)
        {
            if (!Live(g) || _index[g] == _space.Options(g)!.Count - 1) continue;
            yield return new Move(g, +1, -1, 0, -1);
            foreach (int h in _groups)
                if (h != g && Live(h) && _index[h] > 0) yield return new Move(g, +1, h, -1, -1);
        }
    }

    private bool Live(int group) => _space.OwnerBlock(group) is var owner && (owner < 0 || _kept[owner]);

    /// <summary>Latency saved and importance lost by a move (either may be negative), from the layers and groups it touches.</summary>
    private (double Saved, double Lost) Evaluate(Move move)
    {
        int[] touched, groups;
        if (move.Block >= 0)
        {
            touched = _termsOfBlock[move.Block];
            groups = _groupsOfBlock[move.Block];
        }
        else if (move.Group2 < 0)
        {
            touched = _termsOfGroup[move.Group1];
            groups = [move.Group1];
        }
        else
        {
            groups = [move.Group1, move.Group2];
            touched = _termsOfGroup[move.Group1].Union(_termsOfGroup[move.Group2]).ToArray();
        }
        double before = TermsLatency(touched);
        double importanceBefore = Importance(groups);
        Apply(move);
        double after = TermsLatency(touched);
        double importanceAfter = Importance(groups);
        Undo(move);
        return (before - after, importanceBefore - importanceAfter);
    }

    private double TermsLatency(int[] terms)
    {
        double total = 0;
        foreach (int t in terms)
            if (_terms[t].IsPresent(_kept))
                total += LatencyModel.Latency(_terms[t], _widths, _table);
        return total;
    }

    private double Importance(int[] groups)
    {
        double total = 0;
        foreach (int g in groups)
            total += MdpProgram.KeptImportance(_structure, _scores[g], _widths[g], _kept);
        return total;
    }

    private void Apply(Move move) => Change(move, +1);

    private void Undo(Move move) => Change(move, -1);

    private void Change(Move move, int direction)
    {
        if (move.Block >= 0)
        {
            _kept[move.Block] = !_kept[move.Block];
            return;
        }
        Shift(move.Group1, move.Step1 * direction);
        if (move.Group2 >= 0) Shift(move.Group2, move.Step2 * direction);
    }

    private void Shift(int group, int step)
    {
        _index[group] += step;
        _widths[group] = _space.Options(group)![_index[group]];
    }
}
