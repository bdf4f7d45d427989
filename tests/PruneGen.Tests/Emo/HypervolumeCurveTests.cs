using PruneGen.Methods.Emo;

namespace PruneGen.Tests.Emo;

public class HypervolumeCurveTests
{
    // Reference (1, 1): a point (error e, MACs fraction f) alone dominates (1 - e) * (1 - f).
    private static readonly (string Key, double Error, double Fraction) A = ("a", 0.2, 0.5), B = ("b", 0.4, 0.2);
    private const double HvA = 0.8 * 0.5, HvB = 0.6 * 0.8, HvAB = HvA + HvB - 0.6 * 0.5;

    private static void Add(HypervolumeCurve curve, (string Key, double Error, double Fraction) p) =>
        curve.Add(p.Key, new CandidateScore(Untrained: 0.9, Repaired: p.Error), p.Fraction);

    [Fact]
    public void AccumulatedValueCountsEveryCandidateSoFarAndTheCheckpointValueOnlyThoseSinceTheLastMark()
    {
        var curve = new HypervolumeCurve();
        Add(curve, A);
        curve.Mark(10);
        Assert.Equal(HvA, curve.Final, 12);
        Assert.Equal(HvA, curve.FinalAtCheckpoint, 12);

        Add(curve, B);
        curve.Mark(20);
        Assert.Equal(HvAB, curve.Final, 12);
        Assert.Equal(HvB, curve.FinalAtCheckpoint, 12); // A was not put forward again

        Add(curve, A);
        Add(curve, B);
        curve.Mark(30);
        Assert.Equal(HvAB, curve.FinalAtCheckpoint, 12);
        Assert.Equal(0.1 * 0.8, curve.FinalUntrained, 12); // every point at error 0.9: B's rectangle holds A's
    }

    [Fact]
    public void CheckpointValueDoesNotDependOnHowOftenEarlierMarksWereMade()
    {
        // The same search marked once, or also at an earlier budget with other candidates: the last
        // checkpoint's own value agrees, while the accumulated value grows with the extra mark.
        var once = new HypervolumeCurve();
        Add(once, B);
        once.Mark(20);

        var twice = new HypervolumeCurve();
        Add(twice, A);
        twice.Mark(10);
        Add(twice, B);
        twice.Mark(20);

        Assert.Equal(once.FinalAtCheckpoint, twice.FinalAtCheckpoint, 12);
        Assert.Equal(HvB, once.Final, 12);
        Assert.Equal(HvAB, twice.Final, 12);
    }
}
