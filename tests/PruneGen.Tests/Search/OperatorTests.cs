using PruneGen.Search;
using PruneGen.Search.Operators;

namespace PruneGen.Tests.Search;

public class OperatorTests
{
    private static readonly RealBounds Bounds = new([-1, 0, 10], [1, 5, 20]);

    [Fact]
    public void SbxChildrenStayInBoundsAndAreNewArrays()
    {
        var random = new SearchRandom(1);
        var sbx = new SimulatedBinaryCrossover(Bounds, probability: 1, distributionIndex: 2);
        double[] a = [-1, 0.1, 19.9], b = [1, 4.9, 10];
        for (int trial = 0; trial < 2000; trial++)
        {
            (double[] c, double[] d) = sbx.Cross(a, b, random);
            Assert.NotSame(a, c);
            Assert.NotSame(b, d);
            foreach (double[] child in new[] { c, d })
                for (int i = 0; i < 3; i++) Assert.InRange(child[i], Bounds.Lower(i), Bounds.Upper(i));
        }
        Assert.Equal([-1, 0.1, 19.9], a); // parents untouched
    }

    [Fact]
    public void SbxWithoutCrossingCopiesTheParents()
    {
        var sbx = new SimulatedBinaryCrossover(Bounds, probability: 0);
        double[] a = [0.5, 1, 12], b = [-0.5, 2, 18];
        (double[] c, double[] d) = sbx.Cross(a, b, new SearchRandom(3));
        Assert.Equal(a, c);
        Assert.Equal(b, d);
        Assert.NotSame(a, c);
    }

    private static double MeanSbxSpread(double eta)
    {
        var random = new SearchRandom(5);
        var sbx = new SimulatedBinaryCrossover(RealBounds.Uniform(1, 0, 1), 1, eta);
        double total = 0;
        for (int trial = 0; trial < 4000; trial++)
        {
            (double[] c, double[] d) = sbx.Cross([0.4], [0.6], random);
            total += Math.Abs(d[0] - c[0]);
        }
        return total / 4000;
    }

    [Fact]
    public void LargerSbxDistributionIndexKeepsChildrenNearerTheParents()
    {
        // Half the variables are left as they are, so the mean spread tends to the parents' gap (0.2).
        double wide = MeanSbxSpread(1), narrow = MeanSbxSpread(100);
        Assert.True(Math.Abs(narrow - 0.2) < Math.Abs(wide - 0.2), $"eta 100 spread {narrow}, eta 1 spread {wide}");
        Assert.InRange(narrow, 0.19, 0.21);
    }

    [Fact]
    public void PolynomialMutationStaysInBoundsAndRespectsItsProbability()
    {
        var random = new SearchRandom(2);
        var always = new PolynomialMutation(Bounds, probability: 1, distributionIndex: 1);
        int changed = 0;
        for (int trial = 0; trial < 1000; trial++)
        {
            double[] x = [1, 0, 15];
            always.Mutate(x, random);
            for (int i = 0; i < 3; i++) Assert.InRange(x[i], Bounds.Lower(i), Bounds.Upper(i));
            changed += x[2] != 15 ? 1 : 0;
        }
        Assert.Equal(1000, changed);

        var never = new PolynomialMutation(Bounds, probability: 0);
        double[] y = [0.3, 2, 11];
        never.Mutate(y, random);
        Assert.Equal([0.3, 2, 11], y);
        Assert.Equal(1.0 / 3, new PolynomialMutation(Bounds).Probability, 15);
    }

    [Fact]
    public void LargerMutationIndexGivesSmallerSteps()
    {
        double MeanStep(double eta)
        {
            var random = new SearchRandom(4);
            var mutation = new PolynomialMutation(RealBounds.Uniform(1, 0, 1), 1, eta);
            double total = 0;
            for (int i = 0; i < 4000; i++)
            {
                double[] x = [0.5];
                mutation.Mutate(x, random);
                total += Math.Abs(x[0] - 0.5);
            }
            return total / 4000;
        }
        Assert.True(MeanStep(100) < MeanStep(20) && MeanStep(20) < MeanStep(2));
    }

