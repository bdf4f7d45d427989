using PruneGen.Data;
using PruneGen.Gates;
using PruneGen.Methods.Emo;
using PruneGen.Structure;
using PruneGen.Tests.Networks;
using PruneGen.Zoo;
using Xunit.Abstractions;
using static PruneGen.Torch.torch;

namespace PruneGen.Tests.Emo;

/// <summary>
/// EMO's pieces on a real generated network (the zoo's ResNet-20, random weights with BatchNorm
/// statistics settled on the data) and synthetic images: the split, the feature cache, the
/// problems, the closed-form MACs, the assembled network's slimming and constraint training.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class EmoPipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly ResNet20 _network = Settled();
    private readonly SubNetworkSplit _split = SubNetworkSplit.Of(ResNet20.Structure);

    public void Dispose() => _network.Dispose();

    private static DataLoader Calibration(int count = 48, int batch = 16) =>
        new(SyntheticImages.Create(seed: 5, count: count, classes: 10, channels: 1, size: 28), new DataLoaderOptions { BatchSize = batch, Shuffle = false });

    // Computed once for the class: every test starts from a fresh copy of the same weights.
    private static readonly Lazy<Dictionary<string, Tensor>> SettledWeights = new(() =>
    {
        manual_seed(3);
        using var network = new ResNet20();
        using (no_grad())
        {
            network.train();
            for (int pass = 0; pass < 4; pass++)
                foreach (Batch b in Calibration(32).Epoch(0))
                    using (b)
                    using (NewDisposeScope())
                        network.call(b.Images);
        }
        return network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    });

    /// <summary>Random weights, but running statistics of the data (as after training), so features have sane scales.</summary>
    private static ResNet20 Settled()
    {
        var network = new ResNet20();
        network.load_state_dict(SettledWeights.Value);
        network.eval();
        return network;
    }

    private static bool[] RandomMask(int length, double keep, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextDouble() < keep).ToArray();
    }

    [Fact]
    public void SplitsResNet20AtItsStagesWithBlockInternalUnitsAsBits()
    {
        Assert.Equal(["Stage1", "Stage2", "Stage3"], _split.Parts.Select(p => p.Name));
        Assert.Equal((0, 1), (_split.Parts[0].FirstMember, _split.Parts[0].LastMember)); // the stem joins the first stage
        Assert.Equal(4, _split.TailStart);
        // Three conv1 groups per stage (16, 32, 64 units); the residual streams stay.
        Assert.Equal([48, 96, 192], _split.Parts.Select(p => p.BitCount));
        Assert.All(_split.Parts.SelectMany(p => p.Groups), g => Assert.False(ResNet20.Structure.Groups[g].IsStream));
        Assert.Equal(_split.FullMacs, _network.Macs());
        Assert.Equal(_split.FullMacs - _split.Parts.Select((_, k) => _split.PartDenseMacs(k)).Sum(),
            ResNet20.Structure.Layers.Where(l => l.Stage < 0).Sum(l => CostModel.LayerMacs(l, l.InChannels, l.OutChannels)) -
            CostModel.LayerMacs(ResNet20.Structure.Layers[0], 1, 16)); // the stem sits in part 0: only the head is outside
    }

    [Fact]
    public void SplitsAPlainNetworkAfterItsPoolsAndMergesCutsWithoutUnitsOfTheirOwn()
    {
        var vgg = SubNetworkSplit.Of(VggSmall.Structure);
        Assert.Equal(3, vgg.Parts.Count);
        Assert.Equal(["Conv1"], vgg.Parts[0].Groups.Select(g => VggSmall.Structure.Groups[g].Name));
        Assert.Equal(["Conv5", "Conv6"], vgg.Parts[2].Groups.Select(g => VggSmall.Structure.Groups[g].Name));

        // TinyVgg's first segment (conv1, pool) owns no group (conv1 feeds the next segment): it joins the next one.
        var tiny = SubNetworkSplit.Of(TinyVgg.Structure);
        Assert.Equal(2, tiny.Parts.Count);
        Assert.Equal(0, tiny.Parts[0].FirstMember);
        Assert.All(tiny.Parts, p => Assert.True(p.BitCount > 0));
    }

    [Fact]
    public void FeatureCacheHoldsEveryCutAndEndsInTheNetworksOwnLogits()
    {
        DataLoader data = Calibration();
        using FeatureCache cache = FeatureCache.Build(_network, _split, data);
        Assert.Equal(48, cache.Count);
        Assert.Equal(3, cache.Batches);
        Assert.Equal(4, cache.Cuts);
        Assert.Equal([16L, 1, 28, 28], cache.Feature(0, 0).shape);
        Assert.Equal([16L, 16, 28, 28], cache.Feature(1, 0).shape);
        Assert.Equal([16L, 32, 14, 14], cache.Feature(2, 0).shape);
        Assert.Equal([16L, 64, 7, 7], cache.Feature(3, 0).shape);

        int b = 0;
        foreach (Batch batch in data.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            using (no_grad())
            {
                Tensor full = _network.call(batch.Images);
                Tensor fromCache = _network.ForwardMember(4, cache.Feature(3, b));
                Assert.True(full.allclose(fromCache, rtol: 1e-5, atol: 1e-5), $"batch {b}: the head on the cached F_3 differs from the full forward");
                Assert.True(cache.Labels(b).equal(batch.Labels));
            }
            b++;
        }
    }

    [Fact]
    public void SubNetworkProblemWithTheAllOnesMaskHasTheDenseDetectorError()
    {
        using FeatureCache cache = FeatureCache.Build(_network, _split, Calibration());
        for (int k = 0; k < 3; k++)
        {
            using FeatureDetector detector = FeatureDetector.Train(cache, k + 1, classes: 10, steps: 50);
            long wrong = Enumerable.Range(0, cache.Batches).Sum(b => detector.CountErrors(cache.Feature(k + 1, b), cache.Labels(b)));
            using var problem = new SubNetworkProblem(_split, k, EmoPlanner.Copy(_network), cache, detector);
            var errors = new double[2];
            bool[] pruned = RandomMask(problem.MaskLength, 0.3, k);
            problem.EvaluateErrors([Enumerable.Repeat(true, problem.MaskLength).ToArray(), pruned], errors);
            Assert.Equal((double)wrong / cache.Count, errors[0]);
            Assert.Equal(problem.DenseMacs, problem.Macs(Enumerable.Repeat(true, problem.MaskLength).ToArray()));
            Assert.True(problem.Macs(pruned) < problem.DenseMacs);
            Assert.Equal(2, problem.Archive.Count);
            // The problem evaluates on a slimmed copy; the same mask on the fixed-mask gates scores the same.
            _network.Gates.Mode = GateMode.FixedMasks;
            _split.ApplyToGates(_network, k, pruned);
            long gatedWrong = 0;
            using (no_grad())
                for (int b = 0; b < cache.Batches; b++)
                    using (NewDisposeScope())
                        gatedWrong += detector.CountErrors(MaskedForward.Run(_network, _split, k, k, cache.Feature(k, b)), cache.Labels(b));
            _split.ApplyToGates(_network, k, null);
            _network.Gates.Mode = GateMode.Off;
            Assert.Equal((double)gatedWrong / cache.Count, errors[1]);
            output.WriteLine($"{problem.Name}: dense detector error {errors[0]:P1}, 30%-kept mask {errors[1]:P1}");
        }
    }

    [Fact]
    public void PrunedPredecessorInputsMixDenseFeaturesAndAnL1PrunedPredecessorsOutputPerExample()
    {
        using FeatureCache cache = FeatureCache.Build(_network, _split, Calibration());
        double[]?[] scores = PruneGen.Methods.Baselines.ChannelScores.L1(_network);
        using FeatureCache mixed = PrunedPredecessorInputs.Build(_network, _split, cache, keepFraction: 0.5, prunedFraction: 0.5, repairBatchNorm: false, seed: 4);
        Assert.Equal((cache.Count, cache.Batches, cache.Cuts), (mixed.Count, mixed.Batches, mixed.Cuts));

        int fromPruned = 0, fromDense = 0;
        for (int k = 1; k < _split.Parts.Count; k++)
        {
            // By hand: the predecessor with half of each group's units, those of largest L1 magnitude.
            bool[] mask = PrunedPredecessorInputs.L1Mask(_split, k - 1, scores, 0.5);
            int offset = 0;
            foreach (int g in _split.Parts[k - 1].Groups)
            {
                double[] s = scores[g]!;
                double smallestKept = Enumerable.Range(0, s.Length).Where(u => mask[offset + u]).Min(u => s[u]);
                Assert.Equal(s.Length / 2, Enumerable.Range(0, s.Length).Count(u => mask[offset + u]));
                Assert.All(Enumerable.Range(0, s.Length).Where(u => !mask[offset + u]), u => Assert.True(s[u] <= smallestKept));
                offset += s.Length;
            }
            using ResNet20 copy = Settled();
            copy.Gates.Mode = GateMode.FixedMasks;
            _split.ApplyToGates(copy, k - 1, mask);
            for (int b = 0; b < cache.Batches; b++)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                Tensor pruned = MaskedForward.Run(copy, _split, k - 1, k - 1, cache.Feature(k - 1, b));
                for (int i = 0; i < cache.Labels(b).size(0); i++)
                {
                    Tensor example = mixed.Feature(k, b)[i];
                    if (example.allclose(pruned[i], rtol: 1e-4, atol: 1e-5)) fromPruned++;
                    else if (example.equal(cache.Feature(k, b)[i])) fromDense++;
                    else Assert.Fail($"cut {k}, batch {b}, example {i} is neither the dense feature nor the pruned predecessor's output");
                }
            }
        }
        // The images and the last cut are the dense cache's; labels are kept.
        for (int b = 0; b < cache.Batches; b++)
        {
            Assert.True(mixed.Feature(0, b).equal(cache.Feature(0, b)));
            Assert.True(mixed.Feature(_split.Parts.Count, b).equal(cache.Feature(_split.Parts.Count, b)));
            Assert.True(mixed.Labels(b).equal(cache.Labels(b)));
        }
        Assert.InRange(fromPruned, 20, 76); // 96 examples, each pruned with probability 1/2
        Assert.Equal(96, fromPruned + fromDense);
        output.WriteLine($"{fromPruned} of 96 inputs come from a pruned predecessor");

        // Mixing share 0 is the dense cache.
        using FeatureCache dense = PrunedPredecessorInputs.Build(_network, _split, cache, 0.5, 0, repairBatchNorm: false, seed: 4);
        for (int k = 0; k < cache.Cuts; k++)
            for (int b = 0; b < cache.Batches; b++)
                Assert.True(dense.Feature(k, b).equal(cache.Feature(k, b)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DenseTailScoringIsTheWholeNetworksErrorWithOnlyThatSubNetworkPruned(bool repairBatchNorm)
    {
        using ResNet20 fitted = FittedToCalibration();
        using FeatureCache cache = FeatureCache.Build(fitted, _split, Calibration());
        using var whole = new WholeNetworkProblem(_split, EmoPlanner.Copy(fitted), cache, repairBatchNorm: repairBatchNorm);
        using var unrepaired = new WholeNetworkProblem(_split, EmoPlanner.Copy(fitted), cache);
        double dense = whole.Error([null, null, null]);
        var prunedErrors = new List<double>();
        var unrepairedErrors = new List<double>();
        for (int k = 0; k < 3; k++)
        {
            using FeatureDetector detector = FeatureDetector.Train(cache, k + 1, classes: 10, steps: 50);
            using var problem = new SubNetworkProblem(_split, k, EmoPlanner.Copy(fitted), cache, detector,
                repairBatchNorm: repairBatchNorm, scoring: SubNetworkScoring.DenseTail);
            bool[] pruned = RandomMask(problem.MaskLength, 0.3, 11 + k);
            var errors = new double[2];
            problem.EvaluateErrors([Enumerable.Repeat(true, problem.MaskLength).ToArray(), pruned], errors);
            Assert.Equal(dense, errors[0], 6);
            var onlyThis = new bool[]?[3];
            onlyThis[k] = pruned;
            Assert.Equal(whole.Error(onlyThis), errors[1], 6);
            prunedErrors.Add(errors[1]);
            unrepairedErrors.Add(unrepaired.Error(onlyThis));
            output.WriteLine($"{problem.Name}: whole-network error {errors[1]:P1} with only it pruned to 30% (dense {dense:P1}; {unrepairedErrors[^1]:P1} unrepaired)");
        }
        // So the comparison is not of dense errors only: keeping 30% of some stage moves the error.
        Assert.Contains(prunedErrors, e => e != dense);
        // And with the repair, re-estimating the statistics (the tail's included) moves some error.
        if (repairBatchNorm) Assert.NotEqual(unrepairedErrors, prunedErrors);
    }

    /// <summary>
    /// Fitted a little to the calibration images (random weights predict one class whatever a mask
    /// does), with BatchNorm statistics of exactly those images, so that re-estimating a dense part's
    /// statistics on them changes nothing.
    /// </summary>
    private ResNet20 FittedToCalibration()
    {
        ResNet20 fitted = Settled();
        using (var adam = optim.Adam(fitted.parameters(), 0.01))
        {
            fitted.train();
            for (int epoch = 0; epoch < 10; epoch++)
                foreach (Batch b in Calibration().Epoch(epoch))
                    using (b)
                    using (NewDisposeScope())
                    {
                        adam.zero_grad();
                        nn.functional.cross_entropy(fitted.call(b.Images), b.Labels).backward();
                        adam.step();
                    }
        }
        fitted.eval();
        using (FeatureCache images = FeatureCache.Build(fitted, _split, Calibration()))
            PruneGen.Training.BatchNormRecalibration.Run(fitted, images.Features(0));
        return fitted;
    }

    [Fact]
    public void SearchBatchNormScoresEachMaskWithStatisticsReEstimatedOnItsOwnInputAndLeavesTheCopyAlone()
    {
        using FeatureCache cache = FeatureCache.Build(_network, _split, Calibration());
        const int k = 1;
        using FeatureDetector detector = FeatureDetector.Train(cache, k + 1, classes: 10, steps: 50);
        using var problem = new SubNetworkProblem(_split, k, EmoPlanner.Copy(_network), cache, detector, repairBatchNorm: true);
        bool[] pruned = RandomMask(problem.MaskLength, 0.4, 7);
        var errors = new double[3];
        problem.EvaluateErrors([Enumerable.Repeat(true, problem.MaskLength).ToArray(), pruned, pruned], errors);
        Assert.Equal(errors[1], errors[2]); // each evaluation starts again from the dense statistics

        // By hand: the masked gates, S_k's BatchNorms re-estimated on the cached F_{k-1}, then the detector.
        using ResNet20 copy = Settled();
        copy.Gates.Mode = GateMode.FixedMasks;
        _split.ApplyToGates(copy, k, pruned);
        var outside = (PruneGen.Torch.Modules.BatchNorm2d)copy.named_modules()
            .First(m => m.module is PruneGen.Torch.Modules.BatchNorm2d && m.name.StartsWith("stage3", StringComparison.Ordinal)).module;
        Tensor before = outside.running_mean!.clone();
        Assert.Equal(cache.Batches, PruneGen.Training.BatchNormRecalibration.Run(copy, cache.Features(k),
            x => MaskedForward.Run(copy, _split, k, k, x)));
        copy.eval();
        long wrong = 0;
        using (no_grad())
            for (int b = 0; b < cache.Batches; b++)
                using (NewDisposeScope())
                    wrong += detector.CountErrors(MaskedForward.Run(copy, _split, k, k, cache.Feature(k, b)), cache.Labels(b));
        Assert.Equal((double)wrong / cache.Count, errors[1], 6);
        // A BatchNorm the forward does not reach (stage 3) keeps its statistics.
        Assert.True(before.equal(outside.running_mean!));

        // The whole-network problem with the same repair scores as the candidate scorer's BatchNorm repair on the same images.
        bool[][] masks = [RandomMask(48, 0.5, 1), RandomMask(96, 0.5, 2), RandomMask(192, 0.5, 3)];
        using var whole = new WholeNetworkProblem(_split, EmoPlanner.Copy(_network), cache, repairBatchNorm: true);
        using var scorer = new CandidateScorer(_network, _split, cache, cache, CandidateRepair.BatchNorm, null, new ConstraintTrainingOptions(), MemoryFormat.Contiguous);
        var wholeErrors = new double[1];
        whole.EvaluateErrors([[.. masks[0], .. masks[1], .. masks[2]]], wholeErrors);
        CandidateScore score = scorer.Score(masks);
        Assert.Equal(score.Repaired, wholeErrors[0], 6);
        output.WriteLine($"{problem.Name}: detector error {errors[1]:P1} with its statistics re-estimated; whole network {wholeErrors[0]:P1} (as masked {score.Untrained:P1})");
    }

    [Fact]
    public void CandidateScorerReportsItsProgressAtMostOncePerInterval()
    {
        using FeatureCache cache = FeatureCache.Build(_network, _split, Calibration(16));
        var clock = new ManualClock();
        var reports = new List<string>();
        using var scorer = new CandidateScorer(_network, _split, cache, cache, CandidateRepair.None, null, new ConstraintTrainingOptions(), MemoryFormat.Contiguous,
            reports.Add, clock);
        bool[][] Masks(int seed) => [RandomMask(48, 0.5, seed), RandomMask(96, 0.5, seed + 1), RandomMask(192, 0.5, seed + 2)];

        scorer.Score(Masks(1));
        clock.Advance(CandidateScorer.ProgressInterval - TimeSpan.FromSeconds(1));
        scorer.Score(Masks(2));
        Assert.Empty(reports); // not a full interval yet
        clock.Advance(TimeSpan.FromSeconds(1));
        scorer.Score(Masks(3));
        Assert.Equal(["EMO: 3 candidates scored (none repair: 0 s so far)"], reports);
        clock.Advance(TimeSpan.FromSeconds(30));
        scorer.Score(Masks(4));
        Assert.Single(reports); // the interval counts from the last report
        clock.Advance(TimeSpan.FromSeconds(30));
        scorer.Score(Masks(1)); // memoised: nothing scored, nothing to report
        Assert.Single(reports);
        scorer.Score(Masks(5));
        Assert.Equal(2, reports.Count);
        Assert.StartsWith("EMO: 5 candidates scored", reports[1]);
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void MasksReduceMacsAsTheClosedFormSaysAndTheSlimNetworkMatchesTheMaskedOne()
    {
        // Stage 1 keeps a random half; stage 2 empties block 1's conv1 (the block goes); stage 3 keeps a random quarter.
        bool[] stage2 = RandomMask(96, 0.6, 2);
        for (int i = 32; i < 64; i++) stage2[i] = false;
        bool[][] masks = [RandomMask(48, 0.5, 1), stage2, RandomMask(192, 0.25, 3)];

        var decoded = _split.Decode(1, stage2);
        Assert.Equal([ResNet20.Structure.Blocks.Single(b => b.Name == "stage2.1").Index], decoded.RemovedBlocks);

        PruneMasks prune = _split.ToPruneMasks(_network, masks);
        long closedForm = CostModel.Macs(ResNet20.Structure, prune.KeptWidths(), prune.BlocksKept());
        Assert.Equal(closedForm, _split.WholeMacs(masks));
        using ResNet20 slim = _network.Slim(prune);
        Assert.Equal(closedForm, slim.Macs());
        Assert.Equal(_split.FullMacs - Enumerable.Range(0, 3).Sum(k => _split.PartDenseMacs(k) - _split.PartMacs(k, masks[k])), slim.Macs());
        Assert.Contains("Stage2Block1", slim.CurrentWidths.ToSidecar().Blocks.Where(b => !b.Value).Select(b => b.Key));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor images = Calibration(8, 8).Epoch(0).First().Images;
        _network.Gates.Mode = GateMode.FixedMasks;
        for (int k = 0; k < 3; k++) _split.ApplyToGates(_network, k, masks[k]);
        Tensor masked = _network.call(images);
        for (int k = 0; k < 3; k++) _split.ApplyToGates(_network, k, null);
        _network.Gates.Mode = GateMode.Off;
        slim.eval();
        Tensor slimmed = slim.call(images);
        Assert.True(masked.allclose(slimmed, rtol: 1e-4, atol: 1e-4), "the slimmed network's logits differ from the masked network's");

        // The whole-network problem scores the same masks with the real classifier.
        using FeatureCache cache = FeatureCache.Build(_network, _split, Calibration());
        using var whole = new WholeNetworkProblem(_split, EmoPlanner.Copy(_network), cache);
        Assert.Equal(_split.TotalBits, whole.MaskLength);
        bool[] concatenated = [.. masks[0], .. masks[1], .. masks[2]];
        Assert.Equal(closedForm, whole.Macs(concatenated));
        var errors = new double[2];
        whole.EvaluateErrors([Enumerable.Repeat(true, _split.TotalBits).ToArray(), concatenated], errors);
        Assert.Equal(ClassifierError(_network, cache), errors[0]);
        Assert.Equal(ClassifierError(slim, cache), errors[1], 6);
    }

    private static double ClassifierError(nn.Module<Tensor, Tensor> network, FeatureCache cache)
    {
        long wrong = 0;
        using var noGrad = no_grad();
        for (int b = 0; b < cache.Batches; b++)
        {
            using var scope = NewDisposeScope();
            wrong += cache.Labels(b).size(0) - network.call(cache.Feature(0, b)).argmax(1).eq(cache.Labels(b)).sum().ToInt64();
        }
        return (double)wrong / cache.Count;
    }

    [Fact]
    public void ConstraintTrainingLowersTheObjectiveItOptimises()
    {
        using FeatureCache cache = FeatureCache.Build(_network, _split, Calibration(32));
        FeatureDetector[] detectors = Enumerable.Range(1, 3).Select(k => FeatureDetector.Train(cache, k, 10, steps: 100)).ToArray();
        try
        {
            bool[][] masks = [RandomMask(48, 0.5, 1), RandomMask(96, 0.5, 2), RandomMask(192, 0.5, 3)];
            _network.Gates.Mode = GateMode.FixedMasks;
            for (int k = 0; k < 3; k++) _split.ApplyToGates(_network, k, masks[k]);
            var options = new ConstraintTrainingOptions { Steps = 10, Seed = 4 };
            IReadOnlyList<ConstraintResult> results = ConstraintTraining.Run(_network, _split, cache, detectors, options);
            foreach (ConstraintResult r in results)
            {
                output.WriteLine($"{r.Name}: {r.LossBefore:0.0000} -> {r.LossAfter:0.0000}");
                Assert.False(r.Reverted, $"{r.Name}: the steps raised the objective and were reverted");
                Assert.True(r.LossAfter < r.LossBefore, $"{r.Name}: the constraint objective rose from {r.LossBefore} to {r.LossAfter}");
            }
            // The reported "after" is the objective as it stands now.
            Assert.Equal(results[2].LossAfter, ConstraintTraining.Objective(_network, _split, cache, detectors[2], 2, options), 9);
        }
        finally
        {
            foreach (FeatureDetector d in detectors) d.Dispose();
        }
    }

    [Fact]
    public void CandidateScorerRepairsEachCandidateOnItsOwnCopyAsAskedAndLeavesTheDenseNetworkAlone()
    {
        using FeatureCache cache = FeatureCache.Build(_network, _split, Calibration(32));
        using FeatureCache holdout = FeatureCache.Build(_network, _split, Calibration(48), inputsOnly: true);
        FeatureDetector[] detectors = Enumerable.Range(1, 3).Select(k => FeatureDetector.Train(cache, k, 10, steps: 100)).ToArray();
        try
        {
            bool[][] masks = [RandomMask(48, 0.5, 1), RandomMask(96, 0.5, 2), RandomMask(192, 0.5, 3)];
            var options = new ConstraintTrainingOptions { Steps = 10, Seed = 4 };
            using var trained = new CandidateScorer(_network, _split, cache, holdout, CandidateRepair.ConstraintTraining, detectors, options, MemoryFormat.Contiguous);
            using var recalibrated = new CandidateScorer(_network, _split, cache, holdout, CandidateRepair.BatchNorm, null, options, MemoryFormat.Contiguous);
            using var untouched = new CandidateScorer(_network, _split, cache, holdout, CandidateRepair.None, null, options, MemoryFormat.Contiguous);
            using var both = new CandidateScorer(_network, _split, cache, holdout, CandidateRepair.BatchNormThenConstraintTraining, detectors, options, MemoryFormat.Contiguous);

            CandidateScore byTraining = trained.Score(masks);
            CandidateScore byStatistics = recalibrated.Score(masks);
            CandidateScore plain = untouched.Score(masks);
            CandidateScore byStatisticsThenTraining = both.Score(masks);
            // The dense network is untouched by either repair: the untrained scores agree.
            Assert.Equal(plain.Untrained, byTraining.Untrained);
            Assert.Equal(plain.Untrained, byStatistics.Untrained);
            Assert.Equal(plain.Untrained, byStatisticsThenTraining.Untrained);
            Assert.Equal(plain.Untrained, plain.Repaired);

            // Constraint training: the error of the network it leaves, done here by hand.
            using (ResNet20 copy = Settled())
            {
                copy.Gates.Mode = GateMode.FixedMasks;
                for (int k = 0; k < 3; k++) _split.ApplyToGates(copy, k, masks[k]);
                IReadOnlyList<ConstraintResult> results = ConstraintTraining.Run(copy, _split, cache, detectors, options);
                Assert.Contains(results, r => !r.Reverted); // so the comparison is of trained weights, not of the dense ones put back
                Assert.Equal(ClassifierError(copy, holdout), byTraining.Repaired, 6);
            }

            // BatchNorm: the masked network with its statistics re-estimated on the calibration images, by hand.
            using (ResNet20 copy = Settled())
            {
                copy.Gates.Mode = GateMode.FixedMasks;
                for (int k = 0; k < 3; k++) _split.ApplyToGates(copy, k, masks[k]);
                Assert.Equal(cache.Batches, PruneGen.Training.BatchNormRecalibration.Run(copy, cache.Features(0)));
                copy.eval();
                Assert.Equal(ClassifierError(copy, holdout), byStatistics.Repaired, 6);
            }
            // Both: statistics re-estimated, then constraint training with them frozen, by hand.
            using (ResNet20 copy = Settled())
            {
                copy.Gates.Mode = GateMode.FixedMasks;
                for (int k = 0; k < 3; k++) _split.ApplyToGates(copy, k, masks[k]);
                PruneGen.Training.BatchNormRecalibration.Run(copy, cache.Features(0));
                IReadOnlyList<ConstraintResult> results = ConstraintTraining.Run(copy, _split, cache, detectors, options);
                Assert.Contains(results, r => !r.Reverted);
                Assert.Equal(ClassifierError(copy, holdout), byStatisticsThenTraining.Repaired, 6);
            }
            // Training from the re-estimated statistics is not training from the dense ones.
            Assert.NotEqual(byTraining.Repaired, byStatisticsThenTraining.Repaired);
            output.WriteLine($"holdout error {plain.Untrained:P1} as masked, {byStatistics.Repaired:P1} with BatchNorm re-estimated, {byTraining.Repaired:P1} after constraint training, {byStatisticsThenTraining.Repaired:P1} after both");

            // Memoised: the same masks score the same without repairing again.
            double seconds = trained.RepairSeconds;
            Assert.True(seconds > 0);
            Assert.Equal(byTraining, trained.Score(masks.Select(m => (bool[])m.Clone()).ToArray()));
            Assert.Equal(seconds, trained.RepairSeconds);
            Assert.Equal(1, trained.Count);
        }
        finally
        {
            foreach (FeatureDetector d in detectors) d.Dispose();
        }
    }
}
