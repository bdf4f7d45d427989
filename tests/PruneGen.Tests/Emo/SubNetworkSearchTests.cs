using PruneGen.Methods.Emo;
using PruneGen.Search.Indicators;

namespace PruneGen.Tests.Emo;

public class SubNetworkSearchTests
{
    /// <summary>
    /// A stand-in for a sub-network with a detector: unit i has importance w_i, its error is the
    /// pruned importance (as a fraction), every unit costs the same MACs. The best mask keeping k
    /// units keeps the k most important ones, so the optimal front is known.
    /// </summary>
    private sealed class WeightedUnits(string name, double[] importance, long macsPerUnit = 1000, long fixedMacs = 500) : ISubNetworkProblem
    {
        public List<int> BatchSizes { get; } = [];
        public string Name => name;
        public int MaskLength => importance.Length;
        public long DenseMacs => fixedMacs + macsPerUnit * importance.Length;

        public long Macs(ReadOnlySpan<bool> mask)
        {
            long macs = fixedMacs;
            foreach (bool keep in mask) macs += keep ? macsPerUnit : 0;
            return macs;
        }

        public void EvaluateErrors(IReadOnlyList<bool[]> masks, double[] errors)
        {
            lock (BatchSizes) BatchSizes.Add(masks.Count);
            double total = importance.Sum();
            for (int i = 0; i < masks.Count; i++)
                errors[i] = Enumerable.Range(0, importance.Length).Where(u => !masks[i][u]).Sum(u => importance[u]) / total;
        }

        public double[][] OptimalFront()
        {
            double[] ascending = importance.Order().ToArray();
            double total = importance.Sum();
            return Enumerable.Range(0, importance.Length + 1)
                .Select(kept => new[] { ascending.Take(importance.Length - kept).Sum() / total, (double)(fixedMacs + macsPerUnit * kept) / DenseMacs })
                .ToArray();
        }
    }

    private static WeightedUnits Problem(string name, int units, int seed)
    {
        var random = new Random(seed);
        return new WeightedUnits(name, Enumerable.Range(0, units).Select(_ => 0.1 + random.NextDouble()).ToArray());
    }

    [Fact]
    public void ApproachesTheKnownFrontWithEmoDefaults()
    {
        WeightedUnits problem = Problem("stage1", 12, 1);
        SubNetworkSearchResult result = SubNetworkSearch.Run(problem, new EmoSearchOptions { Seed = 1 });

        Assert.Equal(20L * 21 + 1, result.Evaluations); // population * (generations + 1) + the dense reference
        Assert.Equal([1, .. Enumerable.Repeat(20, 21)], problem.BatchSizes);
        Assert.Equal(0, result.DenseError);
        Assert.Contains(result.Front, c => c.Mask.All(b => b) && c.Error == 0 && c.Macs == problem.DenseMacs);

        double optimal = Hypervolume.Compute2D(problem.OptimalFront(), 1.1, 1.1);
        double found = Hypervolume.Compute2D(result.Front.Select(c => new[] { c.Error, (double)c.Macs / problem.DenseMacs }).ToArray(), 1.1, 1.1);
        Assert.InRange(found / optimal, 0.95, 1.0 + 1e-12);
        Assert.Equal(21, result.History.Count);
    }

    [Fact]
    public void GpirFrontUsesImpairmentOverTheDenseErrorAndRemovedMacs()
    {
        WeightedUnits problem = Problem("stage2", 8, 2);
        SubNetworkSearchResult result = SubNetworkSearch.Run(problem, new EmoSearchOptions { Seed = 4, Generations = 5 });
        GpirFront front = result.ToGpirFront();
        Assert.Equal("stage2", front.Name);
        Assert.Equal(problem.DenseMacs, front.SubNetworkMacs);
        for (int j = 0; j < front.Members.Count; j++)
        {
            Assert.Equal(result.Front[j].Error - result.DenseError, front.Members[j].Impairment);
            Assert.Equal(problem.DenseMacs - result.Front[j].Macs, front.Members[j].GainMacs);
        }
        // Distinct masks only.
        Assert.Equal(result.Front.Count, result.Front.Select(c => string.Concat(c.Mask.Select(b => b ? 1 : 0))).Distinct().Count());
    }

    [Fact]
    public void DivideAndConquerIsIndependentOfParallelismAndFeedsGpir()
    {
        ISubNetworkProblem[] Problems() => [Problem("s1", 10, 1), Problem("s2", 14, 2), Problem("s3", 6, 3)];
        var options = new EmoSearchOptions { Seed = 9, Generations = 10 };
        IReadOnlyList<SubNetworkSearchResult> sequential = DivideAndConquerSearch.Run(Problems(), options with { MaxParallelSearches = 1 });
        IReadOnlyList<SubNetworkSearchResult> parallel = DivideAndConquerSearch.Run(Problems(), options with { MaxParallelSearches = 3 });

        Assert.Equal(["s1", "s2", "s3"], parallel.Select(r => r.Name));
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(sequential[k].Front.Select(c => (c.Error, c.Macs)), parallel[k].Front.Select(c => (c.Error, c.Macs)));
            Assert.Equal(sequential[k].History.Select(h => h.Front), parallel[k].History.Select(h => h.Front));
        }

        GpirFront[] fronts = parallel.Select(r => r.ToGpirFront()).ToArray();
        long required = Gpir.MaxReachableGain(fronts) / 2;
        GpirChoice choice = Gpir.Solve(fronts, required);
        Assert.True(choice.TotalGainMacs >= required);
    }

    [Fact]
    public void SubNetworksSearchWithDifferentRandomStreams()
    {
        // Identical problems: only the derived seeds differ, so the initial populations must too.
        IReadOnlyList<SubNetworkSearchResult> results = DivideAndConquerSearch.Run(
            [Problem("a", 16, 5), Problem("b", 16, 5)], new EmoSearchOptions { Seed = 1, Generations = 0 });
        Assert.NotEqual(results[0].History[0].Front, results[1].History[0].Front);
    }

    [Fact]
    public void ProblemsThatReportImpossibleMacsAreCaught()
    {
        var broken = new WeightedUnits("bad", [1, 2, 3], macsPerUnit: 1000, fixedMacs: -5000);
        var e = Assert.ThrowsAny<Exception>(() => SubNetworkSearch.Run(broken, new EmoSearchOptions()));
        Assert.Contains("'bad'", e.Message);
    }
}
