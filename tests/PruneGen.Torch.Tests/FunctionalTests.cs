using static PruneGen.Torch.torch;
using static PruneGen.Torch.Tests.NnTestData;
using F = PruneGen.Torch.torch.nn.functional;

namespace PruneGen.Torch.Tests;

/// <summary>
/// Forward values of nn.functional against PyTorch 1.13. Every expected array was computed with
/// /usr/bin/python3 by Reference/functional_reference.py from the same deterministic inputs.
/// </summary>
public class FunctionalTests
{
    [Fact]
    public void Conv2dWithGroupsStrideAndPaddingMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        var x = Wave([1, 4, 5, 5], 0.37, 0.1);
        var w = Wave([4, 2, 3, 3], 0.71, 0.3);
        var b = Wave([4], 1.3, 0.2);
        var y = F.conv2d(x, w, b, strides: [2], padding: [1], groups: 2);
        Assert.Equal([1L, 4, 3, 3], y.shape);
        AssertClose([0.03591639f, 0.6434666f, 0.7507116f, -0.09593721f, -0.9493808f, -0.4888386f, 0.660612f, 0.93766f, 0.3531006f, 0.7207185f, 1.277494f, 1.515443f, 0.8689566f, -0.04852527f, 0.2290464f, 1.400604f, 1.795188f, 1.270199f, -0.1380696f, 0.1774037f, 0.6886698f, 0.6515957f, -0.235989f, -0.4800991f, 0.4725202f, 1.077183f, 0.8202399f, -1.339523f, -1.149324f, -0.5719495f, -0.3542806f, -1.154656f, -1.584134f, -0.785906f, -0.1462008f, -0.2765073f], y);
    }

    [Fact]
    public void Conv2dWithDilationAndNoBiasMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        var y = F.conv2d(Wave([1, 2, 5, 5], 0.53, -0.4), Wave([3, 2, 3, 3], 0.29, 0.8), padding: [1], dilation: [2]);
        Assert.Equal([1L, 3, 3, 3], y.shape);
        AssertClose([1.162215f, 1.615598f, 1.388327f, -0.7936754f, -0.9352007f, -0.8223255f, 1.483524f, 1.78885f, 1.344658f, 1.404284f, 1.639502f, 1.188715f, -0.57464f, -0.5512189f, -0.382345f, 0.4860517f, 0.3411943f, 0.05763954f, 0.203004f, -0.02170387f, -0.2326809f, 0.235021f, 0.3993161f, 0.4506168f, -1.010993f, -1.457147f, -1.288622f], y);
    }

    [Fact]
    public void Conv2dRejectsBadArgumentsWithClearMessages()
    {
        using var scope = NewDisposeScope();
        var x = Wave([1, 4, 5, 5], 0.1, 0);
        var w = Wave([4, 3, 3, 3], 0.2, 0);
        var channels = Assert.Throws<TorchException>(() => F.conv2d(x, w));
        Assert.Contains("channels", channels.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.conv2d(x, Wave([4, 4, 3, 3], 0.2, 0), strides: [0]));
        Assert.Throws<ArgumentException>(() => F.conv2d(x, Wave([4, 4, 3, 3], 0.2, 0), padding: [1, 1, 1]));
    }

    [Fact]
    public void BatchNormTrainingNormalisesWithBatchStatisticsAndUpdatesRunningOnes()
    {
        using var scope = NewDisposeScope();
        var x = Wave([3, 2, 2, 2], 0.9, 0.5, scale: 2, offset: 0.3);
        var runningMean = Floats([0.1f, -0.2f], 2);
        var runningVar = Floats([1.5f, 0.5f], 2);
        var gamma = Floats([1.2f, 0.7f], 2);
        var beta = Floats([0.1f, -0.3f], 2);

        var y = F.batch_norm(x, runningMean, runningVar, gamma, beta, training: true, momentum: 0.2);
        AssertClose([0.6650149f, 1.536624f, 1.123672f, -0.261326f, -1.135969f, -1.273837f, -0.700352f, 0.1504832f, 1.541306f, 1.104195f, -0.2902238f, -1.58668f, -1.269029f, -0.6850138f, 0.1647438f, 0.6371645f, 1.084359f, -0.3190849f, -1.602726f, -1.79513f, -0.6695765f, 0.1788634f, 0.6392809f, 0.3632413f], y, rtol: 1e-4, atol: 1e-5);
        AssertClose([0.2005594f, -0.08618107f], runningMean);
        AssertClose([1.623583f, 0.8450523f], runningVar);

        var evaluated = F.batch_norm(x, runningMean, runningVar, gamma, beta, training: false);
        AssertClose([1.096662f, 2.049774f, 1.598208f, 0.08370021f, -1.252124f, -1.466321f, -0.575327f, 0.7465724f, 2.054895f, 1.576909f, 0.05210026f, -1.365587f, -1.458851f, -0.5514969f, 0.7687283f, 1.502704f, 1.555219f, 0.02054033f, -1.383132f, -1.593528f, -0.5275126f, 0.7906653f, 1.505992f, 1.077124f], evaluated, rtol: 1e-4, atol: 1e-5);
        AssertClose([0.2005594f, -0.08618107f], runningMean); // evaluation leaves running statistics alone
    }

    [Fact]
    public void BatchNormInEvaluationNeedsRunningStatistics()
    {
        using var scope = NewDisposeScope();
        var x = Wave([2, 2, 2, 2], 0.9, 0.5);
        var e = Assert.Throws<ArgumentException>(() => F.batch_norm(x, null, null, training: false));
        Assert.Contains("running_mean", e.Message);
    }

    [Fact]
    public void PoolingMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        var x = Wave([1, 1, 5, 5], 1.1, 0.0);
        AssertClose([0.8912073f, 0.9881682f, -0.4496475f, 0.9867719f], F.max_pool2d(x, [2]));
        AssertClose([0.8912073f, 0.9881682f, 0.5849172f, 0.3115413f, 0.9881682f, 0.9867719f, -0.008851309f, 0.8136737f, 0.9542851f],
            F.max_pool2d(x, [3], stride: [2], padding: [1], ceil_mode: true));
        AssertClose([0.1243021f, 0.555959f, -0.7775669f, 0.5608801f], F.avg_pool2d(x, [2]));
        AssertClose([0.1243021f, 0.5710974f, -0.2454916f, -0.5840444f, 0.303295f, 0.5196838f, -0.6411671f, -0.3026888f, 0.7053991f],
            F.avg_pool2d(x, [3], stride: [2], padding: [1], count_include_pad: false));
        var adaptive = F.adaptive_avg_pool2d(x, [2, 3]);
        Assert.Equal([1L, 1, 2, 3], adaptive.shape);
        AssertClose([-0.1587382f, 0.5061981f, 0.05132063f, -0.669051f, -0.07632611f, 0.6852477f], adaptive);
    }

    [Fact]
    public void LinearMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        var y = F.linear(Wave([2, 3], 0.8, 0.1), Wave([4, 3], 0.45, 1.0), Wave([4], 0.6, -0.5));
        Assert.Equal([2L, 4], y.shape);
        AssertClose([1.320613f, 0.3259742f, -1.056768f, -0.007636964f, -0.9067606f, 0.561321f, 1.27369f, 0.777788f], y);
    }

    [Fact]
    public void ActivationsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        var x = Wave([2, 4], 1.7, 0.3, scale: 3);
        AssertClose([0.1345974f, 0.8486267f, 0.01131602f, 0.005459919f, 0.5898125f, 0.3828522f, 0.004729456f, 0.02260587f], F.softmax(x, 1));
        AssertClose([-2.005467f, -0.1641359f, -4.481536f, -5.210321f, -0.5279507f, -0.9601062f, -5.353945f, -3.789546f], F.log_softmax(x, 1));
        AssertClose([-1.541281f, -0.3205566f, -0.3001676f, -1.496962f, -0.2409343f, -1.293697f, -1.349747f, -0.2533567f], F.log_softmax(x, 0));
        AssertClose([0.70818f, 0.9386526f, 0.1694531f, 0.08961918f, 0.8990676f, 0.852551f, 0.06666481f, 0.2545126f], F.sigmoid(x));
        AssertClose([0.8865607f, 2.727892f, 0f, 0f, 2.186907f, 1.754752f, 0f, 0f], F.relu(x));
        Assert.Equal(ScalarType.Float64, F.log_softmax(x, 1, ScalarType.Float64).dtype);
    }

    [Fact]
    public void InPlaceReluOverwritesItsInput()
    {
        using var scope = NewDisposeScope();
        var x = Floats([-1f, 2f, -3f, 4f], 4);
        var y = F.relu(x, inplace: true);
        Assert.Same(x, y);
        Assert.Equal([0f, 2f, 0f, 4f], x.data<float>());
    }

    [Fact]
    public void DropoutZeroesAndRescalesOnlyInTraining()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var ones = Floats(Enumerable.Repeat(1f, 10_000).ToArray(), 10_000);
        float[] dropped = F.dropout(ones, 0.3, training: true).data<float>();
        Assert.All(dropped, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.7f) < 1e-6, $"unexpected value {v}"));
        double keptFraction = dropped.Count(v => v != 0) / (double)dropped.Length;
        Assert.InRange(keptFraction, 0.67, 0.73); // 0.7 ± 6.5 standard deviations
        Assert.Equal(ones.data<float>(), F.dropout(ones, 0.3, training: false).data<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => F.dropout(ones, 1.5));
    }

    [Fact]
    public void CrossEntropyVariantsMatchPyTorch()
    {
        using var scope = NewDisposeScope();
        var logits = Wave([3, 4], 0.77, 0.2, scale: 2);
        var target = tensor(new long[] { 1, 0, 3 });
        var weight = Floats([0.5f, 1.0f, 2.0f, 1.5f], 4);
        AssertClose([1.083295f], F.cross_entropy(logits, target));
        AssertClose([3.249887f], F.cross_entropy(logits, target, reduction: nn.Reduction.Sum));
        AssertClose([1.191167f, 0.5987089f, 1.460011f], F.cross_entropy(logits, target, reduction: nn.Reduction.None));
        AssertClose([1.132265f], F.cross_entropy(logits, target, label_smoothing: 0.1));
        AssertClose([1.226846f], F.cross_entropy(logits, target, weight));
        AssertClose([1.354642f], F.cross_entropy(logits, target, weight, label_smoothing: 0.2));
        AssertClose([1.325589f], F.cross_entropy(logits, target, ignore_index: 0));
        AssertClose([1.083295f], F.nll_loss(F.log_softmax(logits, 1), target));
    }

    [Fact]
    public void CrossEntropyRejectsOutOfRangeTargets()
    {
        using var scope = NewDisposeScope();
        var logits = Wave([2, 3], 0.77, 0.2);
        var e = Assert.Throws<TorchException>(() => F.cross_entropy(logits, tensor(new long[] { 0, 3 })));
        Assert.Contains("out of bounds", e.Message);
    }

    [Fact]
    public void MseLossMatchesPyTorch()
    {
        using var scope = NewDisposeScope();
        var input = Wave([3, 4], 0.77, 0.2, scale: 2);
        var target = Wave([3, 4], 0.33, 0.9);
        AssertClose([2.718005f], F.mse_loss(input, target));
        AssertClose([32.61607f], F.mse_loss(input, target, nn.Reduction.Sum));
        Assert.Equal([3L, 4], F.mse_loss(input, target, nn.Reduction.None).shape);
    }
}
