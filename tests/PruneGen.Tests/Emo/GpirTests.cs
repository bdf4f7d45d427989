using PruneGen.Methods.Emo;

namespace PruneGen.Tests.Emo;

public class GpirTests
{
    private static GpirFront RandomFront(Random random, int index, int maxMembers, long macs, bool allowNegativeImpairment = true)
    {
        int count = random.Next(1, maxMembers + 1);
        var members = new GpirMember[count];
        for (int j = 0; j < count; j++)
        {
            // Coarse values make equal gains and equal impairments common.
            long gain = (long)Math.Round(random.Next(0, 5) / 4.0 * macs);
            double impairment = random.Next(allowNegativeImpairment ? -2 : 0, 10) / 8.0;
            members[j] = new GpirMember(impairment, gain);
        }
        return new GpirFront($"S{index}", macs, members);
    }

    /// <summary>Every combination, in the same summation order as the solver uses.</summary>
    private static (double Impairment, bool Feasible) BruteForce(IReadOnlyList<GpirFront> fronts, long required)
    {
        double best = double.PositiveInfinity;
        var index = new int[fronts.Count];
        while (true)
        {
            long gain = 0;
            double impairment = 0;
            for (int k = 0; k < fronts.Count; k++)
            {
                gain += fronts[k].Members[index[k]].GainMacs;
                impairment += fronts[k].Members[index[k]].Impairment;
            }
            if (gain >= required) best = Math.Min(best, impairment);
            int carry = 0;
            while (carry < fronts.Count && ++index[carry] == fronts[carry].Members.Count) index[carry++] = 0;
            if (carry == fronts.Count) return (best, !double.IsPositiveInfinity(best));
        }
    }

    private static void AssertConsistent(IReadOnlyList<GpirFront> fronts, GpirChoice choice, long required)
    {
        Assert.Equal(fronts.Count, choice.MemberIndices.Count);
        long gain = 0;
        double impairment = 0;
        for (int k = 0; k < fronts.Count; k++)
        {
            gain += fronts[k].Members[choice.MemberIndices[k]].GainMacs;
            impairment += fronts[k].Members[choice.MemberIndices[k]].Impairment;
        }
        Assert.Equal(gain, choice.TotalGainMacs);
        Assert.Equal(impairment, choice.TotalImpairment, 12);
        Assert.True(gain >= required, $"gain {gain} below R* {required}");
    }

    [Fact]
    public void MatchesBruteForceOnRandomSmallInstances()
    {
        var random = new Random(17);
        for (int trial = 0; trial < 400; trial++)
        {
            GpirFront[] fronts = Enumerable.Range(0, random.Next(1, 5))
                .Select(k => RandomFront(random, k, maxMembers: 5, macs: random.Next(1, 1000))).ToArray();
            long required = random.NextInt64(0, Gpir.MaxReachableGain(fronts) + 1);
            GpirChoice choice = Gpir.Solve(fronts, required);
            AssertConsistent(fronts, choice, required);
            Assert.Equal(BruteForce(fronts, required).Impairment, choice.TotalImpairment, 12);
        }
    }

    [Fact]
    public void ExactAtRealisticMacCountsWithoutDiscretising()
    {
        // Three ResNet-20-sized stages (about 13.6M MACs each), 20 front members each: 8000 combinations.
        var random = new Random(3);
        GpirFront[] fronts = Enumerable.Range(0, 3).Select(k => new GpirFront($"stage{k}", 13_590_528,
            Enumerable.Range(0, 20).Select(_ => new GpirMember(random.NextDouble() * 0.3 - 0.01, random.NextInt64(0, 13_590_529))).ToArray())).ToArray();
        long total = 41_000_000;
        foreach (double ratio in new[] { 0.1, 0.3, 0.5, 0.7 })
        {
            long required = Gpir.RequiredGain(ratio, total);
            if (required > Gpir.MaxReachableGain(fronts)) continue;
            GpirChoice choice = Gpir.Solve(fronts, required);
            AssertConsistent(fronts, choice, required);
            Assert.Equal(BruteForce(fronts, required).Impairment, choice.TotalImpairment, 12);
        }
    }

    [Fact]
    public void ZeroRequiredGainTakesEachSubNetworksLeastImpairedMember()
    {
        GpirFront[] fronts =
        [
            new("a", 100, [new(0, 0), new(-0.1, 30), new(0.2, 60)]),
            new("b", 50, [new(0.05, 10), new(0.01, 20)]),
        ];
        GpirChoice choice = Gpir.Solve(fronts, 0);
        Assert.Equal([1, 1], choice.MemberIndices);
        Assert.Equal(50, choice.TotalGainMacs);
    }

    [Fact]
    public void InfeasibleRequiredGainNamesTheMaximumReachableGain()
    {
        GpirFront[] fronts =
        [
            new("a", 100, [new(0, 0), new(0.1, 40)]),
            new("b", 100, [new(0, 0), new(0.2, 70), new(0.1, 25)]),
        ];
        Assert.Equal(110, Gpir.MaxReachableGain(fronts));
        Assert.Equal(110, Gpir.Solve(fronts, 110).TotalGainMacs); // exactly reachable is fine
        var e = Assert.Throws<InfeasibleGainException>(() => Gpir.Solve(fronts, 111));
        Assert.Equal(110, e.MaxReachableGainMacs);
        Assert.Equal(111, e.RequiredGainMacs);
        Assert.Contains("R* = 111 MACs", e.Message);
        Assert.Contains("maximum reachable gain is 110 MACs", e.Message);
    }

