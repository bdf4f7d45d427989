using static PruneGen.Torch.torch;

namespace PruneGen.Torch.Tests;

/// <summary>Deterministic inputs shared by the nn tests and Reference/functional_reference.py.</summary>
internal static class NnTestData
{
    /// <summary>x[i] = sin(a·i + b) computed in double and rounded to float, shaped as asked.</summary>
    public static Tensor Wave(long[] shape, double a, double b, double scale = 1, double offset = 0)
    {
        long n = 1;
        foreach (long d in shape) n *= d;
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)Math.Sin(a * i + b) * (float)scale + (float)offset;
        return tensor(values, shape);
    }

    public static Tensor Floats(float[] values, params long[] shape) => tensor(values, shape);

    /// <summary>Asserts element-wise closeness |actual − expected| ≤ atol + rtol·|expected|.</summary>
    public static void AssertClose(float[] expected, Tensor actual, double rtol = 1e-5, double atol = 1e-6)
    {
        float[] got = actual.data<float>();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
        {
            double tolerance = atol + rtol * Math.Abs(expected[i]);
            Assert.True(Math.Abs(got[i] - expected[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {got[i]} (tolerance {tolerance:g3})");
        }
    }
}
