using PruneGen.Search.Indicators;
using PruneGen.Search.Problems;

namespace PruneGen.Tests.Search;

public class IndicatorTests
{
    [Fact]
    public void TwoDimensionalHypervolumeOfAStaircaseByHand()
    {
        // Reference (4,4): strips [1,2]x[3,4] = 1, [2,3]x[2,4] = 2, [3,4]x[1,4] = 3.
        double[][] staircase = [[1, 3], [2, 2], [3, 1]];
        Assert.Equal(6, Hypervolume.Compute2D(staircase, 4, 4), 12);
        Assert.Equal(6, Hypervolume.Compute(staircase, [4, 4]), 12);
        // A dominated point, a duplicate and points on or beyond the reference change nothing.
        double[][] noisy = [.. staircase, [3, 3], [2, 2], [5, 0], [4, 0.5], [0.5, 4]];
        Assert.Equal(6, Hypervolume.Compute(noisy, [4, 4]), 12);
        Assert.Equal(0, Hypervolume.Compute([], [4, 4]));
    }

    [Fact]
    public void ThreeDimensionalHypervolumeByHand()
    {
        Assert.Equal(6, Hypervolume.Compute([[1, 2, 3]], [4, 4, 4]), 12);
        // Boxes 3*3*1 = 9 and 2*2*3 = 12 overlap in [2,4]x[2,4]x[3,4] = 4: 9 + 12 - 4 = 17.
        Assert.Equal(17, Hypervolume.Compute([[1, 1, 3], [2, 2, 1]], [4, 4, 4]), 12);
        // One objective: the distance from the best point to the reference.
        Assert.Equal(3, Hypervolume.Compute([[2], [1], [5]], [4]), 12);
    }

    // Exact by a different route: cut space at every coordinate and add the cells some point covers.
    private static double GridHypervolume(double[][] points, double[] reference)
    {
        int d = reference.Length;
        double[][] cuts = Enumerable.Range(0, d)
            .Select(k => points.Select(p => Math.Min(p[k], reference[k])).Append(reference[k]).Distinct().Order().ToArray()).ToArray();
        double volume = 0;
        var index = new int[d];
        while (true)
        {
            bool valid = true;
            for (int k = 0; k < d; k++) valid &= index[k] < cuts[k].Length - 1;
            if (valid)
            {
                double[] low = Enumerable.Range(0, d).Select(k => cuts[k][index[k]]).ToArray();
                if (points.Any(p => Enumerable.Range(0, d).All(k => p[k] <= low[k])))
                    volume += Enumerable.Range(0, d).Aggregate(1.0, (v, k) => v * (cuts[k][index[k] + 1] - cuts[k][index[k]]));
            }
            int carry = 0;
            while (carry < d && ++index[carry] >= cuts[carry].Length) index[carry++] = 0;
            if (carry == d) return volume;
        }
    }

    [Theory]
    [InlineData(2, 11)]
    [InlineData(3, 12)]
    [InlineData(4, 13)]
    [InlineData(5, 14)]
    public void GeneralHypervolumeMatchesGridCountingOnRandomSets(int objectives, int seed)
    {
        var random = new Random(seed);
        double[] reference = Enumerable.Repeat(1.0, objectives).ToArray();
        for (int trial = 0; trial < 30; trial++)
        {
            int count = random.Next(1, objectives >= 5 ? 6 : 9);
            // Some coordinates beyond the reference, some ties (rounded values).
            double[][] points = Enumerable.Range(0, count)
                .Select(_ => Enumerable.Range(0, objectives).Select(_ => Math.Round(random.NextDouble() * 1.1, 1)).ToArray()).ToArray();
            double expected = GridHypervolume(points.Where(p => p.Zip(reference).All(z => z.First < z.Second)).ToArray(), reference);
            Assert.Equal(expected, Hypervolume.Compute(points, reference), 10);
        }
    }

    [Fact]
    public void ZdtOneFrontApproachesTwoThirdsWithReferenceOneOne()
    {
        // The area between f2 = 1 - sqrt(f1) and (1, 1) is the integral of sqrt(f1) over [0, 1] = 2/3.
        // A sampled front's staircase lies inside that area and misses at most 1/(samples - 1).
        double[][] front = Zdt.Zdt1().ParetoFront(10_000);
        double hv = Hypervolume.Compute2D(front, 1, 1);
        Assert.InRange(hv, 2.0 / 3 - 1.0 / 9_999, 2.0 / 3);
        Assert.Equal(hv, Hypervolume.Compute(front, [1, 1]), 12);
    }

    [Fact]
    public void HypervolumeRejectsMismatchedAndNonFiniteInput()
    {
        Assert.Contains("point 1 has 3 objectives", Assert.Throws<ArgumentException>(() => Hypervolume.Compute([[0, 0], [0, 0, 0]], [1, 1])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Hypervolume.Compute([[double.NaN, 0]], [1, 1])).Message);
        Assert.Contains("must be finite", Assert.Throws<ArgumentException>(() => Hypervolume.Compute([[0, 0]], [1, double.PositiveInfinity])).Message);
    }

    [Fact]
    public void IgdIsTheMeanDistanceFromTheReferenceFrontToTheNearestApproximationPoint()
    {
        double[][] reference = [[0, 1], [1, 0]];
        Assert.Equal(0, InvertedGenerationalDistance.Compute(reference, reference));
        // From (0,0) both reference points are 1 away; from (0,1) they are 0 and sqrt(2) away.
        Assert.Equal((1 + 1) / 2.0, InvertedGenerationalDistance.Compute([[0, 0]], reference), 12);
        Assert.Equal((0 + Math.Sqrt(2)) / 2, InvertedGenerationalDistance.Compute([[0, 1]], reference), 12);
        Assert.Throws<ArgumentException>(() => InvertedGenerationalDistance.Compute([], reference));
    }

    [Fact]
    public void ZdtThreeFrontHasFiveDisconnectedPieces()
    {
        double[][] front = Zdt.Zdt3().ParetoFront(10_000);
        // A gap in f1 much wider than the sampling step separates two pieces.
        int gaps = front.Zip(front.Skip(1)).Count(pair => pair.Second[0] - pair.First[0] > 0.01);
        Assert.Equal(4, gaps);
        Assert.Equal(0, front[0][0]);
        Assert.True(front[^1][0] is > 0.8 and < 0.9, $"last piece ends at f1 = {front[^1][0]}");
    }
}