    [Fact]
    public void UniformCrossoverSwapsAboutHalfTheBitsBetweenComplementaryChildren()
    {
        var random = new SearchRandom(7);
        var crossover = new UniformCrossover(probability: 1);
        bool[] a = Enumerable.Repeat(true, 1000).ToArray(), b = new bool[1000];
        (bool[] c, bool[] d) = crossover.Cross(a, b, random);
        for (int i = 0; i < 1000; i++) Assert.NotEqual(c[i], d[i]); // each position keeps one bit of each parent
        Assert.InRange(c.Count(bit => bit), 430, 570);
        Assert.All(a, Assert.True);

        (bool[] e, bool[] f) = new UniformCrossover(probability: 0).Cross(a, b, random);
        Assert.Equal(a, e);
        Assert.Equal(b, f);
        Assert.Throws<ArgumentException>(() => crossover.Cross(a, new bool[3], random));
    }

    [Fact]
    public void BitFlipDefaultsToOneOverLength()
    {
        var mutation = new BitFlipMutation(50);
        Assert.Equal(0.02, mutation.Rate, 15);
        var random = new SearchRandom(8);
        int flips = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var mask = new bool[50];
            mutation.Mutate(mask, random);
            flips += mask.Count(bit => bit);
        }
        Assert.InRange(flips / 2000.0, 0.9, 1.1); // one flip per genome on average
        var all = new bool[5];
        new BitFlipMutation(5, rate: 1).Mutate(all, random);
        Assert.All(all, Assert.True);
        Assert.Contains("made for 50", Assert.Throws<ArgumentException>(() => mutation.Mutate(new bool[3], random)).Message);
    }

    [Fact]
    public void KeepProbabilityInitializerSeedsTheUnprunedMaskAndSpreadsTheRest()
    {
        var init = new KeepProbabilityInitializer(length: 2000);
        var random = new SearchRandom(9);
        Assert.All(init.Create(0, random), Assert.True);
        double[] kept = Enumerable.Range(1, 200).Select(i => init.Create(i, random).Count(b => b) / 2000.0).ToArray();
        // Each mask's keep fraction is close to its own p ~ U(0.2, 1): all inside, spread over the range.
        Assert.All(kept, k => Assert.InRange(k, 0.15, 1.0));
        Assert.InRange(kept.Average(), 0.55, 0.65);
        Assert.True(kept.Min() < 0.3 && kept.Max() > 0.9, $"keep fractions span [{kept.Min()}, {kept.Max()}]");
        // Without the seed, slot 0 is drawn like the others (an all-ones draw of 50 bits is unlikely).
        var unseeded = new KeepProbabilityInitializer(50, seedAllOnes: false);
        Assert.Contains(Enumerable.Range(1, 20), seed => !unseeded.Create(0, new SearchRandom(seed)).All(b => b));
    }

    [Fact]
    public void InvalidOperatorSettingsAreRejectedWithTheirNames()
    {
        Assert.Equal("probability", Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedBinaryCrossover(Bounds, 1.5)).ParamName);
        Assert.Equal("distributionIndex", Assert.Throws<ArgumentOutOfRangeException>(() => new PolynomialMutation(Bounds, null, -1)).ParamName);
        Assert.Contains("lower < upper", Assert.Throws<ArgumentException>(() => new RealBounds([0, 1], [1, 1])).Message);
        Assert.Contains("has 2 variables; the bounds have 3",
            Assert.Throws<ArgumentException>(() => new SimulatedBinaryCrossover(Bounds).Cross([0, 1], [0, 1], new SearchRandom(1))).Message);
        Assert.Throws<ArgumentException>(() => new KeepProbabilityInitializer(10, minKeep: 0.8, maxKeep: 0.5));
    }
}
