using PruneGen.Latency;

namespace PruneGen.Tests.Latency;

public sealed class TimingsTests
{
    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value_and_of_an_even_count_the_mean_of_the_middle_two()
    {
        Assert.Equal(3.0, Timings.Median([9.0, 1.0, 3.0]));
        Assert.Equal(2.5, Timings.Median([4.0, 1.0, 2.0, 3.0]));
    }

    [Fact]
    public void Median_leaves_its_input_in_order_and_refuses_an_empty_list()
    {
        double[] times = [5.0, 1.0, 3.0];
        Timings.Median(times);
        Assert.Equal([5.0, 1.0, 3.0], times);
        Assert.Throws<ArgumentException>(() => Timings.Median([]));
    }
}