    [Fact]
    public void NeverWorseThanTheUniformChoiceAtEqualRequiredGain()
    {
        var random = new Random(23);
        int compared = 0, strictlyBetter = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            GpirFront[] fronts = Enumerable.Range(0, random.Next(2, 5))
                .Select(k => RandomFront(random, k, maxMembers: 8, macs: random.Next(100, 10_000), allowNegativeImpairment: false)).ToArray();
            long required = random.NextInt64(0, Gpir.MaxReachableGain(fronts) + 1);
            if (!UniformChoice.TryChoose(fronts, required, out GpirChoice uniform)) continue;
            AssertConsistent(fronts, uniform, required);
            GpirChoice gpir = Gpir.Solve(fronts, required);
            Assert.True(gpir.TotalImpairment <= uniform.TotalImpairment + 1e-12,
                $"trial {trial}: GPIR {gpir.TotalImpairment} > uniform {uniform.TotalImpairment} at R* {required}");
            compared++;
            if (gpir.TotalImpairment < uniform.TotalImpairment - 1e-12) strictlyBetter++;
        }
        Assert.True(compared > 100, $"only {compared} instances had a uniform choice");
        Assert.True(strictlyBetter > 0, "GPIR never beat the uniform choice: the comparison is vacuous");
    }

    [Fact]
    public void UniformChoiceUsesTheSmallestCommonRatioThatReachesTheGain()
    {
        GpirFront[] fronts =
        [
            new("a", 100, [new(0, 0), new(0.1, 25), new(0.3, 50), new(0.6, 75)]),
            new("b", 200, [new(0, 0), new(0.2, 60), new(0.4, 100), new(0.5, 150)]),
        ];
        // rho = 0.25: a takes 25 (0.25), b takes 60 (0.3): 85 MACs; rho = 0.3: a 50, b 60 = 110.
        Assert.True(UniformChoice.TryChoose(fronts, 85, out GpirChoice low));
        Assert.Equal([1, 1], low.MemberIndices);
        Assert.True(UniformChoice.TryChoose(fronts, 86, out GpirChoice higher));
        Assert.Equal([2, 1], higher.MemberIndices);
        Assert.Equal(110, higher.TotalGainMacs);
        // a's largest ratio is 0.75 and b's is 0.75: 75 + 150 is all a common ratio can give.
        Assert.True(UniformChoice.TryChoose(fronts, 225, out _));
        Assert.False(UniformChoice.TryChoose(fronts, 226, out _));
    }

    [Fact]
    public void RequiredGainRoundsUpWithoutFloatingPointDrift()
    {
        Assert.Equal(3, Gpir.RequiredGain(0.3, 10)); // 0.3 * 10 is 3.0000000000000004 in doubles
        Assert.Equal(21, Gpir.RequiredGain(0.5, 41));
        Assert.Equal(0, Gpir.RequiredGain(0, 41));
        Assert.Equal(41, Gpir.RequiredGain(1, 41));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpir.RequiredGain(1.2, 41));
    }

    [Fact]
    public void InvalidFrontsAreRejectedWithTheSubNetworkNamed()
    {
        Assert.Contains("'s2' has an empty front", Assert.Throws<ArgumentException>(() => new GpirFront("s2", 10, [])).Message);
        Assert.Contains("'s1', member 1: gain 11 MACs lies outside [0, 10]",
            Assert.Throws<ArgumentException>(() => new GpirFront("s1", 10, [new(0, 0), new(0.1, 11)])).Message);
        Assert.Contains("impairment NaN", Assert.Throws<ArgumentException>(() => new GpirFront("s1", 10, [new(double.NaN, 0)])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpir.Solve([new GpirFront("s", 10, [new(0, 5)])], -1));
        Assert.Throws<ArgumentException>(() => Gpir.Solve([], 0));
    }

    [Fact]
    public void WholeNetworkChoicesAtEvenGainsAreTheFewestMacsRemovedThatMeetEachGain()
    {
        // Full network 100 MACs; a front from dense to 10 MACs kept. Gains 0, 30, 60, 90 pick each member once.
        ArchivedMask[] front = [new([true, true], 0.1, 100), new([true, false], 0.2, 70), new([false, true], 0.3, 40), new([false, false], 0.5, 10)];
        Assert.Equal([100L, 70, 40, 10], EmoPlanner.ChoicesAtEvenGains(front, 100, 3).Select(c => c.Macs));
        // Gains 0, 22, 45, 67, 90: 67 needs at most 33 MACs kept, which only the last member meets; it is put forward once.
        Assert.Equal([100L, 70, 40, 10], EmoPlanner.ChoicesAtEvenGains(front, 100, 4).Select(c => c.Macs));
        // One value of R*: the dense end and the largest gain.
        Assert.Equal([100L, 10], EmoPlanner.ChoicesAtEvenGains(front, 100, 1).Select(c => c.Macs));
    }
}
