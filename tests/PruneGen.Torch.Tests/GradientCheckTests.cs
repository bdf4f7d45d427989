using static PruneGen.Torch.torch;
using F = PruneGen.Torch.torch.nn.functional;

namespace PruneGen.Torch.Tests;

/// <summary>
/// Autograd gradients of the nn ops against central finite differences in float64:
/// ∂L/∂xᵢ ≈ (L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h for every element of every input.
/// </summary>
public class GradientCheckTests
{
    private const double Step = 1e-6;

    [Fact]
    public void Conv2dWithStridePaddingAndGroups()
    {
        var random = new Random(1);
        double[] target = RandomValues(random, 2 * 6 * 3 * 3);
        CheckGradients(
            xs => F.mse_loss(F.conv2d(xs[0], xs[1], xs[2], strides: [2], padding: [1], groups: 2), Doubles(target, 2, 6, 3, 3), nn.Reduction.Sum),
            (RandomValues(random, 2 * 4 * 5 * 5), [2, 4, 5, 5]),
            (RandomValues(random, 6 * 2 * 3 * 3), [6, 2, 3, 3]),
            (RandomValues(random, 6), [6]));
    }

    [Fact]
    public void Conv2dWithDilationAndRectangularStride()
    {
        var random = new Random(2);
        double[] target = RandomValues(random, 1 * 3 * 3 * 3);
        CheckGradients(
            xs => F.mse_loss(F.conv2d(xs[0], xs[1], null, strides: [2, 1], padding: [1, 0], dilation: [2]), Doubles(target, 1, 3, 3, 3), nn.Reduction.Sum),
            (RandomValues(random, 1 * 2 * 5 * 7), [1, 2, 5, 7]),
            (RandomValues(random, 3 * 2 * 2 * 3), [3, 2, 2, 3]));
    }

    [Fact]
    public void BatchNormInTrainingMode()
    {
        var random = new Random(3);
        double[] target = RandomValues(random, 4 * 3 * 2 * 2);
        CheckGradients(
            xs => F.mse_loss(F.batch_norm(xs[0], null, null, xs[1], xs[2], training: true), Doubles(target, 4, 3, 2, 2), nn.Reduction.Sum),
            (RandomValues(random, 4 * 3 * 2 * 2), [4, 3, 2, 2]),
            (RandomValues(random, 3), [3]),
            (RandomValues(random, 3), [3]));
    }

    [Fact]
    public void Linear()
    {
        var random = new Random(4);
        double[] target = RandomValues(random, 3 * 4);
        CheckGradients(
            xs => F.mse_loss(F.linear(xs[0], xs[1], xs[2]), Doubles(target, 3, 4), nn.Reduction.Sum),
            (RandomValues(random, 3 * 5), [3, 5]),
            (RandomValues(random, 4 * 5), [4, 5]),
            (RandomValues(random, 4), [4]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.15)]
    public void CrossEntropyWithAndWithoutLabelSmoothing(double smoothing)
    {
        var random = new Random(5);
        long[] labels = [2, 0, 4, 1];
        CheckGradients(
            xs => F.cross_entropy(xs[0], tensor(labels), label_smoothing: smoothing),
            (RandomValues(random, 4 * 5, scale: 3), [4, 5]));
    }

    [Fact]
    public void CrossEntropyWithClassWeights()
    {
        var random = new Random(6);
        long[] labels = [2, 0, 4, 1];
        double[] weights = [0.5, 1, 2, 1.5, 0.25];
        CheckGradients(
            xs => F.cross_entropy(xs[0], tensor(labels), Doubles(weights, 5), label_smoothing: 0.1),
            (RandomValues(random, 4 * 5, scale: 3), [4, 5]));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static double[] RandomValues(Random random, int count, double scale = 1) =>
        Enumerable.Range(0, count).Select(_ => (random.NextDouble() * 2 - 1) * scale).ToArray();

    private static Tensor Doubles(double[] values, params long[] shape) => tensor(values, shape);

    /// <summary>Compares the autograd gradient of the scalar <paramref name="loss"/> with finite differences, input by input.</summary>
    private static void CheckGradients(Func<Tensor[], Tensor> loss, params (double[] values, long[] shape)[] inputs)
    {
        using var scope = NewDisposeScope();
        Tensor[] leaves = inputs.Select(i => tensor(i.values, i.shape, requires_grad: true)).ToArray();
        Tensor value = loss(leaves);
        Assert.Empty(value.shape);
        value.backward();

        for (int k = 0; k < inputs.Length; k++)
        {
            double[] analytic = leaves[k].grad!.data<double>();
            double[] perturbed = (double[])inputs[k].values.Clone();
            for (int i = 0; i < perturbed.Length; i++)
            {
                double original = perturbed[i];
                perturbed[i] = original + Step;
                double plus = Evaluate(loss, inputs, k, perturbed);
                perturbed[i] = original - Step;
                double minus = Evaluate(loss, inputs, k, perturbed);
                perturbed[i] = original;
                double numeric = (plus - minus) / (2 * Step);
                double tolerance = 1e-6 + 1e-5 * Math.Abs(numeric);
                Assert.True(Math.Abs(numeric - analytic[i]) <= tolerance,
                    $"input {k}, element {i}: autograd {analytic[i]:g10}, finite difference {numeric:g10}");
            }
        }
    }

    private static double Evaluate(Func<Tensor[], Tensor> loss, (double[] values, long[] shape)[] inputs, int replaced, double[] replacement)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor[] xs = inputs.Select((input, k) => tensor(k == replaced ? replacement : input.values, input.shape)).ToArray();
        return loss(xs).ToDouble();
    }
}
