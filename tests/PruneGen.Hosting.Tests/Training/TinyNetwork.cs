using PruneGen.Data;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Hosting.Tests.Training;

/// <summary>A tiny CNN and synthetic data: enough to exercise BN statistics, dropout's RNG and momentum.</summary>
internal static class TinyNetwork
{
    public const int FullWidth = 8;

    /// <summary>The network at <paramref name="width"/> conv channels, with a widths sidecar so it can be slimmed and rebuilt.</summary>
    public static TrainableNetwork Create(int width = FullWidth)
    {
        var module = nn.Sequential(
            ("conv", nn.Conv2d(3, width, 3, padding: 1)),
            ("bn", nn.BatchNorm2d(width)),
            ("relu", nn.ReLU()),
            ("drop", nn.Dropout(0.2)),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(width, 4)));
        long macs = 8 * 8 * width * 3 * 9 + width * 4;
        return new TrainableNetwork("Tiny", module, Widths(width), macs);
    }

    public static Structure.WidthsSidecar Widths(int width) =>
        new("Tiny", new Dictionary<string, int> { ["conv"] = width }, new Dictionary<string, bool>());

    /// <summary>Rebuilds from a sidecar (resume) or at full width.</summary>
    public static TrainableNetwork FromSidecar(Structure.WidthsSidecar? widths) => Create(widths?.Widths["conv"] ?? FullWidth);

    /// <summary>A physically smaller copy keeping the first <paramref name="keep"/> conv channels (and their BN and classifier inputs).</summary>
    public static TrainableNetwork Slim(TrainableNetwork network, int keep)
    {
        TrainableNetwork slim = Create(keep);
        using var scope = NewDisposeScope();
        var source = network.Module.state_dict();
        var target = new Dictionary<string, Tensor>();
        foreach ((string key, Tensor value) in source)
            target[key] = key switch
            {
                "fc.weight" => value.narrow(1, 0, keep).contiguous(),
                "fc.bias" or "bn.num_batches_tracked" => value,
                _ => value.narrow(0, 0, keep).contiguous(),
            };
        slim.Module.load_state_dict(target);
        return slim;
    }

    public static DataLoader TrainLoader(int images = 48, int batch = 8, MemoryFormat format = MemoryFormat.Contiguous) =>
        new(SyntheticImages.Create(seed: 5, count: images, classes: 4, channels: 3, size: 8),
            new DataLoaderOptions { BatchSize = batch, Seed = 11, MemoryFormat = format });

    public static DataLoader TestLoader() =>
        new(SyntheticImages.Create(seed: 5, count: 16, classes: 4, channels: 3, size: 8, split: SyntheticSplit.Test),
            new DataLoaderOptions { BatchSize = 16, Shuffle = false });

    /// <summary>Every state-dict entry's raw values, for bit-for-bit comparison.</summary>
    public static Dictionary<string, object> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.dtype == ScalarType.Int64 ? (object)kv.Value.data<long>() : kv.Value.data<float>());

    public static void AssertBitIdentical(Dictionary<string, object> expected, Dictionary<string, object> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach ((string key, object value) in expected)
        {
            if (value is float[] f)
            {
                // Compare bit patterns, so -0 vs 0 or NaN payloads would count as differences too.
                int[] want = f.Select(BitConverter.SingleToInt32Bits).ToArray();
                int[] got = ((float[])actual[key]).Select(BitConverter.SingleToInt32Bits).ToArray();
                Assert.True(want.SequenceEqual(got), $"'{key}' differs");
            }
            else
            {
                Assert.True(((long[])value).SequenceEqual((long[])actual[key]), $"'{key}' differs");
            }
        }
    }
}

/// <summary>A stand-in pruning method: halves the conv width after the first epoch (physically, like a real method's slimming).</summary>
internal sealed class HalveAfterFirstEpoch : TrainingMethod
{
    public override string Name => "halve";

    public override void OnEpochEnd(TrainingContext context, IDictionary<string, double> metrics)
    {
        if (context.Epoch == 0) context.ReplaceNetwork(TinyNetwork.Slim(context.Network, TinyNetwork.FullWidth / 2));
        // Shaped like a gate trajectory so reports have one to plot.
        metrics[MetricNames.ThetaPrefix + "conv"] = context.Network.Widths.Widths["conv"] / (double)TinyNetwork.FullWidth;
    }
}
