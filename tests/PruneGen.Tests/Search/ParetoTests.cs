using PruneGen.Search.Pareto;

namespace PruneGen.Tests.Search;

public class ParetoTests
{
    [Fact]
    public void DominanceNeedsNoWorseEverywhereAndBetterSomewhere()
    {
        Assert.Equal(1, Dominance.Compare([1, 2], [1, 3]));
        Assert.Equal(-1, Dominance.Compare([2, 3], [1, 3]));
        Assert.Equal(0, Dominance.Compare([1, 3], [2, 2])); // trade-off
        Assert.Equal(0, Dominance.Compare([1, 3], [1, 3])); // equal points do not dominate each other
        var e = Assert.Throws<ArgumentException>(() => Dominance.Compare([1, 2], [1, 2, 3]));
        Assert.Contains("2 and 3 objectives", e.Message);
    }

    [Fact]
    public void NonDominatedKeepsEqualPointsAndDropsDominatedOnes()
    {
        double[][] points = [[1, 3], [2, 2], [2, 3], [1, 3], [3, 1]];
        Assert.Equal([0, 1, 3, 4], Dominance.NonDominatedIndices(points));
    }

    // The definition, applied literally: peel off the points no remaining point dominates.
    private static int[] RanksByPeeling(double[][] points)
    {
        var ranks = Enumerable.Repeat(-1, points.Length).ToArray();
        for (int rank = 0; ranks.Contains(-1); rank++)
        {
            int[] remaining = Enumerable.Range(0, points.Length).Where(i => ranks[i] == -1).ToArray();
            int[] front = remaining.Where(i => !remaining.Any(j => Dominance.Dominates(points[j], points[i]))).ToArray();
            foreach (int i in front) ranks[i] = rank;
        }
        return ranks;
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    public void SortingMatchesTheDefinitionOnRandomPointsWithTies(int objectives, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 50; trial++)
        {
            // Small integer values make equal coordinates and duplicate points common.
            double[][] points = Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => Enumerable.Range(0, objectives).Select(_ => (double)random.Next(6)).ToArray()).ToArray();
            int[][] fronts = NonDominatedSorting.Sort(points, out int[] ranks);

            Assert.Equal(RanksByPeeling(points), ranks);
            Assert.Equal(Enumerable.Range(0, points.Length), fronts.SelectMany(f => f).Order());
            for (int f = 0; f < fronts.Length; f++)
            {
                Assert.All(fronts[f], i => Assert.Equal(f, ranks[i]));
                Assert.Equal(fronts[f].Order(), fronts[f]);
            }
        }
    }

    [Fact]
    public void SortingRejectsMixedLengthsAndNaN()
    {
        Assert.Contains("point 1 has 3 objectives", Assert.Throws<ArgumentException>(() => NonDominatedSorting.Sort([[1, 2], [1, 2, 3]])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => NonDominatedSorting.Sort([[1, 2], [double.NaN, 2]])).Message);
        Assert.Empty(NonDominatedSorting.Sort([]));
    }

    [Fact]
    public void CrowdingDistanceSumsNormalisedNeighbourGaps()
    {
        // Hand computation: ranges are 4 in both objectives.
        // (1,3): |2-0|/4 + |4-1|/4 = 1.25; (2,1): |4-1|/4 + |3-0|/4 = 1.5; the extremes are infinite.
        double[][] points = [[4, 0], [1, 3], [0, 4], [2, 1]];
        double[] distance = CrowdingDistance.Compute(points, [0, 1, 2, 3]);
        Assert.Equal([double.PositiveInfinity, 1.25, double.PositiveInfinity, 1.5], distance);
    }

    [Fact]
    public void CrowdingDistanceOfTinyFrontsIsInfinite()
    {
        double[][] points = [[0, 1], [1, 0], [5, 5]];
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity], CrowdingDistance.Compute(points, [0, 1]));
        Assert.Equal([double.PositiveInfinity], CrowdingDistance.Compute(points, [2]));
        Assert.Empty(CrowdingDistance.Compute(points, []));
    }
}
