using PruneGen.Data;
using PruneGen.Training;
using static PruneGen.Torch.torch;

namespace PruneGen.Hosting.Tests.Training;

/// <summary>A tiny CNN and synthetic data: enough to exercise BN statistics, dropout's RNG and momentum.</summary>
internal static class TinyNetwork
{
    public static TrainableNetwork Create() =>
        new("Tiny", nn.Sequential(
            ("conv", nn.Conv2d(3, 8, 3, padding: 1)),
            ("bn", nn.BatchNorm2d(8)),
            ("relu", nn.ReLU()),
            ("drop", nn.Dropout(0.2)),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(8, 4))));

    public static DataLoader TrainLoader(int images = 48, int batch = 8) =>
        new(SyntheticImages.Create(seed: 5, count: images, classes: 4, channels: 3, size: 8), new DataLoaderOptions { BatchSize = batch, Seed = 11 });

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
